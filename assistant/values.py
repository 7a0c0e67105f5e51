"""Which kinds of value a sentence states: an amount, a sum of money, a percentage, a date, a name, a reason.

A question asks for one kind (`kaynak.lexicon.Lexicon.asked_kind`); a sentence about the topic that states no
value of that kind does not answer it ("what did the contract cost?" against "the contract was signed in
2023"). Whether it does is one feature of the answerability model, not a veto. Numbers read alike in every
language; the words around them (months, currencies, reasons) come from the language data files.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from kaynak.lexicon import fold, lexicon
from kaynak.text import NUMBER, strip_citations

YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# "15. Zirvesi", "2. maddesi" (Turkish writes ordinals with a full stop), "11'inci", "3rd", "47-е", "3-орунда"
_ORDINAL_AFTER = re.compile(
    r"(?:\.\s[^\W\d_]|['’]?[ıiuü]?nc[ıiuü]|st\b|nd\b|rd\b|th\b|-(?:[йяеоы]|го|му|ый|ая|ое|м|орун\w*|чи|чы|ч[үу])\b)",
    re.IGNORECASE,
)
# What follows the day of a date: a range's end ("-11") perhaps, then a word that may be a month.
_DAY_OF = re.compile(r"(?:\s*[-–]\s*\d{1,2})?\s+([^\W\d_]+)")
# A capitalised word followed by another: a person's or an organisation's name in any of the scripts here.
_NAME = re.compile(r"\b[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ][\w'’-]+\s+[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ][\w'’-]+")
# Characters of a word compared when telling a name the sentence adds from one the question already gives: enough
# to ignore a case ending ("Konseyi’nin" is the question's "Konseyi'ni").
STEM = 5


def stems(words: Iterable[str]) -> frozenset[str]:
    """The words' first STEM characters, case-folded: what `holds` compares names by."""
    return frozenset(fold(w)[:STEM] for w in words)


def amounts(sentence: str, lang: str) -> set[str]:
    """The numbers that can answer "how many / how much": not years, ordinals ("15. Zirvesi"), model names
    ("Su-25", "F-16", "TB2") or the day of a date ("27 Kasım"); numbers of in-text citations left out."""
    text = strip_citations(sentence)
    months = lexicon(lang)  # its month names
    out = set()
    for m in NUMBER.finditer(text):
        bare = re.sub(r"\D", "", m.group())
        before, after = text[max(0, m.start() - 2) : m.start()], text[m.end() : m.end() + 12]
        if YEAR.fullmatch(bare) or _ORDINAL_AFTER.match(after):
            continue
        if before[-1:].isalpha() or (before[-1:] in "-–" and before[:1].isalpha()):
            continue  # a designation
        if _DAY_OF.match(after) and months.months_in(_DAY_OF.match(after).group(1)):
            continue  # the day of a date: "27 Kasım", "8-11 Şubat", "3 March"
        out.add(bare)
    return out


def years(sentence: str) -> set[str]:
    """The years a sentence states as its own (not those of its in-text citations)."""
    return set(YEAR.findall(strip_citations(sentence)))


def holds(
    kind: str, sentence: str, lang: str, asked_numbers: frozenset[str] = frozenset(), asked_words: frozenset[str] = frozenset()
) -> bool:
    """Does the sentence state a value of this kind beyond the numbers and names the question already gives
    (`asked_words`: the question's `stems`)? "Who built the telescope of the Blue Ridge Observatory?" is not
    answered by a sentence whose only name is "Blue Ridge". Kinds: `kaynak.lexicon.KINDS`; any other kind
    ("summary", "other") asks for no particular value."""
    lex = lexicon(lang)
    if kind in ("amount", "money", "percent"):
        if not amounts(sentence, lang) - asked_numbers:
            return False
        return kind == "amount" or lex.writes_unit(sentence, kind)
    if kind == "date":
        return bool(years(sentence) - asked_numbers) or bool(lex.months_in(strip_citations(sentence)))
    if kind == "person":
        return any(not stems(m.group().split()) <= asked_words for m in _NAME.finditer(sentence))
    if kind == "reason":
        return lex.gives_reason(sentence)
    return True
