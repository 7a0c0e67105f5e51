"""Undo the damage PDF extraction did to a text file, keeping track of which printed page each character is on.

The thesis shows the usual symptoms (shared/corpus/README.md): every wrapped line is followed by an empty line,
a line starting with exactly one space opens a new PDF page, a few printed page numbers survive as lines of
their own, words are hyphenated across lines and lines carry trailing spaces. The functions here are small
and pure so each repair can be tested on real damaged lines; `repair()` chains them.

Two steps: `clean_lines` strips markers and page numbers and gives each line its printed page; `unwrap` then
joins lines into paragraphs (the caller passes the line numbers where headings force a break).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

_PAGE_NUMBER = re.compile(r"\d{1,4}")
_WORDS = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_END_PUNCT = re.compile(r"[.!?:][\"'”’»)]*$")
_BULLET = re.compile(r"^(?:[-–•▪·*]\s|\d{1,2}[.)]\s)")
_CONNECTIVE_END = re.compile(r"(?:[-–,]|\b(?:ve|ile|veya|and|or|of|и|жана|менен))$", re.IGNORECASE)
# Share of lines that must run on into a lower-case next line for blank lines to mean nothing (is_pdf_layout).
RUNS_ON = 0.1
# A line this much shorter than a typical full line ended before the right margin: a paragraph's last line.
_SHORT_LINE = 0.8
# Searches for runs of explicit character ranges, not per-character counts: fast over 11k lines.
_LOWER_RUN = re.compile(r"[a-zçğıöşüâîûäéа-яёөүңә]{4}")
_UPPER_RUN = re.compile(r"[A-ZÇĞİÖŞÜÂÎÛÄÉА-ЯЁӨҮҢӘ]{2}")
_CYRILLIC_RUN = re.compile(r"[\u0400-\u04ff]{3}")
_LATIN_RUN = re.compile(r"[A-Za-zçğıöşüÇĞİÖŞÜ]{3}")


@dataclass(frozen=True)
class Line:
    """One physical line after cleaning.

    `page` is the printed page number; `hard_end` is True when a blank line followed it in ordinary text (a
    paragraph break for sure); `spaced_end` when it had two or more trailing spaces in the PDF-extraction
    layout, which often, not always, marks a paragraph's last line; `page_start` when it opens a PDF page
    (headings tell from it that they stand at the top of a page); `lang` is the language the source declares
    for it (an HTML `lang` attribute), "" when it declares none.
    """

    text: str
    page: int
    hard_end: bool = False
    spaced_end: bool = False
    page_start: bool = False
    lang: str = ""


@dataclass(frozen=True)
class Paragraph:
    """Consecutive lines joined into one block; `first_line`/`last_line` index the cleaned lines."""

    text: str
    first_line: int
    last_line: int
    pages: tuple[tuple[int, int], ...]  # (offset inside text, printed page) where the page changes


@dataclass
class PageMap:
    """Offsets in the repaired text where a new page starts, for bisect look-ups.

    `pages` holds printed page numbers, or, where `printed` is given (a PDF read page by page), physical page
    numbers that `printed` turns into what the page shows: (number, label), the label "" when it is the number.
    """

    offsets: list[int] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    printed: dict[int, tuple[int, str]] = field(default_factory=dict)

    def add(self, offset: int, page: int) -> None:
        if not self.pages or self.pages[-1] != page:
            self.offsets.append(offset)
            self.pages.append(page)

    def _page(self, offset: int) -> int:
        i = bisect.bisect_right(self.offsets, offset) - 1
        return self.pages[max(i, 0)] if self.pages else 1

    def page_at(self, offset: int) -> int:
        page = self._page(offset)
        return self.printed[page][0] if page in self.printed else page

    def label_at(self, offset: int) -> str:
        """The printed label of the page at `offset` when it is not simply its number ("iv", "T-2"), else ""."""
        page = self._page(offset)
        return self.printed[page][1] if page in self.printed else ""


@dataclass(frozen=True)
class Repaired:
    """The repaired text (paragraphs separated by a blank line), its paragraphs with offsets, and pages."""

    text: str
    paragraphs: tuple[Paragraph, ...]
    starts: tuple[int, ...]  # offset of each paragraph in `text`
    page_map: PageMap


def is_pdf_layout(lines: list[str]) -> bool:
    """True for the blank-line-after-every-line layout of PDF extraction, where blank lines mean nothing.

    Plain text written with a blank line after every short paragraph looks the same by its blank lines; in
    extraction layout the text runs on across them, so a good share of lines must end mid-sentence with the
    next line going on in lower case (two thirds of the bundled thesis's lines; hardly any of such notes')."""
    nonblank = [i for i, l in enumerate(lines) if l.strip()]
    if len(nonblank) < 10:
        return False
    followed_by_blank = sum(1 for i in nonblank if i + 1 < len(lines) and not lines[i + 1].strip())
    texts = [lines[i].strip() for i in nonblank]
    runs_on = sum(1 for a, b in pairwise(texts) if not _END_PUNCT.search(a) and b[:1].islower())
    return followed_by_blank > 0.7 * len(nonblank) and runs_on >= RUNS_ON * len(nonblank)


def page_marker(line: str) -> tuple[bool, str]:
    """(starts a page, text without the marker): exactly one leading space opens a new PDF page."""
    if line.startswith(" ") and not line.startswith("  "):
        return True, line[1:]
    return False, line


def is_page_number(text: str) -> bool:
    """A line holding only a number is a printed page number that survived extraction."""
    return bool(_PAGE_NUMBER.fullmatch(text.strip()))


def calibrate_pages(n_pages: int, points: Iterable[tuple[int, int]]) -> list[int]:
    """Printed page for each page index 1..n_pages (result[0] is unused), from (index, printed) pairs.

    The printed number is the index plus an offset that changes where the extraction lost or added a page
    marker; each index takes the offset of the next surviving number at or after it (the number is printed
    at the foot of its page), and the last offset carries on to the end. Without numbers, printed = index.
    """
    pts = sorted(points)
    out = [0] * (n_pages + 1)
    j = 0
    for idx in range(1, n_pages + 1):
        while j < len(pts) and pts[j][0] < idx:
            j += 1
        off = pts[j][1] - pts[j][0] if j < len(pts) else (pts[-1][1] - pts[-1][0] if pts else 0)
        out[idx] = idx + off
    return out


def clean_lines(raw: str, page_breaks: Collection[int] | None = None) -> list[Line]:
    """Lines without page markers, printed page numbers or trailing spaces, each with its printed page.

    `page_breaks` (PDF input) gives page starts as offsets into `raw`; otherwise, in the PDF-extraction
    layout, the one-space markers do. Blank lines are dropped; in ordinary text a blank line marks the
    line before it as a paragraph end.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = raw.split("\n")
    pdf_layout = is_pdf_layout(lines)
    use_markers = page_breaks is None and pdf_layout
    breaks = sorted(page_breaks or ())
    kept: list[tuple[str, int, bool, bool, bool]] = []  # text, page index, hard end, spaced end, page start
    points: list[tuple[int, int]] = []
    index, seen_content, offset, pending_start = 1, False, 0, True
    for line in lines:
        if breaks:
            new_index = max(bisect.bisect_right(breaks, offset), 1)
            pending_start = pending_start or new_index != index
            index = new_index
        offset += len(line) + 1
        if use_markers:
            starts_page, line = page_marker(line)
            if starts_page and seen_content:
                index += 1
            pending_start = pending_start or starts_page
        text = line.strip()
        if not text:
            if kept and not pdf_layout:
                kept[-1] = (*kept[-1][:2], True, False, kept[-1][4])
            continue
        if is_page_number(text) and (pdf_layout or breaks):
            points.append((index, int(text)))
            continue
        seen_content = True
        kept.append((" ".join(text.split()), index, False, pdf_layout and line.endswith("  "), pending_start))
        pending_start = False
    printed = calibrate_pages(max((k[1] for k in kept), default=1), points)
    return [Line(t, printed[i], h, sp, ps) for t, i, h, sp, ps in kept]


def word_vocabulary(lines: Iterable[Line]) -> set[str]:
    """Every word form in the document, hyphenated compounds included, case-folded (for `join_hyphen`)."""
    return set(_WORDS.findall("\n".join(line.text for line in lines).casefold()))


def join_hyphen(left: str, right: str, vocab: Collection[str]) -> str:
    """Join a line ending in "-" to the next one: keep real hyphens, remove only true word breaks.

    "sosyo-" + "kültürel" stays "sosyo-kültürel" (the compound occurs elsewhere), "2020-" + "2022",
    "Türkiye-" + "Özbekistan" keep the hyphen, "Özbekistan - " + "Tacikistan" keeps its spaces; a break is
    removed only when the next part continues in lower case and the document knows the joined word but not
    the hyphenated one, or neither half is a word of its own.
    """
    if left.endswith(" -") or left.endswith(" –"):
        return f"{left} {right}"
    head_m = re.search(r"([^\W_]+)-$", left)
    tail_m = re.match(r"[^\W_]+", right)
    if not head_m or not tail_m or not right[:1].islower() or head_m.group(1)[-1:].isdigit():
        return left + right
    head, tail = head_m.group(1).casefold(), tail_m.group(0).casefold()
    if f"{head}-{tail}" in vocab:
        return left + right
    if head + tail in vocab or not (head in vocab and tail in vocab):
        return left[:-1] + right
    return left + right


def _script(text: str) -> str:
    """"cyr" or "lat" for a line written in one script, "" for a mixed one (no evidence of a change)."""
    cyr, lat = bool(_CYRILLIC_RUN.search(text)), bool(_LATIN_RUN.search(text))
    return "" if cyr == lat else ("cyr" if cyr else "lat")


def _is_caps(text: str) -> bool:
    """Upper case but for short words ("SONUÇ ve ÖNERİLER"): no run of four lower-case letters."""
    return bool(_UPPER_RUN.search(text)) and not _LOWER_RUN.search(text)


def _starts_paragraph(text: str) -> bool:
    first = text[:1]
    return first.isupper() or first.isdigit() or first in "\"“«(–-•"


def paragraph_ends(lines: list[Line], width: float) -> list[bool]:
    """For each line, whether a paragraph ends after it (without heading knowledge; see `unwrap`).

    A paragraph ends after a line that ends a sentence and is visibly short or marked as an end, before a
    list item, when the script changes (a Russian paragraph after a Turkish one) or when an ALL-CAPS title
    block gives way to ordinary text.
    """
    ends = [False] * len(lines)
    scripts = [_script(l.text) for l in lines]
    caps = [_is_caps(l.text) for l in lines]
    for i, line in enumerate(lines):
        if i + 1 == len(lines):
            ends[i] = True
            break
        nxt = lines[i + 1].text
        text = line.text
        sentence_end = bool(_END_PUNCT.search(text))
        if line.hard_end:
            ends[i] = True
        elif sentence_end and _starts_paragraph(nxt) and (line.spaced_end or len(text) < _SHORT_LINE * width):
            ends[i] = True
        elif _BULLET.match(nxt) and text[-1:] in ".;:":
            ends[i] = True
        elif scripts[i] and scripts[i + 1] and scripts[i] != scripts[i + 1]:
            ends[i] = True
        elif caps[i] and not caps[i + 1] and not _CONNECTIVE_END.search(text):
            ends[i] = True
    return ends


def typical_width(lines: list[Line]) -> float:
    """The length of a full line: the 75th percentile of line lengths."""
    lengths = sorted(len(l.text) for l in lines)
    return float(lengths[(3 * len(lengths)) // 4]) if lengths else 80.0


def unwrap(lines: list[Line], breaks: Collection[int] = (), keep: Collection[int] = ()) -> list[Paragraph]:
    """Join wrapped lines into paragraphs.

    A paragraph also starts at every line index in `breaks` (headings), and never ends after a line index in
    `keep` (inside a multi-line heading).
    """
    vocab = word_vocabulary(lines)
    ends = paragraph_ends(lines, typical_width(lines))
    paragraphs: list[Paragraph] = []
    start = 0
    for i in range(len(lines)):
        if i + 1 == len(lines) or ((ends[i] or (i + 1) in breaks) and i not in keep):
            paragraphs.append(_join(lines, start, i, vocab))
            start = i + 1
    return paragraphs


def _join(lines: list[Line], first: int, last: int, vocab: Collection[str]) -> Paragraph:
    """Join lines first..last; pieces are collected and joined once, so long paragraphs stay linear."""
    pieces = [lines[first].text]
    length = len(pieces[0])
    pages = [(0, lines[first].page)]
    for i in range(first + 1, last + 1):
        line = lines[i]
        prev = pieces[-1]
        if prev.endswith(("-", "–")):
            joined = join_hyphen(prev, line.text, vocab)
            length += len(joined) - len(prev)
            pieces[-1] = joined
        else:
            pieces.append(" " + line.text)
            length += 1 + len(line.text)
        if line.page != pages[-1][1]:
            pages.append((length - len(line.text), line.page))
    return Paragraph(text="".join(pieces), first_line=first, last_line=last, pages=tuple(pages))


def assemble(paragraphs: list[Paragraph]) -> Repaired:
    """Paragraphs -> one text with a blank line between paragraphs, and the page of every offset."""
    parts: list[str] = []
    starts: list[int] = []
    page_map = PageMap()
    offset = 0
    for p in paragraphs:
        starts.append(offset)
        for rel, page in p.pages:
            page_map.add(offset + rel, page)
        parts.append(p.text)
        offset += len(p.text) + 2
    return Repaired(text="\n\n".join(parts), paragraphs=tuple(paragraphs), starts=tuple(starts), page_map=page_map)


def repair(raw: str, page_breaks: Collection[int] | None = None, breaks: Collection[int] = ()) -> Repaired:
    """The whole repair chain for a document with no heading knowledge beyond `breaks` (line indices)."""
    lines = clean_lines(raw, page_breaks)
    return assemble(unwrap(lines, breaks))
