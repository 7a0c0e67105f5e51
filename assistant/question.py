"""What a question asks for: its expected answer type and the key terms an answer must mention.

The offline answerer uses this twice: to prefer sentences that hold the right kind of value (an amount
for "kaç / how many / сколько", a date for "ne zaman / when / когда", a name for "kim / who / кто"), and to
refuse when the best passage is about the topic but misses what this question pins down (its year, its
numbers, its named entities).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from babel import Locale

from assistant.entities import Entity, countries, entities, key_found, titles
from index.tokenize import query_tokens, tokenize
from kaynak.text import NUMBER, numbers_share, strip_citations, tr_lower
from kaynak.types import Chunk

_NUMERIC = re.compile(
    r"\b(kaç|kaçıncı|ne kadar|yüzde kaç|maliyet|bedel|tutar|fiyat|bütçe|budget|бюджет|how many|how much|"
    r"what (?:(?:was|is|were|are) (?:the |its |their )?(?:[\w-]+ )?)?"
    r"(?:percentage|share|amount|volume|number|value|cost|price|length)|(?:cost|price|worth|value|length) of|"
    r"сколько|как(?:ов|ой|ая|ую|им)[а-я]* (?:[а-я]+ )?(?:объ[её]м|сумм|размер|дол[яюи]|стоимост|цен|длин|вес)|стоимост|канча|баасы|наркы)",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(ne zaman|hangi (?:yıl|tarih|ay|gün)|kaç yılında|when|what year|which year|(?:what|which) (?:date|day)|"
    r"in what year|когда|в каком году|какого числа|в какой день|качан|кайсы (?:жыл|күн))",
    re.IGNORECASE,
)
_WHO = re.compile(r"\b(kim|kimdir|kimdi|kimdı|kimin|kimler|kimlerdir|kimlerdi|who|whom|whose|кто|кого|кем|чей|ким|кимдер)\b", re.IGNORECASE)
# "ne kadarlık ihracat", "what did it cost", "what is its budget": the answer is a sum of money, not any number
_MONEY_ASKED = re.compile(
    r"\b(ne kadarlık|kaç (?:dolar|lira|avro)|tutar|bedel|maliyet|fiyat|bütçe|budget|бюджет|cost|price|worth|how much money|"
    r"стоимост|сколько стоит|цен[аеуы]|сумм|баасы|наркы)",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"\d\s*(?:milyon|milyar|bin|million|billion|thousand|млн|млрд|миллион|миллиард|тыс)?[а-яa-zçğışöü.]*\s*"
    r"(?:dolar|dollar|\$|lira|tl\b|avro|euro|€|доллар|рубл|сом\b|manat|tenge|теңге)|[$€]\s*\d",
    re.IGNORECASE,
)
# A quantity with a dimension: the answer must carry its unit ("how long is the corvette?" is not answered by
# "36 ships"). (what the question asks about, what a value of that dimension looks like)
_MEASURES = (
    (  # a rate: a share, a percentage, inflation, a devaluation
        re.compile(r"\b(yüzde|oran[ıi]|enflasyon|değer kayb|percent|share of|rate of|inflation|devalu|"
                   r"процент|дол[яюи]\b|инфляци|обесцен|пайыз)", re.IGNORECASE),
        re.compile(r"%|\b(yüzde|percent|per cent|процент|пайыз)", re.IGNORECASE),
    ),
    (  # a length or a range
        re.compile(r"\b(uzunluğ|uzunluk|boyu\b|menzil|length|long is|range of|длин|дальност|узундуг)", re.IGNORECASE),
        re.compile(r"\d\s*(?:m|km|miles?|м|км|(?:metre|meter|kilometre|kilometer|метр|километр)\w*)\b", re.IGNORECASE),
    ),
    (  # a weight or a displacement
        re.compile(r"\b(ağırlığ|tonaj|weigh|tonnage|displacement|вес[аи]?\b|водоизмещ|салмаг)", re.IGNORECASE),
        re.compile(r"\d\s*(?:kg|т|кг|(?:ton|kilogram|тонн)\w*)\b", re.IGNORECASE),
    ),
)
_WHY = re.compile(r"\b(neden|niçin|niye|why|почему|зачем|по какой причине|эмне үчүн|эмнеге)\b", re.IGNORECASE)
# what a reason sounds like: "Çünkü ...", "... nedeniyle", "seçilmesinin nedeni ...", "gördüğü için", "because ...",
# "the reason", "потому что", "причиной", "себеби ..."; "-dığı için" is "because it ...", a bare "için" is "for"
_CAUSE = re.compile(
    r"\b(çünkü|zira|neden|sebep|sebeb|gerekçe|yüzünden|dolayı|amacıyla|because|due to|owing to|since|as a result|"
    r"the reason|reasons? for|потому что|так как|поскольку|из-за|в связи с|причин|себеп|анткени|үчүн)"
    r"|\w(?:d|t)[ıiuü]ğ[ıiuü]\w*\s+için\b",
    re.IGNORECASE,
)

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = re.compile(
    r"\b(ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|январ|феврал|март|апрел|ма[йя]|июн|июл|"
    r"август|сентябр|октябр|ноябр|декабр|январь|февраль|апрель|июнь|июль)",
    re.IGNORECASE,
)
# "how many" asks for a count of things ("kaç proje", "kaçı", "сколько банков"); a price does not ("kaç dolar",
# "kaça mal oldu", "yüzde kaç", "во сколько обошёлся", "сколько стоило", "канча каражат")
_COUNT_ASKED = re.compile(
    r"\b(how many|(?<!yüzde )kaç(?:ı|tır)?\b(?! (?:dolar|lira|avro))|(?<!во )сколько(?! (?:сто[иья]|денег|обош))|"
    r"канча(?! (?:өлчөм|акча|каражат|сом|доллар|турат)))",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-ZÇĞİÖŞÜ][a-zçğıöşü]+(?:\s+[A-ZÇĞİÖŞÜ][a-zçğıöşü]+)+")
@dataclass(frozen=True)
class QueryTerms:
    numbers: frozenset[str]
    terms: frozenset[str]  # content tokens, folded and stemmed like the BM25 index
    names: frozenset[str] = frozenset()  # name keys of its proper names, matched across languages

    @classmethod
    def of(cls, query: str, lang: str | None, names: frozenset[str] = frozenset()) -> QueryTerms:
        """`names`: the name keys of the question's proper names (`analyse` passes those of `entities`)."""
        terms = frozenset(t for t in query_tokens(query, lang) if not t.isdigit() and len(t) > 2)
        # an ordinal names a thing ("2. Karabağ Savaşı" is the Second Karabakh War), it is not a value the
        # evidence must repeat: the passage may well call it "the war"
        numbers = frozenset(re.sub(r"\D", "", m.group()) for m in NUMBER.finditer(query) if not _is_ordinal(query, m))
        return cls(numbers, terms, names)

    def names_in(self, keys: set[str], known: set[str] | None = None) -> float:
        """Share of the question's names found in a text, given the text's `name_keys`.

        Works across languages and scripts, so it is the entity check for an English or Russian question
        over Turkish passages. Names in `known` only (those some passage read mentions), when given: a name
        the passages never use ("Ministry", capitalised in English) says nothing either way. 1.0 with none.
        """
        names = self.names if known is None else self.known_to(known).names
        if not names:
            return 1.0
        return sum(key_found(n, keys) for n in names) / len(names)

    def known_to(self, known: set[str]) -> QueryTerms:
        """These terms with only the names that `known` mentions (see `names_in`); filter once, match often."""
        return replace(self, names=frozenset(n for n in self.names if key_found(n, known)))

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
        return numbers_share(self.numbers, text)


def evidence_context(chunk: Chunk) -> str:
    """A passage as the checks read it: its section title, then its text."""
    return " ".join([*chunk.section[-1:], chunk.text])


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    lang: str
    kind: str  # "numeric" | "date" | "who" | "why" | "other"
    terms: QueryTerms  # its numbers and key terms
    entities: tuple[Entity, ...] = ()  # its proper names (`entities.entities`)
    titles: tuple[str, ...] = ()  # its names made of common words (`entities.titles`)
    countries: frozenset[str] = frozenset()  # the countries it names (`entities.countries`)
    years: tuple[float, float] | None = None  # the span of years it asks about (`years_asked`)
    flow: str | None = None  # for an amount: "trade" (both ways) or "one-way" (exports, imports, sales) (`flows`)
    ordinals: frozenset[int] = frozenset()  # "the second meeting": which of a series it asks about (`ordinals`)

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
    elif _WHY.search(low):
        kind = "why"
    else:
        kind = "other"
    ents = entities(question, lang)
    terms = QueryTerms.of(question, lang, frozenset(e.key for e in ents))
    flow = flows(question) if kind == "numeric" else frozenset()
    return QuestionInfo(
        question, lang, kind, terms, ents, titles(question, lang), countries(question), years_asked(question),
        next(iter(flow)) if len(flow) == 1 else None, ordinals(question),
    )


# A country's trade with another is given three ways that read alike: the volume of trade both ways, the exports or
# imports of one side, and one side's purchases or sales. A question asking one is not answered by another ("the
# 2020 trade volume" by "exports fell to 417 million dollars in 2020").
_FLOWS = {
    "trade": re.compile(
        r"ticaret hacm|ticari hacm|dış ticaret|ikili ticaret|karşılıklı ticaret|arasındaki ticaret\b|trade volume|"
        r"volume of trade|trade turnover|bilateral trade|total trade|trade between|товарооборот|объ[её]м\w* торговл|"
        r"торгов\w* оборот|торговл\w* между|соода жүгүртүү|соода көлөм|товар жүгүртүү",
        re.IGNORECASE,
    ),
    "one-way": re.compile(
        r"ihracat|ihraç|ithalat|ithal|\bexport|\bimport|экспорт|импорт|satın al|satış|satt[ıi]|purchas|bought|\bbuy|"
        r"\bsold\b|\bsell|\bsales\b|закуп|купил|покупа|прода[жлв]|сатып ал|сатт",
        re.IGNORECASE,
    ),
}
_FLOW_NAMES = {"trade": "the trade volume", "one-way": "exports, imports or sales"}


def flows(text: str) -> frozenset[str]:
    """Which of the ways of giving trade (`_FLOWS`) the text names."""
    low = tr_lower(text)
    return frozenset(k for k, rx in _FLOWS.items() if rx.search(low))


# A year the question starts or ends a span with: "2021'den sonra", "since 2021", "после 2021", "2021-жылдан
# кийин" (from it on); "2021'den önce", "before 2021", "до 2021" (up to it). (words before, words after the year)
_FROM_YEAR = (
    re.compile(r"(?:after|since|from|после|с|со)\s+$", re.IGNORECASE),
    re.compile(r"^(?:['’]?[dt][ae]n\s+(?:sonra|beri|itibaren)|-?жыл\w*\s+(?:кийин|бери|баштап))", re.IGNORECASE),
)
_UNTIL_YEAR = (
    re.compile(r"(?:before|until|till|до)\s+$", re.IGNORECASE),
    re.compile(r"^(?:['’]?[dt][ae]n\s+(?:önce|evvel)|-?жыл\w*\s+чейин)", re.IGNORECASE),
)
_PART_OF_NAME = re.compile(r"[^\W\d_][-–]$")  # "Exercise-2023"


def years_asked(question: str) -> tuple[float, float] | None:
    """The span of years the question is about: from its first year to its last, open-ended after "since" or
    before "until". A year that is part of a name ("Exercise-2023", "Kış Tatbikatı-2023") does not count."""
    low, high = math.inf, -math.inf
    for m in _YEAR.finditer(question):
        before, after = question[max(0, m.start() - 8) : m.start()], question[m.end() : m.end() + 16]
        if _PART_OF_NAME.search(before):
            continue
        year = int(m.group())
        low = min(low, -math.inf if _UNTIL_YEAR[0].search(before) or _UNTIL_YEAR[1].search(after) else year)
        high = max(high, math.inf if _FROM_YEAR[0].search(before) or _FROM_YEAR[1].search(after) else year)
    return (low, high) if low <= high else None


def contradiction(sentence: str, q: QuestionInfo, ignored: frozenset[str] = frozenset()) -> str | None:
    """What the sentence is about instead of what the question pins down, or None.

    A sentence on the same kind of fact about another year or another country reads as close to the question
    as the right one ("Kyrgyzstan's 2022 defence budget" for "Turkey's 2023 defence budget"). It contradicts
    the question when it states years and none is in the span asked about, or names countries and none of
    those asked about; likewise for which of a series ("the third meeting" for the second: `ordinals`) and,
    for an amount of trade, which way it goes (`flows`). A sentence that states none of these may be about
    them still (the sentence before says which). A date question's own year is context, not a constraint:
    "founded in 1925, when did it first export?" is answered by another year. `ignored`: countries whose naming tells nothing apart in
    this document (Turkey, which a thesis on Turkey's relations names everywhere)."""
    if q.years is not None and q.kind != "date":
        low, high = q.years
        stated = {int(y) for y in _YEAR.findall(strip_citations(sentence))}
        if stated and not any(low <= y <= high for y in stated):
            return f"{', '.join(map(str, sorted(stated)))} instead of the year asked about"
    if q.ordinals:
        stated_ordinals = ordinals(sentence)
        if stated_ordinals and not stated_ordinals & q.ordinals:
            return f"the {_ordinal_list(stated_ordinals)} instead of the {_ordinal_list(q.ordinals)} asked about"
    if q.flow:
        named_flows = flows(sentence)
        if named_flows and q.flow not in named_flows:
            other = next(iter(named_flows))
            return f"{_FLOW_NAMES[other]} instead of {_FLOW_NAMES[q.flow]}"
    asked = q.countries - ignored
    named = countries(sentence) - ignored if asked else frozenset()
    if named and not named & asked:
        names = Locale("en").territories
        return f"{', '.join(sorted(names.get(c, c) for c in named))} instead of {', '.join(sorted(names.get(c, c) for c in asked))}"
    return None


# Ordinals from the second on, in words (the first is said too many ways: "ilk", "first", "впервые"), each
# followed by the lower-case word it counts: "the second meeting", "üçüncü toplantısı", "третьего заседания".
# Followed by a capitalised word, an ordinal is part of a name ("2. Karabağ Savaşı", "Second Karabakh War").
_ORDINAL_WORDS = {  # n: (its English name, its forms in the four languages)
    2: ("second", r"ikinci|second|втор(?:ой|ого|ому|ом|ая|ую|ые|ых)|экинчи"),
    3: ("third", r"üçüncü|third|трет(?:ий|ьего|ьему|ьем|ья|ью|ьи|ьих)|үчүнчү"),
    4: ("fourth", r"dördüncü|fourth|четв[её]рт(?:ый|ого|ому|ом|ая|ую|ые|ых)|төртүнчү"),
    5: ("fifth", r"beşinci|fifth|пят(?:ый|ого|ому|ом|ая|ую|ые|ых)|бешинчи"),
    6: ("sixth", r"altıncı|sixth|шест(?:ой|ого|ому|ом|ая|ую|ые|ых)|алтынчы"),
    7: ("seventh", r"yedinci|seventh|седьм(?:ой|ого|ому|ом|ая|ую|ые|ых)|жетинчи"),
    8: ("eighth", r"sekizinci|eighth|восьм(?:ой|ого|ому|ом|ая|ую|ые|ых)|сегизинчи"),
    9: ("ninth", r"dokuzuncu|ninth|девят(?:ый|ого|ому|ом|ая|ую|ые|ых)|тогузунчу"),
    10: ("tenth", r"onuncu|tenth|десят(?:ый|ого|ому|ом|ая|ую|ые|ых)|онунчу"),
}
_ORDINAL_WORD = re.compile(r"\b(?:" + "|".join(f"(?P<n{n}>{rx})" for n, (_, rx) in _ORDINAL_WORDS.items()) + r")\b")


def ordinals(text: str) -> frozenset[int]:
    """Which of a series the text speaks of (`_ORDINAL_WORDS`), in words or digits ("3. toplantı", "3rd meeting",
    "11'inci"), each followed by a lower-case word; not the first."""
    found = {int(m.lastgroup[1:]) for m in _ORDINAL_WORD.finditer(tr_lower(text)) if _lower_next(text, m.end())}
    for m in NUMBER.finditer(text):
        if not _is_ordinal(text, m):
            continue
        ending = _ORDINAL_ENDING.match(text, m.end())
        n = int(re.sub(r"\D", "", m.group()))
        if 2 <= n <= 100 and _lower_next(text, ending.end() if ending else m.end() + 1):  # past "3." or "3rd"
            found.add(n)
    return frozenset(found)


def _lower_next(text: str, at: int) -> bool:
    """The word after `at` starts with a lower-case letter."""
    m = re.match(r"\s+(\S)", text[at:])
    return bool(m) and m.group(1).islower()


def _ordinal_list(ns: frozenset[int]) -> str:
    """The ordinals in English, for a refusal's reason: "third, 11th"."""
    return ", ".join(_ORDINAL_WORDS[n][0] if n in _ORDINAL_WORDS else f"{n}{_english_suffix(n)}" for n in sorted(ns))


def _english_suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


_ORDINAL_OR_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
_DAY_RANGE_END = re.compile(r"^\s*[-–]\s*\d{1,2}\b")  # the "-11" of "8-11 Şubat"


def _is_ordinal(text: str, m: re.Match[str]) -> bool:
    """An ordinal, not a quantity: "15. Zirvesi", "2. maddesi" (a number, a full stop, a space and a word, as
    Turkish writes them), "11'inci", "3rd", "47-е", "3-орунда"."""
    after = text[m.end() : m.end() + 3]
    if len(after) == 3 and after[0] == "." and after[1] == " " and after[2].isalpha():
        return True
    return bool(_ORDINAL_ENDING.match(text, m.end()))


# "11'inci", "3’üncü", "6ncı"; "1st", "11th"; "47-е", "3-й", "80-го"; "3-орунда", "5-чи"
_ORDINAL_ENDING = re.compile(
    r"(?:['’]?(?:[ıiuü]?nc[ıiuü])|st|nd|rd|th|-(?:[йяеоы]|го|му|ый|ая|ое|м|орун\w*|чи|чы|ч[үу]))(?![^\W\d_])", re.IGNORECASE
)


def _is_designation(text: str, m: re.Match[str]) -> bool:
    """A model name, not a quantity: "Su-25", "F-16", "T129", "TB2"."""
    before = text[max(0, m.start() - 2) : m.start()]
    return bool(before) and (before[-1].isalpha() or before[-1] in "-–" and before[:1].isalpha())


def amounts(sentence: str) -> set[str]:
    """Numbers that can answer "how many / how much": not years, ordinals ("15. Zirvesi") or model names."""
    return {re.sub(r"\D", "", m.group()) for m in _amount_matches(sentence)}


def counts(sentence: str) -> set[str]:
    """The amounts that count things ("11 proje", "5 kez", "8 bin öğrenci"): not a sum of money ("342 milyon
    dolar") or a percentage ("%6,5", "yüzde 25")."""
    money_starts = {m.start() for m in _MONEY.finditer(sentence)}
    out = set()
    for m in _amount_matches(sentence):
        if any(m.start() <= i < m.end() for i in money_starts) or sentence[max(0, m.start() - 1) : m.start()] in ("$", "€"):
            continue
        if _PERCENT_BEFORE.search(sentence[: m.start()]) or _PERCENT_AFTER.match(sentence[m.end() :]):
            continue
        out.add(re.sub(r"\D", "", m.group()))
    return out


_PERCENT_BEFORE = re.compile(r"(?:%|\byüzde\s)$", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"\s?(?:%|percent|per cent|процент|пайыз)", re.IGNORECASE)


def _amount_matches(sentence: str) -> list[re.Match[str]]:
    out = []
    for m in NUMBER.finditer(sentence):
        after = sentence[m.end() : m.end() + 2]
        if _is_ordinal(sentence, m) or _is_designation(sentence, m):
            continue
        if after[:1] in ("-", "–") and _ORDINAL_OR_YEAR.match(m.group()):
            continue  # a year range such as "2019-2020"
        if _MONTHS.match(tr_lower(_DAY_RANGE_END.sub("", sentence[m.end() : m.end() + 16]).strip())):
            continue  # the day of a date: "27 Kasım", "8-11 Şubat"
        if not _ORDINAL_OR_YEAR.match(re.sub(r"\D", "", m.group())):
            out.append(m)
    return out


def has_answer_type(sentence: str, q: QuestionInfo) -> bool:
    """Does the sentence hold a value of the kind asked for (beyond what the question already says)?

    The year of an in-text citation is not a date or an amount the sentence states (`strip_citations`).
    """
    if q.kind in ("numeric", "date"):
        sentence = strip_citations(sentence)
    if q.kind == "numeric":
        low_q, low_s = tr_lower(q.text), tr_lower(sentence)
        if _COUNT_ASKED.search(low_q):
            # "how many projects ... and what were they worth" is not answered by the sum alone
            return bool(counts(sentence) - q.numbers)
        if _MONEY_ASKED.search(low_q) and not _MONEY.search(low_s):
            return False
        if any(asked.search(low_q) and not unit.search(low_s) for asked, unit in _MEASURES):
            return False
        return bool(amounts(sentence) - q.numbers)
    if q.kind == "date":
        # a year or a month beyond those the question already names ("founded in 1925: first export when?")
        years = set(_YEAR.findall(sentence)) - q.numbers
        months = {m.group()[:3] for m in _MONTHS.finditer(tr_lower(sentence))}
        return bool(years or months - {m.group()[:3] for m in _MONTHS.finditer(tr_lower(q.text))})
    if q.kind == "who":
        return bool(_NAME.search(sentence))
    if q.kind == "why":
        return bool(_CAUSE.search(tr_lower(sentence)))
    return True



@dataclass(frozen=True)
class Scope:
    """The part of the document a question names ("according to the English summary"): the passages' language,
    and a word their section title holds (case-folded), each when given."""

    lang: str | None = None
    section: str | None = None

    def admits(self, chunk: Chunk) -> bool:
        return (self.lang is None or chunk.lang == self.lang) and (
            self.section is None or any(self.section in tr_lower(title) for title in chunk.section)
        )


# A summary in a named language, or a named part of a thesis. The summaries are the parts that stand in one
# language each; the Turkish one is the body's language, so its section title ("ÖZET") tells it apart.
_SCOPES = (
    (re.compile(r"\b(english|ingilizce|английск\w*|англисче)\s+(summary|abstract|özet\w*|аннотац\w*|резюме|корутунду\w*)"), Scope("en")),
    (re.compile(r"\b(russian|rusça|русск\w*|орусча)\s+(summary|abstract|özet\w*|аннотац\w*|резюме|корутунду\w*)|\bаннотаци\w*"), Scope("ru")),
    (re.compile(r"\b(kyrgyz|kırgızca|киргизск\w*|кыргызча)\s+(summary|abstract|özet\w*|аннотац\w*|резюме|корутунду\w*)"), Scope("ky")),
    (re.compile(r"\b(turkish|türkçe|турецк\w*|түркчө)\s+(summary|abstract|özet\w*|аннотац\w*|резюме|корутунду\w*)|\btezin özet\w*|\bözet(?:in)?e göre"), Scope("tr", "özet")),
    # "the conclusion of the agreement" is not a chapter: only chapter words count
    (re.compile(r"\b(sonuç bölüm\w*|sonuç ve öneriler|conclusion chapter|chapter on conclusions)"), Scope("tr", "sonuç")),
    (re.compile(r"\b(giriş bölüm\w*|introduction chapter)"), Scope("tr", "giriş")),
)


def scope(question: str) -> Scope | None:
    """The part of the document the question confines itself to, if it names one."""
    low = tr_lower(question)
    return next((s for pattern, s in _SCOPES if pattern.search(low)), None)
