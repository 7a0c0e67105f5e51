"""Sentence boundaries for Turkish, Kyrgyz, Russian and English paragraphs.

No sentence splitter is installed in the project, and the general ones split Turkish ordinals ("15. Zirvesi"),
which would cut evidence quotes in two. The rule here is small: a sentence ends at . ! ? or … (plus closing
quotes or brackets) followed by space and a capital, digit or opening quote, unless the word before the
period is a known abbreviation or an initial, the period closes a Turkish ordinal ("19. yüzyıl",
"2. maddesi", "Türk Konseyi’nin 7. Zirvesi"), or it sits inside parentheses ("(bkz. Tablo 3. Kaynak)").
A citation's own period — "(Kayalı 2018, 165). İthalat" — ends the sentence. Thousands dots ("1.050.000")
are never followed by a space, so they are never candidates.
"""
from __future__ import annotations

import re

# Lower-cased words that take a period and do not end a sentence (dots inside them kept: "t.c", "т.е").
ABBREVIATIONS = frozenset(
    """
    vb vs bkz dr prof doç yrd öğr gör yy s ss sf örn t.c a.ş st no nr vd çev haz ed yay ltd şti av müh gen org
    korg tümg tuğg alb yb bnb yzb ütgm tğm cad sok mah tel inc co corp jr sr mr mrs ms vol pp p fig e.g i.e
    u.s u.k a.b.d c vs dept approx
    т.е т.к т.н т.п г гг см стр им проф ул руб млн млрд тыс напр ж
    """.split()
)
_CANDIDATE = re.compile(r"(?:\.{3}|…|[.!?])[\"'”’»)\]]*(?=\s+[\"'“«(\[]?[^\W_])", re.UNICODE)
_PAREN = re.compile(r"[()]")
_OPENERS = "([\"'“«"
_MAX_PAREN_SPAN = 400  # chars: an unclosed "(" further back than this is damage, not a citation


# Shorter "sentences" are headings, list markers and layout debris ("Tablo 3."): nothing to answer or rank by.
MIN_SENTENCE_CHARS = 25


def answer_sentences(text: str, lang: str = "tr") -> list[tuple[int, int]]:
    """Spans of the sentences long enough to stand alone: the index embeds these, the answerer quotes them."""
    return [(a, b) for a, b in split_sentences(text, lang) if len(text[a:b].strip()) >= MIN_SENTENCE_CHARS]


def split_sentences(text: str, lang: str = "tr") -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, whitespace excluded, covering all of its words."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    parens = [(m.start(), m.group()) for m in _PAREN.finditer(text)]
    k, depth, opened_at = 0, 0, 0
    for m in _CANDIDATE.finditer(text):
        while k < len(parens) and parens[k][0] < m.start():
            pos, ch = parens[k]
            if ch == "(":
                opened_at = pos if depth == 0 else opened_at
                depth += 1
            elif depth:
                depth -= 1
            k += 1
        closes_paren = ")" in m.group(0)
        if depth and not closes_paren and m.start() - opened_at < _MAX_PAREN_SPAN:
            continue
        end = m.end()
        if not _is_boundary(text, m.start(), end, lang):
            continue
        spans.append((start, end))
        start = _skip_space(text, end)
    tail_end = len(text.rstrip())
    if start < tail_end:
        spans.append((start, tail_end))
    return spans


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _word_before(text: str, i: int) -> str:
    """The token that ends at `i`, without opening brackets or quotes; walks back a few characters only."""
    j = i
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in _OPENERS:
        j -= 1
    return text[j:i]


def _is_boundary(text: str, punct_at: int, end: int, lang: str) -> bool:
    if text[punct_at] != ".":
        return True
    if text[end - 1] != "." and text[end - 1] not in "\"'”’»":  # ".)" or ".]" : the bracket closes first
        return True
    word = _word_before(text, punct_at)
    if not word:
        return True
    folded = word.casefold()
    if folded in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():  # an initial: "Recep T. Erdoğan"
        return False
    if re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", word):  # "T.C", "A.B.D", "U.S"
        return False
    return not (lang == "tr" and word.isdigit() and len(word) <= 4)
