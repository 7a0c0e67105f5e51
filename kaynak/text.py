"""Text helpers every stage needs: Turkish-aware case folding, the evidence-matching normalisation, name keys,
numbers (which read the same in every language) and in-text citations (whose years are no facts of the passage)."""
from __future__ import annotations

import re

from anyascii import anyascii

_TR_UPPER = str.maketrans({"İ": "i", "I": "ı"})
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"})
_HYPHEN_GAP = re.compile(r"\s*[-\u2010\u2011\u00ad]\s*")


def tr_lower(s: str) -> str:
    """Lower-case with Turkish rules: 'İ' -> 'i', 'I' -> 'ı' (str.lower() turns 'İ' into 'i' + U+0307)."""
    return s.translate(_TR_UPPER).lower()


def fold_quotes(s: str) -> str:
    """Typographic quotes and apostrophes to ASCII, so "Türkiye’nin" and "Türkiye'nin" compare equal."""
    return s.translate(_QUOTES)


def match_norm(s: str) -> str:
    """Layout-blind, content-keeping form used to decide whether a passage holds an evidence quote.

    Same rule as the project's scorer (shared/eval/README.md): quote marks folded, hyphens with the spaces
    around them removed (a repaired "Özbek-Türk" matches a raw "Özbek- Türk"), whitespace collapsed, casefold.
    """
    s = _HYPHEN_GAP.sub("", fold_quotes(s))
    return " ".join(s.split()).casefold()


def contains_quote(passage: str, quote: str) -> bool:
    q = match_norm(quote)
    return bool(q) and q in match_norm(passage)


# Spelling differences between the ways a name is written in English, Russian (romanised) and Turkish:
# Kyrgyzstan / Кыргызстан / Kırgızistan, Tajikistan / Таджикистан / Tacikistan, Azerbaijan / Azerbaycan.
_NAME_SOUNDS = (("dzh", "c"), ("dj", "c"), ("zh", "c"), ("kh", "k"), ("sh", "s"), ("ch", "c"), ("j", "c"), ("y", "i"), ("w", "v"))
_APOSTROPHE = re.compile(r"['\u2019\u02bc]")


def strip_suffix(word: str) -> str:
    """The word without the case suffix Turkish writes after an apostrophe: "Türkiye'nin" -> "Türkiye"."""
    return _APOSTROPHE.split(word, maxsplit=1)[0]


def name_key(word: str) -> str:
    """A script- and spelling-neutral key for a proper name, so it can be matched across languages.

    Transliterated to ASCII (anyascii), the suffix after an apostrophe dropped ("Türkiye'nin"), and the
    usual English/Russian/Turkish sound spellings merged: "Tajikistan", "Таджикистан" and "Tacikistan" all
    give "tacikistan". Not a translation: a name still has to be spelled alike to match.
    """
    s = re.sub(r"[^a-z0-9]", "", anyascii(strip_suffix(word)).lower())
    for a, b in _NAME_SOUNDS:
        s = s.replace(a, b)
    return s


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# An in-text citation: "(Limon 2022, 146)", "(T.C. Dışişleri Bakanlığı 2023b, 61-62)", "(TBMM Tutanağı 1993a,b,c; ...)".
# Its year is when a source was published, not a fact of the passage: a question about 2022 is not answered
# by a sentence about 2000 that cites a 2022 book. Letters must come before the year, so "(1992-1995)" stays,
# and the first of them starts a name (a source's author), so "(from April 2021)" and "(in 2004)" stay too.
_CITATION = re.compile(r"\([^()\d]*[^\W\d_][^()\d]*\s(?:1[89]|20)\d\d[a-z]?\b[^()]*\)")


def strip_citations(text: str) -> str:
    """The text without its in-text citations (see `_CITATION`)."""
    return _CITATION.sub(lambda m: " " if _names_a_source(m.group()) else m.group(), text)


def _names_a_source(parenthesis: str) -> bool:
    return next((c for c in parenthesis if c.isalpha()), "").isupper()


def digits(text: str) -> list[str]:
    """Numbers as bare digit strings: "1.050.000" -> "1050000", "%70" -> "70"."""
    return [re.sub(r"\D", "", m) for m in NUMBER.findall(text)]


def stated_numbers(text: str) -> frozenset[str]:
    """The numbers a text states as its own facts: in-text citation years left out."""
    return frozenset(digits(strip_citations(text)))


def numbers_share(numbers: frozenset[str], text: str) -> float:
    """Share of `numbers` that the text states (`stated_numbers`); 1.0 when there are none to look for."""
    if not numbers:
        return 1.0
    return len(numbers & stated_numbers(text)) / len(numbers)
