"""Language facts read from data, not written in code: one TOML file per language (``kaynak/data/languages``).

What a question asks for ("how many", "ne zaman", "почему"), how a sentence gives a reason ("because",
"nedeniyle"), the names of a document's parts ("conclusion", "sonuç") and short function words; month names
come from CLDR (Babel) and word frequencies from wordfreq. Adding a language is adding a file. Nothing here
knows about any one document.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import wordfreq
from babel import Locale

from kaynak.text import tr_lower

DATA = Path(__file__).resolve().parent / "data" / "languages"
# Kinds of value a question can ask for, most specific first: "when ... how many" asks a date, "how many
# dollars" a sum of money.
KINDS = ("date", "money", "percent", "amount", "person", "reason", "summary")
# The Zipf frequency (wordfreq: 3 = once per million words) given to a word of a language wordfreq lacks: a
# function word of its file counts as very frequent, any other word as a fairly rare content word.
FUNCTION_ZIPF, CONTENT_ZIPF = 7.0, 3.5
_WORDFREQ = set(wordfreq.available_languages(wordlist="small"))


@dataclass(frozen=True)
class Lexicon:
    """One language's facts, as its data file and CLDR give them."""

    lang: str
    function_words: frozenset[str]
    pointing_words: frozenset[str]
    asks: dict[str, tuple[str, ...]]
    reason_markers: tuple[str, ...]
    units: dict[str, tuple[str, ...]]  # "money": currency words and signs, "percent": "%" and its words
    parts: dict[str, tuple[str, ...]]
    # (month 1-12, form, whether the form is a word of its own): CLDR's full names start a word naming the
    # month ("Kasım’da", "марта"), and so do their stems where the data file says inflection replaces an ending
    # ("октябрь" -> "октябрында"); CLDR's abbreviations ("Dec", "Ara" — not "Arasında") and full names of
    # under four letters ("May" — not "Mayor") are words of their own
    months: tuple[tuple[int, str, bool], ...]

    def asked_kind(self, question: str) -> str:
        """What the question asks for (one of KINDS), or "other"."""
        low = fold(question)
        return next((k for k in KINDS if any(_starts_word(low, cue) for cue in self.asks.get(k, ()))), "other")

    def points_back(self, question: str) -> bool:
        """Does the question hold a word that points back to something said before ("Bu anlaşmayı …", "who
        signed it?")?"""
        return any(w in self.pointing_words for w in re.findall(r"[^\W_]+", fold(question)))

    def gives_reason(self, sentence: str) -> bool:
        low = fold(sentence)
        return any(_starts_word(low, m) for m in self.reason_markers)

    def writes_unit(self, sentence: str, unit: str) -> bool:
        """Does the sentence write a value in this unit ("money", "percent") the way this language does?"""
        low = fold(sentence)
        return any(_starts_word(low, u) for u in self.units.get(unit, ()))

    def months_in(self, text: str) -> set[int]:
        """Months (1-12) the text names, in any of CLDR's forms of this language. A language that capitalises
        month names (CLDR writes them so) is read case-sensitively: "may" is not "May"."""
        cased, folded, month_of = self._month_patterns
        found: set[int] = set()
        for pattern, where in ((cased, text), (folded, fold(text))):
            if pattern is not None:
                found.update(month_of[m.group("whole") or m.group("start")] for m in pattern.finditer(where))
        return found

    def month_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text names a month, each span the whole word ("Ekim'de", "октября"), in text order."""
        cased, folded, _ = self._month_patterns
        spans: set[tuple[int, int]] = set()
        for pattern, where in ((cased, text), (folded, fold(text))):
            if pattern is not None:
                spans.update((m.start(), _word_end(text, m.end())) for m in pattern.finditer(where))
        return sorted(spans)

    @cached_property
    def _month_patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, dict[str, int]]:
        """`months` as two patterns, made once: capitalised forms read in the text as written, the others in
        the folded text; and the month each form names."""
        return (_month_pattern([(f, w) for _, f, w in self.months if f[:1].isupper()]),
                _month_pattern([(f, w) for _, f, w in self.months if not f[:1].isupper()]),
                {form: month for month, form, _ in self.months})

    def parts_named(self, text: str) -> set[str]:
        """Which kinds of document part ("conclusion", "summary", ...) the text names."""
        return {part for part in self.parts if self.names_part(text, part)}

    def names_part(self, text: str, part: str) -> bool:
        """Does the text (a question, a section title) name this kind of part? A name the data file ends with "*"
        starts a word ("sonuç*" in "sonuçta", "заключени*" in "заключении"); any other is a word of its own (the
        Turkish "ek", appendix, is not the start of "ekonomik", nor "giriş" of "girişim")."""
        low = fold(text)
        return any(_starts_word(low, w[:-1]) if w.endswith("*") else _whole_word(low, w) for w in self.parts.get(part, ()))

    def zipf(self, word: str) -> float:
        """How common the word is in this language (wordfreq's Zipf scale), for weighing question words."""
        w = fold(word).strip("'’\"«»()[]?!.,;:")
        if self.lang in _WORDFREQ:
            return wordfreq.zipf_frequency(w, self.lang)
        return FUNCTION_ZIPF if w in self.function_words else CONTENT_ZIPF


def fold(text: str) -> str:
    """Case-folded the Turkish way (İ/I) with typographic apostrophes made plain, as cues are written."""
    return tr_lower(text).replace("’", "'")


_WORD_REST = re.compile(r"(?:[^\W_]|['’](?=[^\W\d_]))*")


def _word_end(text: str, at: int) -> int:
    """Where the word going on at `at` ends, a suffix after an apostrophe included ("Ekim'de")."""
    return _WORD_REST.match(text, at).end()  # type: ignore[union-attr] - a pattern of * always matches


def _whole_word(text: str, cue: str) -> bool:
    return re.search(r"(?<![^\W_])" + re.escape(cue) + r"(?![^\W_])", text) is not None


def _starts_word(text: str, cue: str) -> bool:
    """Does a word of `text` start with `cue` (a cue may span words: "ne zaman", "how many")? A sign ("%",
    "$") is found anywhere."""
    if not cue[:1].isalnum():
        return cue in text
    return re.search(r"(?<![^\W_])" + re.escape(cue), text) is not None


@cache
def lexicon(lang: str) -> Lexicon:
    """The facts of `lang`; a language without a data file gets CLDR's months and wordfreq alone."""
    path = DATA / f"{lang}.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    try:
        months_cldr = Locale.parse(lang).months
        names = {(i, m) for ctx in ("format", "stand-alone") for i, m in months_cldr[ctx]["wide"].items()}
        short = {(i, m.rstrip(".")) for ctx in ("format", "stand-alone") for i, m in months_cldr[ctx]["abbreviated"].items()}
    except (ValueError, KeyError):  # pragma: no cover - a code CLDR does not know
        names, short = set(), set()
    endings = tuple(data.get("months", {}).get("replaced_endings", ()))
    stems = {(i, m[: -len(e)]) for i, m in names for e in endings if m.endswith(e) and len(m) - len(e) >= 3}
    months = tuple(sorted({(i, m if m[:1].isupper() else fold(m), len(m) < 4) for i, m in names}
                          | {(i, m if m[:1].isupper() else fold(m), False) for i, m in stems}
                          | {(i, m if m[:1].isupper() else fold(m), True) for i, m in short - names}))
    return Lexicon(
        lang=lang,
        function_words=frozenset(fold(data.get("function_words", "")).split()),
        pointing_words=frozenset(fold(data.get("pointing_words", "")).split()),
        asks={k: tuple(fold(c) for c in v) for k, v in data.get("asks", {}).items()},
        reason_markers=tuple(fold(m) for m in data.get("reasons", {}).get("markers", ())),
        units={k: tuple(fold(u) for u in v) for k, v in data.get("units", {}).items()},
        parts={k: tuple(fold(w) for w in v) for k, v in data.get("parts", {}).items()},
        months=months,
    )


def _month_pattern(forms: list[tuple[str, bool]]) -> re.Pattern[str] | None:
    """One pattern for many month forms: a form that is a word of its own ("Ara", "May") or the start of a
    word ("Kasım" in "Kasım'da"), the longest first so that "Aralık" is read before "Ara"."""
    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"
    if not forms:
        return None
    whole = alternation([f for f, w in forms if w])
    start = alternation([f for f, w in forms if not w])
    return re.compile(rf"(?<![^\W_])(?:(?P<whole>{whole})(?![^\W_])|(?P<start>{start}))")


def languages() -> tuple[str, ...]:
    """Languages with a data file."""
    return tuple(sorted(p.stem for p in DATA.glob("*.toml")))
