"""A PDF page as styled lines: the text pypdf extracts, grouped into lines that keep their position and type.

Structure is read from how a page is set, not from what its text says, so each line keeps what the layout
knows: where it sits, how large and how heavy its type is, and whether it is set in a monospaced face (code,
which is never a heading). pypdf hands its text visitor each piece of text with the matrices in force and the
font; pieces on one baseline, left to right, make a line. The visitor sees text in content-stream order, which
is reading order for the typesetters that write outlines and labels (TeX, DocBook, office suites): the second
column of an index starts a new line, not the tail of a line of the first.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject

_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|^cmbx?\d", re.IGNORECASE)
_MONO_NAME = re.compile(r"mono|monl|courier|consol|menlo|typewriter|^cm(?:sl|i)?tt\d", re.IGNORECASE)
_FIXED_PITCH = 1  # PDF font descriptor flags (PDF 32000-1, 9.8.2)
_FORCE_BOLD = 1 << 18
_BOLD_WEIGHT = 600
# A piece whose baseline is within this share of the type size of the line's belongs to it (sub/superscripts).
_SAME_BASELINE = 0.35


@dataclass(frozen=True)
class StyledLine:
    """One line of a page; `y` is its baseline in points from the bottom of the page, `size` the size of most of
    its characters, `bold`/`mono` whether most of them are set bold or monospaced."""

    page: int  # 0-based physical page
    x: float
    y: float
    size: float
    bold: bool
    mono: bool
    text: str


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def font_style(font: Any) -> tuple[bool, bool]:
    """(bold, monospaced) for a font dictionary: from its descriptor's flags and weight, else from its name."""
    font = _resolve(font) or {}
    name = _SUBSET_TAG.sub("", str(font.get("/BaseFont", "")).lstrip("/"))
    descriptor = _resolve(font.get("/FontDescriptor"))
    if descriptor is None and "/DescendantFonts" in font:
        descendants = _resolve(font["/DescendantFonts"])
        descriptor = _resolve(_resolve(descendants[0]).get("/FontDescriptor")) if descendants else None
    flags = int(_resolve(descriptor.get("/Flags", 0))) if descriptor is not None else 0
    weight = float(_resolve(descriptor.get("/FontWeight", 0))) if descriptor is not None else 0.0
    bold = bool(flags & _FORCE_BOLD) or weight >= _BOLD_WEIGHT or bool(_BOLD_NAME.search(name))
    mono = bool(flags & _FIXED_PITCH) or bool(_MONO_NAME.search(name))
    return bold, mono


@dataclass
class _Piece:
    x: float
    y: float
    size: float
    style: tuple[bool, bool]
    text: str


def _pieces(page: PageObject) -> list[_Piece]:
    pieces: list[_Piece] = []
    styles: dict[int, tuple[bool, bool]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            if pieces and text:
                pieces[-1].text += text  # the space pypdf puts between words
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        key = id(font)
        if key not in styles:
            styles[key] = font_style(font)
        pieces.append(_Piece(x, y, float(size) * scale, styles[key], text))

    page.extract_text(visitor_text=visit)
    return pieces


def _line(page: int, group: list[_Piece]) -> StyledLine | None:
    text = " ".join("".join(p.text for p in group).split())
    if not text:
        return None
    weight: Counter[tuple[float, bool, bool]] = Counter()
    for p in group:
        weight[(round(p.size * 2) / 2, *p.style)] += len(p.text.strip())
    (size, bold, mono), _ = weight.most_common(1)[0]
    return StyledLine(page, group[0].x, group[0].y, size, bold, mono, text)


def page_lines(page: PageObject, index: int) -> list[StyledLine]:
    """The lines of one page in reading order."""
    lines: list[StyledLine] = []
    group: list[_Piece] = []
    for piece in _pieces(page):
        if group:
            last = group[-1]
            same = abs(piece.y - group[0].y) <= _SAME_BASELINE * max(piece.size, group[0].size)
            if same and piece.x >= last.x - 1:
                group.append(piece)
                continue
            line = _line(index, group)
            if line:
                lines.append(line)
        group = [piece]
    if group and (line := _line(index, group)):
        lines.append(line)
    return lines
