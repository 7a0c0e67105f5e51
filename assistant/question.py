"""What a question asks for: its expected answer type and the key terms an answer must mention.

The offline answerer uses this twice: to prefer sentences that hold the right kind of value (an amount
for "kaç / how many / сколько", a date for "ne zaman / when / когда", a name for "kim / who / кто"), and to
refuse when the best passage is about the topic but misses what this question pins down (its year, its
numbers, its named entities).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.tokenize import query_tokens, tokenize
from kaynak.text import tr_lower

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

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = re.compile(
    r"\b(ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|январ|феврал|март|апрел|ма[йя]|июн|июл|"
    r"август|сентябр|октябр|ноябр|декабр|январь|февраль|апрель|июнь|июль)",
    re.IGNORECASE,
)
_AMOUNT_WORDS = re.compile(r"(milyon|milyar|bin |dolar|lira|avro|euro|%|yüzde|million|billion|thousand|млн|млрд|тыс|доллар|миллион|миллиард)", re.IGNORECASE)
_NAME = re.compile(r"\b[A-ZÇĞİÖŞÜ][a-zçğıöşü]+(?:\s+[A-ZÇĞİÖŞÜ][a-zçğıöşü]+)+")


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    lang: str
    kind: str  # "numeric" | "date" | "who" | "other"
    numbers: frozenset[str]  # digits of numbers written in the question ("2019", "15")
    terms: frozenset[str]  # content tokens (stemmed/folded like the BM25 index)


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
    numbers = frozenset(digits(question))
    terms = frozenset(t for t in query_tokens(question, lang) if not t.isdigit() and len(t) > 2)
    return QuestionInfo(question, lang, kind, numbers, terms)


def digits(text: str) -> list[str]:
    """Numbers as bare digit strings: "1.050.000" -> "1050000", "%70" -> "70"."""
    return [re.sub(r"\D", "", m) for m in _NUMBER.findall(text)]


def has_answer_type(sentence: str, q: QuestionInfo) -> bool:
    """Does the sentence hold a value of the kind asked for (beyond what the question already says)?"""
    if q.kind == "numeric":
        return any(d not in q.numbers for d in digits(sentence)) or bool(_AMOUNT_WORDS.search(sentence) and digits(sentence))
    if q.kind == "date":
        return bool(_YEAR.search(sentence) or _MONTHS.search(tr_lower(sentence)))
    if q.kind == "who":
        return bool(_NAME.search(sentence))
    return True


def term_coverage(q: QuestionInfo, text: str, lang: str) -> float:
    """Share of the question's content terms found in `text` (same folding and stemming as BM25)."""
    if not q.terms:
        return 1.0
    have = set(tokenize(text, lang))
    return sum(t in have for t in q.terms) / len(q.terms)


def numbers_present(q: QuestionInfo, text: str) -> float:
    """Share of the question's numbers (years, counts) that the text also mentions."""
    if not q.numbers:
        return 1.0
    have = set(digits(text))
    return sum(n in have for n in q.numbers) / len(q.numbers)
