"""Language identification for paragraphs and questions.

py3langid does the statistics; it is restricted to the configured languages and helped by what it cannot
see in a short text: the script (Latin vs Cyrillic), letters only Kyrgyz uses among these languages
(ө, ү, ң), and function words. Alone it reads "Who is Recep Tayyip Erdoğan?" as Turkish because the names
outweigh two English words.
"""
from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_KY_LETTERS = set("өүңӨҮҢ")
_RU_ONLY = set("щъэЩЪЭ")  # absent from the Kyrgyz alphabet's native words, frequent in Russian
_TR_LETTERS = set("ğışçöüĞİŞÇÖÜ")

# Short, frequent words that decide a short question; names and numbers carry no language.
_FUNCTION_WORDS = {
    "en": set(
        "the a an of in on at to for from with by is are was were be been did does do what which who whom whose "
        "when where why how much many and or not it its this that these those has have had as into about "
        "between after before during than their his her they there".split()
    ),
    "tr": set(
        "ve ile bir bu şu o da de mi mı mu mü ne neden nasıl kaç kim hangi nerede ne zaman için gibi kadar "
        "olarak olan arasında sonra önce peki hem ya veya ama fakat çok daha en".split()
    ),
    "ru": set(
        "и в во на с со по к ко о об от до из за для при что как кто когда где сколько какой какая какие "
        "каким это этот был была были не но или между после".split()
    ),
    "ky": set(
        "жана менен үчүн деген боюнча ким эмне качан канча кайсы кандай кантип ортосунда болгон "
        "бул ал да дагы же".split()
    ),
}


# How sure a decision by function words is: a lead of this many votes is as good as certain, and so is one vote
# the letters agree with (Turkish letters for Turkish, none for English); otherwise one vote ahead ("NOT
# Sürücüdeki Debian CD-ROM'u": English by "not") is a guess that context may overrule.
_DECISIVE_VOTES = 2
_ONE_VOTE_CONFIDENCE = 0.75


@lru_cache(maxsize=8)
def _identifier(langs: tuple[str, ...]) -> LanguageIdentifier:
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(langs))
    return ident


def detect_lang(text: str, langs: tuple[str, ...] = ("tr", "ky", "ru", "en")) -> str:
    """Best language among `langs` for `text` (a paragraph or a short question)."""
    return detect_lang_scored(text, langs)[0]


def detect_lang_scored(text: str, langs: tuple[str, ...] = ("tr", "ky", "ru", "en")) -> tuple[str, float]:
    """`detect_lang` and how sure it is (0-1): 1 when the script or Kyrgyz letters decide, 1 or less for
    function words (by their margin), else py3langid's probability among the candidates. A paragraph's context
    (its section, the language its page declares) may overrule an unsure label, never a sure one."""
    langs = tuple(langs)
    words = _WORD.findall(text)
    if not words:
        return langs[0], 0.0
    letters = "".join(words)
    cyr = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    cyrillic = cyr > len(letters) / 2
    candidates = tuple(l for l in langs if (l in ("ru", "ky")) == cyrillic) or langs
    if len(candidates) == 1:
        return candidates[0], 1.0
    if cyrillic and {"ky", "ru"} <= set(candidates):
        ky_marks = sum(ch in _KY_LETTERS for ch in letters)
        ru_marks = sum(ch in _RU_ONLY for ch in letters)
        if ky_marks and ky_marks >= ru_marks:
            return "ky", 1.0
    lowered = [w.casefold() for w in words]
    if len(words) <= 30:
        votes = {l: sum(w in _FUNCTION_WORDS.get(l, ()) for w in lowered) for l in candidates}
        if not cyrillic and "tr" in candidates and any(ch in _TR_LETTERS for ch in letters):
            # Turkish letters in a short Latin text count only outside capitalised names.
            votes["tr"] += sum(any(c in _TR_LETTERS for c in w) for w in words if not w[:1].isupper())
        ranked = sorted(votes.values(), reverse=True)
        best = ranked[0]
        leaders = [l for l, v in votes.items() if v == best]
        if best > 0 and len(leaders) == 1:
            lead = leaders[0]
            margin = best - (ranked[1] if len(ranked) > 1 else 0)
            turkish_letters = any(ch in _TR_LETTERS for ch in letters)
            agree = (lead == "tr" and turkish_letters) or (lead == "en" and not turkish_letters)
            return lead, 1.0 if margin >= _DECISIVE_VOTES or agree else _ONE_VOTE_CONFIDENCE
    lang, probability = _identifier(candidates).classify(text)
    return lang, float(probability)

