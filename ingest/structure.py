"""Find the headings of a document and the language of each paragraph.

Headings give every chunk its section path, so a false heading is worse than a missed one: Turkish writes
thousands with dots ("339.998 milyon") and ordinals with a dot ("5. nesil", "19. yüzyılın"), and numbered
list items ("1. Ticaret ve yatırım ...") sit inside sections. A numbered line becomes a heading only if its
number continues the numbering (first child of the current section or next sibling of it or an ancestor), it
reads like a title (short, capitalised words, no sentence end, not ending in a verb) and it keeps the case
style of its siblings. Unnumbered parts (ÖNSÖZ, МАЗМУНУ, SUMMARY, SONUÇ ve ÖNERİLER) are short, mostly
upper-case lines without punctuation that stand where a paragraph or page begins.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .repair import Line

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.(?!\d)\s*(\S.*)$")
_MARKDOWN = re.compile(r"^(#{1,6})\s+(\S.*)$")
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:[-'’][^\W_]+)*")
_STOP = frozenset(
    "ve ile veya ya da de ki için ila and or of the in on for to a an with by at и в с на к о по жана менен "
    "үчүн".split()
)
# Finite Turkish verb endings: a line ending in one is a sentence, not a title.
_VERB_END = re.compile(r"(?:m[ıiuü]şt[ıiuü]r|m[ae]kt[ae]d[ıi]r|[dt][ıiuü]r|yor|[ae]c[ae]k|m[ıiuü]ş)$")
_CITATION = re.compile(r"\(\D*\d{4}")
_CONTINUES = re.compile(r"(?:\b(?:ve|ile|veya|and|of|the|и|жана|менен)|[-–,])$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’»)]*$")
_NO_PART_CHARS = re.compile(r"[\d.,;:!?()\"“”«»]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC_LANGS = frozenset({"ru", "ky", "kk", "uk", "be", "bg", "sr", "mk", "tt", "ba"})
MAX_TITLE_CHARS = 160
MAX_PART_WORDS = 4
SHORT_PARAGRAPH = 400  # chars: below this a paragraph's language may follow its section's majority ...
SURE_LANGUAGE = 0.9  # ... unless the detector is this sure of it (`kaynak.lang.detect_lang_scored`)


@dataclass(frozen=True)
class Heading:
    """A heading spanning cleaned lines first_line..last_line; `level` 1 is a chapter or an unnumbered part."""

    first_line: int
    last_line: int
    level: int
    number: tuple[int, ...] | None
    title: str


def normalise_title(number: str | None, title: str) -> str:
    """"1.2.Türkiye’nin  X" -> "1.2. Türkiye’nin X"."""
    title = " ".join(title.split())
    return f"{number}. {title}" if number else title


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def title_like(title: str, alone: bool = False) -> bool:
    """Short, starts with a capital, mostly capitalised words, no sentence end, citation or final verb.

    A line that is a paragraph of its own (`alone`: blank lines around it in ordinary text) may be in
    sentence case ("2. Выдача книг", "3. Opening hours"): Russian and Kyrgyz titles, and many English ones, do
    not capitalise their words, and layout already sets the line apart from running text."""
    title = title.strip()
    if not title or len(title) > MAX_TITLE_CHARS or not title[0].isupper():
        return False
    if title[-1] in ".,;:" or _CITATION.search(title):
        return False
    words = [w for w in _WORD.findall(title) if w.casefold() not in _STOP]
    if not words or len(words) > 20:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    if not alone and capitalised < 0.6 * len(words):
        return False
    return _is_caps(title) or not _VERB_END.search(words[-1].casefold())


def fits_numbering(number: tuple[int, ...], current: tuple[int, ...]) -> bool:
    """True if `number` is the first child of `current`, or the next sibling of it or of one of its ancestors."""
    k = len(number)
    if k == len(current) + 1:
        return number[:-1] == current and number[-1] == 1
    if k <= len(current):
        return number[:-1] == current[: k - 1] and number[-1] == current[k - 1] + 1
    return False


def _part_heading(lines: Sequence[Line], i: int) -> bool:
    """An unnumbered part title: short, mostly upper case, no digits or punctuation, where a block begins."""
    text = lines[i].text
    words = text.split()
    if not 1 <= len(words) <= MAX_PART_WORDS or len(text) > 40 or _NO_PART_CHARS.search(text):
        return False
    if not _is_caps(text) or sum(c.isalpha() for c in text) < 3:
        return False
    at_block_start = i == 0 or lines[i].page_start or bool(_SENTENCE_END.search(lines[i - 1].text))
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    return at_block_start and not nxt[:1].islower()


def _opening_title(lines: Sequence[Line], i: int) -> bool:
    """The first line of plain text, a paragraph of its own that reads like a title and is followed by text: the
    document's title ("Отчёт о походе в ущелье Ала-Арча"), not a passage of its own nor the start of the first
    sentence."""
    if i != 0 or len(lines) < 2 or not lines[0].hard_end or _NUMBERED.match(lines[0].text):
        return False
    return title_like(lines[0].text, alone=True) and not lines[1].text[:1].islower()


def detect_headings(lines: Sequence[Line]) -> list[Heading]:
    """All headings of a document, in order, with multi-line titles joined."""
    headings: list[Heading] = []
    current: tuple[int, ...] = ()
    caps_by_level: dict[int, bool] = {}
    i = 0
    while i < len(lines):
        text = lines[i].text
        m = _NUMBERED.match(text)
        if m:
            number = tuple(int(x) for x in m.group(1).split("."))
            last, title = _numbered_title(lines, i, m.group(2))
            prev = lines[i - 1].text if i else ""
            nxt = lines[last + 1].text if last + 1 < len(lines) else ""
            alone = (i == 0 or lines[i - 1].hard_end) and lines[last].hard_end
            style_ok = caps_by_level.get(len(number), _is_caps(title)) == _is_caps(title)
            if (
                fits_numbering(number, current)
                and title_like(title, alone)
                and style_ok
                and not prev.endswith(":")
                and not nxt[:1].islower()
            ):
                headings.append(Heading(i, last, len(number), number, normalise_title(m.group(1), title)))
                current = number
                caps_by_level[len(number)] = _is_caps(title)
                i = last + 1
                continue
        md = _MARKDOWN.match(text)
        if md:
            headings.append(Heading(i, i, len(md.group(1)), None, normalise_title(None, md.group(2))))
        elif _part_heading(lines, i) or _opening_title(lines, i):
            headings.append(Heading(i, i, 1, None, normalise_title(None, text)))
        i += 1
    return headings


def _numbered_title(lines: Sequence[Line], i: int, title: str) -> tuple[int, str]:
    """Join up to two continuation lines of a title that wraps ("... İŞBİRLİKLERİ VE" / "TÜRK DIŞ POLİTİKASI")."""
    last = i
    caps = _is_caps(title)
    for j in range(i + 1, min(i + 3, len(lines))):
        cont = lines[j].text
        if _NUMBERED.match(cont) or len(cont) > 80 or not title_like(cont) or _is_caps(cont) != caps:
            break
        after = lines[j + 1].text if j + 1 < len(lines) else ""
        if after[:1].islower():
            break
        if not (_CONTINUES.search(title) or len(cont) < 40):
            break
        title, last = f"{title} {cont}", j
    return last, title


def section_paths(paragraph_lines: Sequence[int], headings: Sequence[Heading]) -> list[tuple[str, ...] | None]:
    """Section path for each paragraph (given by its first line); None for a paragraph that is a heading."""
    by_line = {h.first_line: h for h in headings}
    stack: list[tuple[int, str]] = []
    out: list[tuple[str, ...] | None] = []
    for first in paragraph_lines:
        h = by_line.get(first)
        if h is not None:
            if h.number is None and h.level == 1:
                stack = []
            while stack and stack[-1][0] >= h.level:
                stack.pop()
            stack.append((h.level, h.title))
            out.append(None)
        else:
            out.append(tuple(t for _, t in stack))
    return out


def smooth_languages(
    texts: Sequence[str],
    sections: Sequence[tuple[str, ...] | None],
    detected: Sequence[str],
    confidence: Sequence[float] | None = None,
    declared: Sequence[str] | None = None,
) -> list[str]:
    """Per-paragraph languages (from `detect_lang`) smoothed within each section.

    A short paragraph that disagrees with its section's majority but contains letters of the majority's
    script — a Kyrgyz paragraph dominated by an English organisation's name — takes the majority language.
    A long one, one wholly in another script (a Russian paragraph in a Turkish section), or one the detector
    is sure of (`confidence` >= SURE_LANGUAGE, when given) keeps its own: a partly translated page mixes
    languages within a section, paragraph by paragraph. Where the source declares a paragraph's language
    (`declared`, "" for none), an unsure short paragraph in that language's script takes it instead.
    """
    weight: dict[tuple[str, ...] | None, Counter[str]] = {}
    for text, section, lang in zip(texts, sections, detected):
        weight.setdefault(section, Counter())[lang] += len(text)
    out = []
    for i, (text, section, lang) in enumerate(zip(texts, sections, detected)):
        unsure = len(text) < SHORT_PARAGRAPH and (confidence is None or confidence[i] < SURE_LANGUAGE)
        prior = declared[i] if declared else ""
        if unsure and prior and prior != lang and _script_of(prior).search(text):
            out.append(prior)
            continue
        majority = weight[section].most_common(1)[0][0]
        smooth = unsure and lang != majority and _script_of(majority).search(text)
        out.append(majority if smooth else lang)
    return out


def _script_of(lang: str) -> re.Pattern[str]:
    return _CYRILLIC if lang in _CYRILLIC_LANGS else _LATIN
