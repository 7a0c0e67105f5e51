"""Follow-up questions: "Bu anlaşmayı kimler imzaladı?" after a question about an agreement, "ve 2021'de?" after
one about 2019.

Offline, a follow-up is not rewritten by rules about names. One that gives nothing but names and numbers ("Ya
Kazakistan?", "And in 2023?") asks the previous question again about them (`substitutions`): they take the
place of their counterparts in it, a year that of its year, a name that of one of its names, and the engine
keeps the reading the document answers best. Any other follow-up is read after the previous question
(`merge`), and the engine answers both readings — the question alone and merged — keeping the one the
answerability model finds better answered (`app.engine`): a new question that does not lean on the previous
one is answered best alone, "who signed it?" best with the agreement it leans on. With a chat model (the LLM
answerer) the model rewrites the question to stand alone, and on any failure the merged reading is used.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from itertools import permutations
from typing import Any

from index.alignment import RARE_WEIGHT, word_weight
from kaynak.lexicon import fold, lexicon
from kaynak.text import NUMBER, name_key, strip_suffix

log = logging.getLogger(__name__)
# a number with the case suffix Turkish writes after it: "2019'da", "2019’un"
_NUMBER_WITH_SUFFIX = re.compile(NUMBER.pattern + r"(?:['’][^\W\d_]+)?")
# a number, or a range of them ("2012-2016"), with such a suffix: what a follow-up's number takes the place of
_NUMBER_OR_RANGE = re.compile(NUMBER.pattern + r"(?:\s?[-–]\s?" + NUMBER.pattern + r")?(?:['’][^\W\d_]+)?")
_WORD = re.compile(r"[^\W_][\w'’-]*")
# a year as a word of its own, with a suffix after an apostrophe ("2005'te"), and a day of the month before it
_YEAR = re.compile(r"(?<![\d.,])(?:1[89]|20)\d\d(?![\d.,]\d)(?:['’][^\W\d_]+)?")
_DAY_BEFORE = re.compile(r"(?<![\w.])(?:0?[1-9]|[12]\d|3[01])\.?$")
_SENTENCE_END = re.compile(r"[.?!:]\s*$")
# Readings of a follow-up of names the engine weighs at most (each costs a search and a reading).
MAX_READINGS = 4

REWRITE_PROMPT = """Rewrite the last question so it can be understood without the conversation, in the same \
language as the last question. Keep names, numbers and years. Reply with the rewritten question only.

Conversation:
{history}

Last question: {question}
Standalone question:"""


def merge(question: str, previous: str, lang: str = "en") -> str:
    """The follow-up read with the question before it. A follow-up of names and numbers only with one way to
    put them in place is the previous question with them there (`substitutions`); otherwise it follows the
    previous question, whose numbers are dropped when the follow-up gives numbers of its own ("and in 2021?"):
    they are what the follow-up replaces — its years (whole dates) only when the follow-up gives a year."""
    question, previous = " ".join(question.split()), " ".join(previous.split())
    if not previous:
        return question
    readings = substitutions(question, previous, lang)
    if len(readings) == 1:
        return readings[0]
    if NUMBER.search(question):
        years = list(_YEAR.finditer(previous))
        if _YEAR.search(question):  # a year of its own: the previous dates go, day and month with their year
            for a, b in reversed([_date_span(previous, m.start(), m.end(), lang) for m in years]):
                previous = f"{previous[:a]} {previous[b:]}"
            years = []
        kept = {m.span() for m in years}  # a day or an amount does not replace a year ("Ya ertesi gün, 27 Temmuz'da?")
        previous = _NUMBER_WITH_SUFFIX.sub(lambda m: m.group() if m.span() in kept else " ", previous)
        previous = " ".join(previous.split())
    return f"{previous} {question}"


def substitutions(question: str, previous: str, lang: str) -> list[str]:
    """The previous question asked again about what the follow-up gives, when the follow-up gives only names
    and numbers (`_phrases`: "Ya Kazakistan?", "And in 2023?"): each number in the place of the previous
    question's first number (or range) of as many digits ("2019'da" -> "2023'te"), each name in the place of
    one of the previous question's names — one reading per way of placing them (at most MAX_READINGS), for the
    engine to keep the one the document answers best ("Kırgızistan" or "Rusya'dan" -> "Kazakistan"); what
    finds no place is added at the end (only the end, when nothing finds one). Empty when the follow-up says
    more than names and numbers, or gives only names the previous question already gives."""
    items = _phrases(question, lang)
    if not items or any(kind == "other" for kind, _, _ in items):
        return []
    name_spots = [(a, b) for kind, a, b in _phrases(previous, lang) if kind == "name"]
    number_spots = [(m.start(), m.end()) for m in _NUMBER_OR_RANGE.finditer(previous)]
    fixed: dict[tuple[int, int], str] = {}
    rest: list[str] = []
    names: list[str] = []
    for kind, a, b in items:
        text = question[a:b]
        if kind == "number":
            spot = next((s for s in number_spots if not any(s[0] < y and x < s[1] for x, y in fixed)
                         and _digits(previous[s[0]:s[1]]) == _digits(text)), None)
            if spot is None:
                rest.append(text)
            else:
                spot = _date_span(previous, *spot, lang) if _YEAR.fullmatch(previous[spot[0]:spot[1]]) else spot
                fixed[spot] = _placed(previous[spot[0]:spot[1]], text)
        elif not any(name_key(previous[x:y]) == name_key(text) for x, y in name_spots):  # one it gives already
            names.append(text)
    placings = [dict(zip(spots, names)) for spots in permutations(name_spots, min(len(names), len(name_spots)))]
    unplaced = names[len(name_spots):]
    if not fixed and not any(placings):  # nowhere to put them ("And in 2021?" after a question with no year)
        return [f"{previous} {question}"] if rest or unplaced else []
    readings = []
    for placing in placings[:MAX_READINGS]:  # one placing, {}, when no name is to be placed
        places = {**fixed, **placing}
        out, at = [], 0
        for (a, b), text in sorted(places.items()):
            out += [previous[at:a], text]
            at = b
        readings.append(" ".join(" ".join(["".join(out) + previous[at:], *rest, *unplaced]).split()))
    return readings


def _placed(old: str, new: str) -> str:
    """The follow-up's number `new` as it goes in the place of `old`: with the follow-up's case suffix where the
    old number had one of its own ("2019'da" -> "2021'de"), bare where the previous question goes on with a word
    or suffix of its own ("2023 yılında", "2021-жылы", "2012-2016 döneminde" -> "2022 yılında", "2022-жылы")."""
    number = NUMBER.search(new)
    if number is None or not re.search(r"['’]", old):
        return number.group() if number else new
    return new[number.start():]


def _date_span(text: str, a: int, b: int, lang: str) -> tuple[int, int]:
    """The year at text[a:b] with the month and day written before it, when a month is ("14 Ekim 2005'te",
    "October 14, 2005", "14 октября 2005 года"): a follow-up's year takes the place of the whole date, not of
    its year alone ("Ya 2011'de?" must not ask about 14 Ekim 2011). Month names are CLDR's (`Lexicon`)."""
    months = lexicon(lang).month_spans(text)
    start, named_month = a, False
    for _ in range(2):
        head = text[:start].rstrip(" ,")
        month = next((x for x, y in months if y == len(head)), None)
        day = _DAY_BEFORE.search(head)
        if month is not None:
            start, named_month = month, True
        elif day is not None:
            start = day.start()
        else:
            break
    return (start, b) if named_month else (a, b)


def _digits(text: str) -> int:
    """How many digits the text's first number has ("2019'da": 4, "2012-2016": 4)."""
    m = NUMBER.search(text)
    return len(m.group()) if m else 0


def _phrases(text: str, lang: str) -> list[tuple[str, int, int]]:
    """The text's words, as (kind, start, end): a run of capitalised words is one "name", a word with digits a
    "number", any other "other" but for the language's function words and words as common ("ya", "and", "what",
    `index.alignment.COMMON_ZIPF`), which are left out. The first word's capital says nothing (sentence case),
    so a word that opens a sentence names only when it is rare enough to weigh ("Kazakistan?", not "Peki" or
    "And")."""
    lex = lexicon(lang)
    out: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(text):
        word = m.group()
        weight = word_weight(lex.zipf(strip_suffix(word)))
        if any(ch.isdigit() for ch in word):
            kind = "number"
        elif word[:1].isupper() and (weight >= RARE_WEIGHT or not _opens_sentence(text, m.start())):
            kind = "name"
        elif weight > 0 and fold(word) not in lex.function_words:
            kind = "other"
        else:
            continue
        if kind == "name" and out and out[-1][0] == "name" and not text[out[-1][2] : m.start()].strip():
            out[-1] = ("name", out[-1][1], m.end())
        else:
            out.append((kind, m.start(), m.end()))
    return out


def _opens_sentence(text: str, start: int) -> bool:
    """Does the word at `start` open a sentence (the text's first word, or one after ".", "?", "!" or ":")?"""
    return not text[:start].strip() or _SENTENCE_END.search(text[:start]) is not None


def previous_query(history: list[tuple[str, str]]) -> str:
    """What the last turn asked, as the engine understood it (the history holds the query it used)."""
    return history[-1][0] if history else ""


def standalone_query(
    question: str,
    history: list[tuple[str, str]],
    lang: str,
    chat_model: Any = None,
    on_error: Callable[[Exception], None] | None = None,
) -> str:
    """`question` made to stand alone given `history` [(question, answer), ...], oldest first: rewritten by
    `chat_model` (a LangChain chat model) when given, else — or when the model fails or replies with nothing
    usable, and `on_error` hears why — `merge`d with the previous question."""
    if not history:
        return question
    if chat_model is not None:
        try:
            return _llm_rewrite(question, history, chat_model)
        except Exception as e:  # endpoint down, timeout, garbage: the offline reading still works
            log.warning("follow-up rewrite by LLM failed (%s); reading it with the previous question", e)
            if on_error is not None:
                on_error(e)
    return merge(question, previous_query(history), lang)


def _llm_rewrite(question: str, history: list[tuple[str, str]], chat_model: Any) -> str:
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages([("human", REWRITE_PROMPT)])
    turns = "\n".join(f"User: {q}\nAssistant: {' '.join(a.split())[:300]}" for q, a in history[-3:])
    reply = (prompt | chat_model).invoke({"history": turns, "question": question})
    text = (reply.text if hasattr(reply, "text") else str(reply)).strip().strip('"').strip()
    text = text.splitlines()[0].strip() if text else ""
    if not text or len(text) > 4 * len(question) + 300 or not re.search(r"\w", text):
        raise ValueError(f"unusable rewrite {text[:80]!r}")
    return text
