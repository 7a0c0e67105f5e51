"""What a question asks: the kind of value, its numbers and years, its words, and the part of the document it
names, if any.

Everything here is read from the question through language data (`kaynak.lexicon`) and the model (its vector
and the token states of its words, `index.alignment`); nothing here knows a document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from babel import Locale

from assistant.values import YEAR
from index.alignment import QueryWords
from kaynak.lexicon import fold, lexicon
from kaynak.text import NUMBER
from kaynak.types import Chunk

# Kinds whose answer is a value the sentence must state (`assistant.values.holds`).
VALUE_KINDS = frozenset({"date", "money", "percent", "amount", "person", "reason"})


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    kind: str  # kaynak.lexicon.KINDS or "other"
    numbers: frozenset[str]  # its numbers as digit strings ("2.5" -> "25"); ordinals left out
    years: frozenset[str]
    vector: np.ndarray
    words: QueryWords

    @property
    def wants_value(self) -> bool:
        return self.kind in VALUE_KINDS


def analyse(text: str, lang: str, vector: np.ndarray, words: QueryWords) -> Question:
    numbers = frozenset(
        re.sub(r"\D", "", m.group()) for m in NUMBER.finditer(text) if not _ordinal(text, m.end())
    )
    return Question(
        text=text,
        lang=lang,
        kind=lexicon(lang).asked_kind(text),
        numbers=numbers,
        years=frozenset(y for y in numbers if YEAR.fullmatch(y)),
        vector=vector,
        words=words,
    )


def _ordinal(text: str, end: int) -> bool:
    """"2. Karabağ Savaşı", "15. Zirvesi": a Turkish ordinal names a thing, it is no value to look for."""
    return bool(re.match(r"\.\s[^\W\d_]", text[end : end + 3]))


@dataclass(frozen=True)
class Part:
    """The part of a document a question names ("according to the conclusion", "в аннотации", "English
    summary"): a kind of part (`kaynak.lexicon` `[parts]`), perhaps with a language or a chapter number."""

    kind: str
    lang: str | None = None
    number: str | None = None

    def admits(self, chunk: Chunk) -> bool:
        """Is the chunk in such a part: one of its section titles names the part in the chunk's own language
        (or, for a chapter, starts with its number), and it is in the language asked for?"""
        if self.lang is not None and chunk.lang != self.lang:
            return False
        if self.kind == "chapter":
            return bool(self.number) and bool(chunk.section) and chunk.section[0].lstrip().startswith(f"{self.number}")
        return any(lexicon(chunk.lang).names_part(title, self.kind) for title in chunk.section)


def part_named(question: str, lang: str, languages: tuple[str, ...]) -> Part | None:
    """The part of the document the question confines itself to, if it names one."""
    lex = lexicon(lang)
    kinds = lex.parts_named(question)
    if not kinds:
        return None
    low = fold(question)
    number = re.search(r"\d+", low)
    if "chapter" in kinds and number:
        return Part("chapter", number=number.group())
    kinds -= {"chapter"}  # "the conclusion chapter" names the conclusion
    if not kinds:
        return None
    kind = sorted(kinds)[0]
    named = [code for code in languages if (pattern := _language_name(lang, code)) and re.search(pattern, low)]
    return Part(kind, lang=named[0] if len(named) == 1 else None)


def _language_name(asked_in: str, code: str) -> str | None:
    """A pattern for how a question in `asked_in` names the language `code` (its CLDR name): a long name may
    inflect ("английской" for "английский"), a short one stands as a word ("Kyrgyz", not "Kyrgyzstan")."""
    try:
        name = fold(Locale.parse(asked_in).languages.get(code, ""))
    except ValueError:  # pragma: no cover - a code CLDR does not know
        return None
    if not name:
        return None
    if len(name) > 8:
        return r"(?<![^\W_])" + re.escape(name[:-2])
    return r"(?<![^\W_])" + re.escape(name) + r"(?![^\W_])"
