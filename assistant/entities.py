"""The names a question pins down, and whether the passages found mention them.

A passage can be close to a question in meaning and still be about something else: asked which drones
Tajikistan bought from Iran, the nearest passage left may tell which drones Kyrgyzstan bought from Turkey.
Embedding similarity barely moves; the names settle it. So a question's proper names that the document
knows (a country, "ANKA", "Gebze", "OTOKAR") must appear in the evidence, in whatever script or inflection
("Таджикистан" / "Tacikistan'a", "Kırgız" / "Kırgızistan"), an acronym also spelled out ("EİT" /
"Ekonomik İşbirliği Teşkilatı"). Capitalised common words ("Ministry", "Defence") are not names: wordfreq
tells them apart in the languages it knows; country names are names however common (CLDR, through Babel).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import wordfreq
from babel import Locale
from rapidfuzz import fuzz, process

from kaynak.text import name_key, strip_suffix, tr_lower

# Inflection moves a key's end ("Tacikistan'da" is cut at the apostrophe, "Ирана" is not): a close ratio.
NAME_MATCH = 85.0
# ... or one key is the other's stem: "kirgiz" (Kırgız) and "kirgizistan", "turkmen" and "turkmenistan",
# also spelled a little differently: "uzbek" (Uzbek) and "ozbekistan" (Özbekistan), "azeri" and "azerbaican".
# Keys this long at least, so that "anka" (ANKA) does not stem "ankara".
MIN_STEM = 5
STEM_MATCH = 80.0
# A word at least this frequent in the question's language (Zipf scale: 4 = once per 100,000 words) is a
# common word written with a capital ("Minister" 5.0, "Defence" 4.5), not a name ("Kyrgyz" 2.8, "Gebze" 0).
COMMON_ZIPF = 4.0
LANGS = ("tr", "en", "ru", "ky")
# A capitalised word that is not the question's first, or an acronym: "Azerbaijan", "Таджикистан", "TUSAŞ".
CAPITALISED = re.compile(r"(?<!^)(?<![.?!] )\b[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ][\w'\u2019]{2,}")
_WORD = re.compile(r"[^\W\d_][\w'\u2019\u02bc]*")
_WORDFREQ_LANGS = set(wordfreq.available_languages(wordlist="small"))
# A run of capitalised words, whose initials may spell an acronym: "Ekonomik İşbirliği Teşkilatı" -> EİT.
_CAPITALISED_RUN = re.compile(r"(?:\b[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ][^\W\d_]+[\s-]+){1,7}\b[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ][^\W\d_]+")


@dataclass(frozen=True)
class Entity:
    text: str  # as the question writes it
    key: str  # its `name_key`
    country: bool = False  # a country's name (CLDR), which a text may call "the two countries" instead

    @property
    def acronym(self) -> bool:
        return self.text.isupper()


def name_keys(text: str) -> set[str]:
    """`name_key` of every word of `text` (the side names are looked up in)."""
    return {k for w in _WORD.findall(text) if len(k := name_key(w)) >= 3}


def key_found(key: str, keys: set[str]) -> bool:
    """Is this name key among `keys`, allowing for inflection, transliteration and a stem?"""
    if key in keys:
        return True
    if len(key) >= MIN_STEM:
        stem = key[: max(MIN_STEM, len(key) - 1)]
        if any(k.startswith(stem) for k in keys) or any(key[:n] in keys for n in range(MIN_STEM, len(key))):
            return True
        # the key against each key's start of the same length (rapidfuzz applies the processor to both sides)
        start = process.extractOne(key, keys, scorer=fuzz.ratio, processor=lambda k: k[: len(key)], score_cutoff=STEM_MATCH)
        if start is not None:
            return True
    return process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=NAME_MATCH) is not None


class NameIndex:
    """The names a set of texts mentions: name keys, plus the initials of its runs of capitalised words (an
    acronym is found in the initials of the run that spells it out, wherever in the run it starts), plus the
    countries it names, whatever the language ("Турции" is found in a text that says "Türkiye").

    `capitalised`: keys of capitalised words only, for asking whether a document knows a name at all: "Tbilisi"
    is not known to a text that only says "bilişim" (informatics), close as the spelling is."""

    def __init__(self, texts: Iterable[str], capitalised: bool = False) -> None:
        self.texts = list(texts)
        self.keys: set[str] = set()
        self.acronyms: set[str] = set()
        for text in self.texts:
            self.keys |= {k for w in _COUNTRY_WORD.findall(text) if len(k := name_key(w)) >= 3} if capitalised else name_keys(text)
            self.acronyms |= {
                name_key("".join(w[0] for w in re.split(r"[\s-]+", m.group()))) for m in _CAPITALISED_RUN.finditer(text)
            }

    @cached_property
    def countries(self) -> frozenset[str]:
        return frozenset().union(*(countries(text) for text in self.texts))

    def mentions(self, entity: Entity) -> bool:
        if entity.country and _country_code(entity.key) in self.countries:
            return True
        return key_found(entity.key, self.keys) or (entity.acronym and any(entity.key in a for a in self.acronyms))


def entities(question: str, lang: str) -> tuple[Entity, ...]:
    """The question's proper names: capitalised words past the first that are country names or not common
    words of the question's language (every capitalised word for a language wordfreq lacks, as Kyrgyz)."""
    found: dict[str, Entity] = {}
    for m in CAPITALISED.finditer(question.strip()):
        word = strip_suffix(m.group())
        key = name_key(word)
        if len(key) < 3 or key in found:
            continue
        country = _is_country(key)
        if country or not _common(word, lang):
            found[key] = Entity(word, key, country)
    return tuple(found.values())


def given_names(question: str, ents: Iterable[Entity]) -> list[tuple[Entity, Entity]]:
    """(given name, the name after it) for names the question writes one after the other, neither a country:
    "İsmet Yılmaz", "Abdullah Gül". A text may name the person by the second alone ("Savunma Bakanı Yılmaz")."""
    text = question.strip()
    by_key = {e.key: e for e in ents if not e.country}
    words = [(m.start(), m.end(), by_key.get(name_key(strip_suffix(m.group())))) for m in CAPITALISED.finditer(text)]
    return [
        (a, b)
        for (_, end, a), (start, _, b) in zip(words, words[1:])
        if a is not None and b is not None and a != b and text[end:start] == " "
    ]


# A title: a run of capitalised words, "and"/"of"-like words allowed inside ("Ministry of Education and Science",
# "Savunma Sanayi İşbirliği Anlaşması", "Министерство обороны" is not one: Russian titles are not title-cased).
_CAP = r"[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ][\w'\u2019\u02bc-]+"
_TITLE_RUN = re.compile(rf"{_CAP}(?:\s+(?:(?:of|and|for|the|ve|ile|и|менен)\s+)?{_CAP})+")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:]\s+|\n\s*)[\"“«‘'(]*$")
_AND_NAME = re.compile(rf"\s+(?:and|ve|ile|и|менен)\s+(?={_CAP}['\u2019]s\b|{_CAP}['\u2019]\w+)")


def titles(text: str, lang: str) -> tuple[str, ...]:
    """The names made of common words in a text: "Defence Industry Cooperation Agreement", "Turkmenistan's
    State Order", "Savunma Sanayi İşbirliği Anlaşması". Another language translates them, so unlike the names
    of `entities` they can only be matched by meaning. A title is a run of capitalised words with a common word
    of the text's language among them: names alone ("Turkey and Azerbaijan", "Kırgızskaya Respublika") are
    not one. "And" before a name starts another title ("Turkey's Ministry of National Education and
    Kyrgyzstan's Ministry of Education and Science" holds two); a sentence's first word is left out, being
    capitalised anyway ("Gerçekte Türkmenistan")."""
    out = []
    for m in _TITLE_RUN.finditer(text):
        run = m.group()
        if _SENTENCE_START.search(text[: m.start()]):
            run = run.split(None, 1)[1] if " " in run else ""
        for part in _AND_NAME.split(run):
            words = re.findall(_CAP, part)
            if len(words) >= 2 and any(_title_word(w, lang) for w in words):
                out.append(part)
    return tuple(out)


def _title_word(word: str, lang: str) -> bool:
    """A common word that is capitalised as part of a name: not a country, not a month or a weekday."""
    word = strip_suffix(word)
    return _common(word, lang) and tr_lower(word) not in _calendar_words() and not _is_country(name_key(word))


def warm_up() -> None:
    """Load the word lists and country names now rather than on the first question (~0.3 s)."""
    _country_keys()
    _country_names()
    _calendar_words()
    for lang in LANGS:
        _common("a", lang)


def _common(word: str, lang: str) -> bool:
    if lang not in _WORDFREQ_LANGS:
        return False
    # the small lists (words down to Zipf 3) are enough to tell common words and load several times faster
    return wordfreq.zipf_frequency(tr_lower(word) if lang == "tr" else word.lower(), lang, wordlist="small") >= COMMON_ZIPF


@lru_cache(maxsize=1)
def _calendar_words() -> set[str]:
    """Month and weekday names in the four languages (CLDR), all their forms: Turkish capitalises them."""
    out = set()
    for lang in LANGS:
        loc = Locale(lang)
        for table in (loc.months, loc.days):
            for context in table.values():
                out |= {tr_lower(n) for n in context.get("wide", {}).values()}
    return out


def _is_country(key: str) -> bool:
    return key_found(key, _country_keys())


def countries(text: str) -> frozenset[str]:
    """The countries a text names, as CLDR territory codes: "Kazakistan'da", "Kazakhstan", "Казахстана" and
    "Kazakh" all give KZ. Stricter than `_is_country`, which also takes near spellings ("Alanında" for Åland):
    a capitalised word counts only as a country's name, that name with an ending, or the stem of a "-stan"
    name ("Kırgız", "Uzbek", "Türkmen")."""
    found = set()
    for m in _COUNTRY_WORD.finditer(text):
        code = _country_code(name_key(strip_suffix(m.group())))
        if code is not None:
            found.add(code)
    return frozenset(found)


def lowercase_countries(texts: Iterable[str]) -> frozenset[str]:
    """The countries whose name the texts also write in lower case, as a common word: "mali" (financial) makes
    "Mali Yardım Protokolü" (Financial Aid Protocol) no word about Mali; "того" is not Togo. Whole names only:
    "кыргыз" in lower case is still the Kyrgyz."""
    names = _country_names()[0]
    return frozenset(names[k] for text in texts for w in _LOWER_WORD.findall(text) if (k := name_key(w)) in names)


_LOWER_WORD = re.compile(r"(?<![\w'\u2019])[a-zçğıöşüа-яёөүң][^\W\d_]+")
_COUNTRY_WORD = re.compile(r"\b[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ][^\W\d_]{2,}")
# a case ending Russian or Turkish writes without an apostrophe: "Казахстана", "Azerbaycanla"
_MAX_ENDING = 4
_MIN_COUNTRY_STEM = 5
_MIN_TRUNK_NAME, _MAX_TRUNK_CUT = 6, 2


@lru_cache(maxsize=8192)
def _country_code(key: str) -> str | None:
    names, stems, trunks = _country_names()
    if key in names:
        return names[key]
    for n in range(len(key) - 1, max(_MIN_COUNTRY_STEM, len(key) - _MAX_ENDING) - 1, -1):
        if key[:n] in names:
            return names[key[:n]]
    if key in stems:
        return stems[key]
    # a declined name whose ending replaces the name's own: "Турции", "Турцией" (Турция)
    return next((trunks[key[:n]] for n in range(len(key), len(key) - _MAX_TRUNK_CUT - 1, -1) if key[:n] in trunks), None)


@lru_cache(maxsize=1)
def _country_names() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Country name keys in the four languages -> territory code; the unambiguous stems of "-stan" names
    ("kirgiz", "ozbek", "kazak") -> code; and the names of six letters or more without their last one or two
    ("turtsi" of "turtsiia", Турция), which Russian declension replaces. Continents and regions ("001",
    "Africa") are not countries."""
    names: dict[str, str] = {}
    for lang in LANGS:
        for code, n in Locale(lang).territories.items():
            if code.isalpha() and " " not in n:
                names.setdefault(name_key(n), code)
    stems: dict[str, str | None] = {}
    for key, code in names.items():
        if key.endswith("stan"):
            for n in range(_MIN_COUNTRY_STEM, len(key) - 3):
                stems[key[:n]] = code if stems.get(key[:n], code) == code else None
    trunks: dict[str, str | None] = {}
    for key, code in names.items():
        if len(key) >= _MIN_TRUNK_NAME:
            for cut in range(1, _MAX_TRUNK_CUT + 1):
                trunks[key[:-cut]] = code if trunks.get(key[:-cut], code) == code else None
    return (
        names,
        {k: c for k, c in stems.items() if c is not None and k not in names},
        {k: c for k, c in trunks.items() if c is not None and k not in names},
    )


@lru_cache(maxsize=1)
def _country_keys() -> set[str]:
    """One-word country names in the four languages (CLDR): "Azerbaycan", "Iran", "Казахстан", "Түркия"."""
    return {name_key(n) for lang in LANGS for n in Locale(lang).territories.values() if " " not in n}
