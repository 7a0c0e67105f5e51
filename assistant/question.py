"""What a question asks for: its expected answer type and the key terms an answer must mention.

The offline answerer uses this twice: to prefer sentences that hold the right kind of value (an amount
for "kaç / how many / сколько", a date for "ne zaman / when / когда", a name for "kim / who / кто"), and to
refuse when the best passage is about the topic but misses what this question pins down (its year, its
numbers, its named entities).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from index.tokenize import query_tokens, tokenize
from kaynak.text import tr_lower
from kaynak.types import Chunk

_NUMERIC = re.compile(
    r"\b(kaç|kaçıncı|ne kadar|yüzde kaç|how many|how much|what (?:percentage|share|amount|volume|number|value)|"
    r"сколько|каков[а-я]* (?:объ[её]м|сумм|размер|доля)|канча)",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(ne zaman|hangi (?:yıl|tarih|ay)|kaç yılında|when|what year|which year|what date|in what year|"
    r"когда|в каком году|какого числа|качан|кайсы жыл)",
    re.IGNORECASE,
)
_WHO = re.compile(r"\b(kim|kimdir|kimin|kimler|who|whom|whose|кто|кого|чей|ким|кимдер)\b", re.IGNORECASE)

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = re.compile(
    r"\b(ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|январ|феврал|март|апрел|ма[йя]|июн|июл|"
    r"август|сентябр|октябр|ноябр|декабр|январь|февраль|апрель|июнь|июль)",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-ZÇĞİÖŞÜ][a-zçğıöşü]+(?:\s+[A-ZÇĞİÖŞÜ][a-zçğıöşü]+)+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def digits(text: str) -> list[str]:
    """Numbers as bare digit strings: "1.050.000" -> "1050000", "%70" -> "70"."""
    return [re.sub(r"\D", "", m) for m in _NUMBER.findall(text)]


@dataclass(frozen=True)
class QueryTerms:
    numbers: frozenset[str]
    terms: frozenset[str]  # content tokens, folded and stemmed like the BM25 index

    @classmethod
    def of(cls, query: str, lang: str | None) -> QueryTerms:
        terms = frozenset(t for t in query_tokens(query, lang) if not t.isdigit() and len(t) > 2)
        return cls(frozenset(digits(query)), terms)

    def coverage(self, text: str, lang: str, weights: Mapping[str, float] | None = None) -> float:
        """Share of the query's content terms found in `text`.

        With `weights` (idf of the terms the passage language knows), a term counts by its weight and
        terms missing from `weights` are ignored; with none known the answer is a neutral 0.5.
        """
        if weights is None:
            weights = dict.fromkeys(self.terms, 1.0)
        else:
            weights = {t: w for t, w in weights.items() if t in self.terms}
        if not weights:
            return 1.0 if not self.terms else 0.5
        have = set(tokenize(text, lang))
        return sum(w for t, w in weights.items() if t in have) / sum(weights.values())

    def numbers_in(self, text: str) -> float:
        """Share of the query's numbers that `text` also mentions (1.0 when the query has none)."""
        if not self.numbers:
            return 1.0
        have = set(digits(text))
        return sum(n in have for n in self.numbers) / len(self.numbers)


def evidence_context(chunk: Chunk) -> str:
    """A passage as the checks read it: its section title, then its text."""
    return " ".join([*chunk.section[-1:], chunk.text])


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    lang: str
    kind: str  # "numeric" | "date" | "who" | "other"
    terms: QueryTerms  # its numbers and key terms

    @property
    def numbers(self) -> frozenset[str]:
        return self.terms.numbers


def analyse(question: str, lang: str) -> QuestionInfo:
    low = tr_lower(question)
    if _DATE.search(low):
        kind = "date"
    elif _NUMERIC.search(low):
        kind = "numeric"
    elif _WHO.search(low):
        kind = "who"
    else:
        kind = "other"
    return QuestionInfo(question, lang, kind, QueryTerms.of(question, lang))


_ORDINAL_OR_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")


def amounts(sentence: str) -> set[str]:
    """Numbers that can answer "how many / how much": not years, not ordinals ("15. Zirvesi", "2. maddesi")."""
    out = set()
    for m in _NUMBER.finditer(sentence):
        after = sentence[m.end() : m.end() + 2]
        if after.startswith(".") and after[1:2].isspace() or after[:1] in ("-", "–") and _ORDINAL_OR_YEAR.match(m.group()):
            continue  # an ordinal, or a year range such as "2019-2020"
        if _MONTHS.match(tr_lower(sentence[m.end() : m.end() + 12].strip())):
            continue  # the day of a date: "27 Kasım"
        d = re.sub(r"\D", "", m.group())
        if not _ORDINAL_OR_YEAR.match(d):
            out.add(d)
    return out


def has_answer_type(sentence: str, q: QuestionInfo) -> bool:
    """Does the sentence hold a value of the kind asked for (beyond what the question already says)?"""
    if q.kind == "numeric":
        return bool(amounts(sentence) - q.numbers)
    if q.kind == "date":
        return bool(_YEAR.search(sentence) or _MONTHS.search(tr_lower(sentence)))
    if q.kind == "who":
        return bool(_NAME.search(sentence))
    return True

