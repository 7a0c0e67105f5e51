"""A PDF's structure from the PDF itself: its outline, the type its headings are set in, its page labels.

Headings: the outline (bookmarks) names the sections and the page and height each starts at; the heading is
the printed line found there, so the section path reads as the page does ("2.1 ASN.1 syntax", where the
bookmark says "ASN.1 syntax"). Below and around the outline, and in a PDF without one, a heading is a line set
larger than the body text (or bold, in a document whose headings are all body-sized), short, followed by text
on its page, and not one of a stack of such lines (the names on a title page); its level is the rank of its
size. A line set in a monospaced face is code and never a heading. Only a PDF with no type distinctions at
all falls back to the numbering rules used for plain text (`structure.detect_headings`).

Running heads and page numbers repeat at the same height at the top or foot of most pages, apart from the
text: they are dropped. Printed page numbers come from the PDF's page labels ("T-1", "i", "1"), else from
the numbers in those running heads; never below 1.
"""
from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .errors import IngestError
from .layout import Layout
from .matter import is_entry, is_numbered, matter_of_title
from .pdf_layout import StyledLine, page_lines
from .repair import Line, calibrate_pages
from .structure import Heading, detect_headings

log = logging.getLogger(__name__)

HEADING_SIZE = 1.12  # x body size: smaller type is body text, however bold
MAX_HEADING_CHARS = 150
MAX_HEADING_WORDS = 20
_HEAD_BAND_SHARE = 0.3  # of pages whose first (last) line sits at one height, for that height to be a running head
_HEAD_GAP = 1.5  # x line pitch: a running head stands this far apart from the text below (above) it
_PARAGRAPH_GAP = 1.25  # x line pitch: a larger gap between two lines ends a paragraph
_INDENT = 0.6  # x type size: a line indented this much after a full stop starts a paragraph
_WRAPPED = 0.6  # of a full line's measure: a heading line this long may wrap onto the next
_OUTLINE_WINDOW = 8  # lines below a bookmark's height searched for its heading
_NUMBER_ROOM = 16  # characters a printed heading may add to its bookmark's title ("Appendix A ", "2.13. ")
_PAGE_NUMBER_AT_END = re.compile(r"(?:^|\s)(\d{1,4})$|^(\d{1,4})(?:\s|$)")
_ROMAN = re.compile(r"^m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$", re.IGNORECASE)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _key(text: str) -> str:
    """Letters and digits only, case-folded: "2.13. Non-regular files" and "Nonregular files" compare."""
    return re.sub(r"[\W_]+", "", text.casefold())


# -- pages ------------------------------------------------------------------------------------------------
def label_number(label: str, physical: int) -> int:
    """The number a label written as text alone stands for: "T-2" -> 2, "iv" -> 4, "12" -> 12; else the page's
    physical number. Never below 1."""
    label = label.strip()
    digits = re.search(r"(\d+)$", label)
    if digits:
        number = int(digits.group(1))
    elif label and _ROMAN.match(label):
        values = [_ROMAN_VALUES[c] for c in label.lower()]
        number = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    else:
        number = physical
    return max(1, number)


def _label_ranges(node: Any) -> list[tuple[int, dict[str, Any]]]:
    """(first page index, label dictionary) of each range of a /PageLabels number tree, in order."""
    node = node.get_object()
    ranges = []
    nums = node.get("/Nums", [])
    for i in range(0, len(nums) - 1, 2):
        ranges.append((int(nums[i]), nums[i + 1].get_object()))
    for kid in node.get("/Kids", []):
        ranges.extend(_label_ranges(kid))
    return sorted(ranges, key=lambda r: r[0])


def printed_pages(reader: PdfReader, numbers: dict[int, int]) -> dict[int, tuple[int, str]]:
    """Physical page (1-based) -> (printed number, printed label or "" when it is just the number).

    The PDF's page labels when it has them: a range with a numbering style counts from its start value ("i",
    "ii" are 1, 2; "T-1" is 1); a label of text alone is read as a number if it is one. Else the numbers found
    in running heads, carried to the pages between them (`repair.calibrate_pages`); never below 1.
    """
    n = len(reader.pages)
    root = reader.trailer["/Root"]
    if "/PageLabels" in root:
        ranges = _label_ranges(root["/PageLabels"])
        out = {}
        for i, label in enumerate(reader.page_labels):
            start, spec = next(((s, d) for s, d in reversed(ranges) if s <= i), (0, {}))
            if "/S" in spec:
                number = max(1, int(spec.get("/St", 1)) + i - start)
            else:
                number = label_number(label, i + 1)
            out[i + 1] = (number, "" if label == str(number) else label)
        return out
    calibrated = calibrate_pages(n, numbers.items())
    return {i: (max(1, calibrated[i]), "") for i in range(1, n + 1)}


def _page_number(text: str) -> int | None:
    m = _PAGE_NUMBER_AT_END.search(text.strip())
    return int(m.group(1) or m.group(2)) if m else None


def _band(pages: Sequence[list[StyledLine]], top: bool, pitch: float) -> float | None:
    """The height of the running head (top) or foot line, if one repeats on enough pages apart from the text."""
    edges = [(p[0], p[1] if len(p) > 1 else None) if top else (p[-1], p[-2] if len(p) > 1 else None)
             for p in (sorted(page, key=lambda l: -l.y) for page in pages if page)]
    heights = Counter(round(edge.y) for edge, _ in edges)
    if not heights:
        return None
    height, count = heights.most_common(1)[0]
    if count < max(2, _HEAD_BAND_SHARE * len(pages)):
        return None
    gaps = [abs(edge.y - nxt.y) for edge, nxt in edges if nxt is not None and round(edge.y) == height]
    return float(height) if gaps and statistics.median(gaps) >= _HEAD_GAP * pitch else None


def strip_running_heads(
    pages: list[list[StyledLine]], pitch: float, body: float
) -> tuple[list[list[StyledLine]], dict[int, int]]:
    """Pages without their running heads and foot lines, and the page numbers those showed (physical, 1-based).

    A line at the running-head height, in type no larger than the text's, goes when it shows a page number or
    its text (digits aside) recurs there on another page; chapter openings without a head keep their first
    line, and a heading at the top of a page is no running head.
    """
    top, foot = _band(pages, True, pitch), _band(pages, False, pitch)

    def at_band(line: StyledLine) -> bool:
        near = any(band is not None and abs(line.y - band) <= 1.5 for band in (top, foot))
        return near and line.size < HEADING_SIZE * body

    banded = [[l for l in page if at_band(l)] for page in pages]
    recurring = Counter(re.sub(r"\d+", "#", l.text) for band in banded for l in band)
    numbers: dict[int, int] = {}
    kept: list[list[StyledLine]] = []
    for i, (page, band) in enumerate(zip(pages, banded)):
        drop = set()
        for line in band:
            number = _page_number(line.text)
            if number is not None or recurring[re.sub(r"\d+", "#", line.text)] > 1:
                drop.add(id(line))
                if number is not None:
                    numbers[i + 1] = number
        kept.append([l for l in page if id(l) not in drop])
    return kept, numbers


def line_pitch(lines: Sequence[StyledLine], body: float) -> float:
    """The usual distance between two baselines of body text."""
    gaps = [
        a.y - b.y
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and a.size == b.size == body and not a.mono and 0 < a.y - b.y < 3 * body
    ]
    return statistics.median(gaps) if gaps else 1.2 * body


def body_size(lines: Sequence[StyledLine]) -> float:
    """The type size most of the (non-code) text is set in."""
    chars: Counter[float] = Counter()
    for l in lines:
        if not l.mono:
            chars[l.size] += len(l.text)
    return chars.most_common(1)[0][0] if chars else 10.0


# -- headings ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark: its title, depth (1 = top), 0-based page, and the height it points at (None: the page)."""

    title: str
    level: int
    page: int
    top: float | None


def outline_entries(reader: PdfReader) -> list[OutlineEntry]:
    """The PDF's bookmarks in order; [] when it has none or they cannot be read."""
    out: list[OutlineEntry] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except (PdfReadError, KeyError, ValueError, TypeError, AttributeError):
                continue
            top = getattr(item, "top", None)
            top = float(top) if isinstance(top, (int, float)) else None
            title = " ".join(str(item.title or "").split())
            if page is not None and page >= 0 and title:
                out.append(OutlineEntry(title, level, page, top))

    try:
        walk(reader.outline, 1)
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError) as e:
        log.info("outline unreadable (%s): headings from the layout", e)
        return []
    return out


@dataclass
class _Found:
    """A heading over lines first..last of one page (indices into that page's lines)."""

    page: int
    first: int
    last: int
    level: int
    title: str
    size: float


def _match_outline(entry: OutlineEntry, lines: list[StyledLine], used: set[int]) -> tuple[int, int] | None:
    """The printed line(s) of a bookmark's heading: near the height it points at, holding its title's words."""
    want = _key(entry.title)
    if not want:
        return None
    start = 0
    if entry.top is not None:
        start = next((i for i, l in enumerate(lines) if l.y <= entry.top + l.size), len(lines))
    for lo, hi in ((start, start + _OUTLINE_WINDOW), (0, len(lines))):
        for i in range(lo, min(hi, len(lines))):
            line = lines[i]
            if i in used or line.mono:
                continue
            have = _key(line.text)
            if want in have and len(have) <= len(want) + _NUMBER_ROOM:
                return i, i
            if len(have) >= 4 and want.startswith(have):
                j = i
                while j + 1 < len(lines) and want.startswith(have) and want not in have:
                    j += 1
                    have += _key(lines[j].text)
                if want in have and len(have) <= len(want) + _NUMBER_ROOM:
                    return i, j
    return None


def _is_candidate(line: StyledLine, body: float, bold_headings: bool) -> bool:
    letters = sum(c.isalpha() for c in line.text)
    if line.mono or letters < 2 or len(line.text) > MAX_HEADING_CHARS or len(line.text.split()) > MAX_HEADING_WORDS:
        return False
    if is_entry(line.text):
        return False
    return line.size >= HEADING_SIZE * body or (bold_headings and line.bold and line.size >= 0.95 * body)


def _wraps(line: StyledLine, nxt: StyledLine, measure: float) -> bool:
    """Whether `nxt` continues a heading that wrapped at the end of `line`: same type, the next baseline, and
    `line` long enough to have reached the margin (`measure`: characters x size of a full line of body text)."""
    same_type = nxt.size == line.size and nxt.bold == line.bold
    return same_type and 0 < line.y - nxt.y <= 1.6 * line.size and len(line.text) * line.size >= _WRAPPED * measure


def _heads_text(pages: list[list[StyledLine]], flags: list[list[bool]], p: int, first: int, last: int) -> bool:
    """Whether the candidate on lines first..last of page p heads some text: body text follows it (on its page
    or at the top of the next) before any candidate set as large, and it is not the second of such a stack.
    A title page's names and addresses stack up with nothing under them."""
    lines = pages[p]
    if first and flags[p][first - 1] and lines[first - 1].size == lines[first].size:
        return False
    following = [(q, k) for q in (p, p + 1) if q < len(pages) for k in range(len(pages[q])) if q > p or k > last]
    for q, k in following:
        if not flags[q][k]:
            return True
        if pages[q][k].size >= lines[first].size:
            return False
    return False


def layout_headings(pages: list[list[StyledLine]], body: float) -> tuple[list[_Found], str]:
    """Headings told by their type, and the document's title (its largest type, used once, on its first page).

    Levels here are sizes; `assign_levels` turns them into depths.
    """
    everything = [l for page in pages for l in page]
    bold_headings = not any(not l.mono and l.size >= HEADING_SIZE * body for l in everything)
    flags = [[_is_candidate(l, body, bold_headings) for l in lines] for lines in pages]
    line_chars = statistics.median([len(l.text) for l in everything if l.size == body] or [80])
    found: list[_Found] = []
    for p, lines in enumerate(pages):
        i = 0
        while i < len(lines):
            if not flags[p][i]:
                i += 1
                continue
            j = i
            while j + 1 < len(lines) and flags[p][j + 1] and _wraps(lines[j], lines[j + 1], line_chars * body):
                j += 1
            if _heads_text(pages, flags, p, i, j):
                title = " ".join(l.text for l in lines[i : j + 1])
                found.append(_Found(p, i, j, 0, title, lines[i].size))
            i = j + 1
    title = ""
    first_page = next((p for p, lines in enumerate(pages) if lines), 0)
    sizes = Counter(f.size for f in found)
    if found:
        largest = max(found, key=lambda f: f.size)
        if largest.page == first_page and sizes[largest.size] == 1:
            title = largest.title
            found.remove(largest)
    return found, title


def assign_levels(found: list[_Found], outline_sizes: dict[float, int]) -> None:
    """Depths for headings told by their type: the outline's depth for a size its bookmarks use; else one
    below the nearest larger size the outline uses; with no outline, the rank of the size (largest = 1)."""
    if not outline_sizes:
        ranks = {s: r for r, s in enumerate(sorted({f.size for f in found}, reverse=True), 1)}
        for f in found:
            f.level = ranks[f.size]
        return
    for f in found:
        if f.size in outline_sizes:
            f.level = outline_sizes[f.size]
        else:
            larger = [s for s in outline_sizes if s > f.size]
            f.level = outline_sizes[min(larger)] + 1 if larger else 1


def find_headings(
    pages: list[list[StyledLine]], entries: list[OutlineEntry], body: float
) -> tuple[list[list[StyledLine]], list[_Found], str]:
    """Headings from the outline (its printed lines; a bookmark with none found gets a line of its own) and
    from the layout around it; pages come back with any such added lines. Also the document's title."""
    pages = [list(p) for p in pages]
    by_page: dict[int, list[OutlineEntry]] = {}
    for e in entries:
        if e.page < len(pages):
            by_page.setdefault(e.page, []).append(e)
    outline: list[_Found] = []
    for p, page_entries in by_page.items():
        used: set[int] = set()
        for e in page_entries:
            span = _match_outline(e, pages[p], used)
            if span is None:  # a bookmark whose heading is not printed as text: its title stands in for it
                at = next((i for i, l in enumerate(pages[p]) if e.top is None or l.y <= e.top), len(pages[p]))
                size = pages[p][at].size if at < len(pages[p]) else body
                pages[p].insert(at, StyledLine(p, 0.0, e.top or 0.0, size, True, False, e.title))
                used = {u + (u >= at) for u in used}
                for f in outline:
                    if f.page == p and f.first >= at:
                        f.first, f.last = f.first + 1, f.last + 1
                span = (at, at)
            used.update(range(span[0], span[1] + 1))
            title = " ".join(l.text for l in pages[p][span[0] : span[1] + 1])
            outline.append(_Found(p, span[0], span[1], e.level, title, pages[p][span[0]].size))
    layout, title = layout_headings(pages, body)
    taken = {(f.page, i) for f in outline for i in range(f.first, f.last + 1)}
    extra = [f for f in layout if not any((f.page, i) in taken for i in range(f.first, f.last + 1))]
    sizes: dict[float, Counter[int]] = {}
    for f in outline:
        sizes.setdefault(f.size, Counter())[f.level] += 1
    assign_levels(extra, {s: c.most_common(1)[0][0] for s, c in sizes.items()})
    found = sorted(outline + extra, key=lambda f: (f.page, f.first))
    for f in found:
        if matter_of_title(f.title) and not is_numbered(f.title):
            f.level = 1  # an index or references list stands on its own, not inside the last chapter
    return pages, found, title


# -- the document -----------------------------------------------------------------------------------------
def _ends_paragraph(a: StyledLine, b: StyledLine | None, pitch: float) -> bool:
    """Whether the layout shows a paragraph end between two consecutive lines of a page."""
    if b is None:
        return False  # the paragraph may go on at the top of the next page: `repair.unwrap` decides
    if b.y > a.y or a.y - b.y > _PARAGRAPH_GAP * pitch or a.mono != b.mono or is_entry(a.text):
        return True
    return b.x > a.x + _INDENT * a.size and a.text[-1:] in ".:!?"


def open_pdf(path: Path, data: bytes) -> PdfReader:
    """A reader over the bytes; IngestError for a PDF that is encrypted with a password."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported ciphers
            opened = 0
        if not opened:
            raise IngestError(path, "encrypted PDF: a password is needed to read it")
    return reader


def read_pdf(path: Path, data: bytes) -> Layout:
    """Lines (running heads dropped), headings and printed pages of a PDF."""
    try:
        reader = open_pdf(path, data)
        raw_pages = [page_lines(page, i) for i, page in enumerate(reader.pages)]
        everything = [l for page in raw_pages for l in page]
        body = body_size(everything)
        pitch = line_pitch(everything, body)
        pages, numbers = strip_running_heads(raw_pages, pitch, body)
        printed = printed_pages(reader, numbers)
        entries = outline_entries(reader)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as e:
        raise IngestError(path, f"malformed PDF: {e}") from None
    if not any(pages):
        raise IngestError(path, "PDF has no extractable text (scanned images need OCR)")
    pages, found, title = find_headings(pages, entries, body)
    lines: list[Line] = []
    offsets: list[int] = []  # index in `lines` of each page's first line
    for page in pages:
        offsets.append(len(lines))
        for k, line in enumerate(page):
            nxt = page[k + 1] if k + 1 < len(page) else None
            lines.append(Line(line.text, line.page + 1, _ends_paragraph(line, nxt, pitch), page_start=k == 0))
    headings = [Heading(offsets[f.page] + f.first, offsets[f.page] + f.last, f.level, None, f.title) for f in found]
    if not entries and not found:
        code = {offsets[p] + k for p, page in enumerate(pages) for k, l in enumerate(page) if l.mono}
        headings = [h for h in detect_headings(lines) if h.first_line not in code]
    for h in headings:  # a heading ends the paragraph before it
        if h.first_line:
            lines[h.first_line - 1] = replace(lines[h.first_line - 1], hard_end=True)
    log.debug("%s: %d lines, %d headings (%d bookmarks)", path, len(lines), len(headings), len(entries))
    return Layout(lines=lines, headings=headings, title=title or (entries[0].title if entries else ""), printed=printed)
