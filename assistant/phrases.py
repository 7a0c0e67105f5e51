"""Fixed wording the assistant uses, in each language it answers in (tr, en, ru, ky)."""
from __future__ import annotations

LANG_NAMES = {
    # how each answer language names the language of a quoted source
    "tr": {"tr": "Türkçe", "en": "İngilizce", "ru": "Rusça", "ky": "Kırgızca"},
    "en": {"tr": "Turkish", "en": "English", "ru": "Russian", "ky": "Kyrgyz"},
    "ru": {"tr": "турецком", "en": "английском", "ru": "русском", "ky": "киргизском"},
    "ky": {"tr": "түркчө", "en": "англисче", "ru": "орусча", "ky": "кыргызча"},
}

# "The document does not say": the same words the dev set uses for unanswerable items.
NOT_IN_DOCUMENT = {
    "tr": "Belgede yer almıyor.",
    "en": "Not in the document.",
    "ru": "В документе это не указано.",
    "ky": "Документте жок.",
}

# Framing before verbatim quotes: the answer's own words are in the asker's language.
ACCORDING_TO = {
    "tr": "Belgeye göre:",
    "en": "According to the document:",
    "ru": "Согласно документу:",
    "ky": "Документ боюнча:",
}


def source_label(answer_lang: str, source_lang: str) -> str:
    """'Turkish source' / 'Türkçe kaynak' / 'источник на турецком' — said when a quote is not in the asker's
    language, inside the framing's parentheses ("Согласно документу (источник на турецком):"); capitalise it
    to start a clause."""
    name = LANG_NAMES.get(answer_lang, LANG_NAMES["en"])[source_lang]
    if answer_lang == "tr":
        return f"{name} kaynak"
    if answer_lang == "ru":
        return f"источник на {name}"
    if answer_lang == "ky":
        return f"{name} булак"
    return f"{name} source"


def refusal(lang: str) -> str:
    return NOT_IN_DOCUMENT.get(lang, NOT_IN_DOCUMENT["en"])
