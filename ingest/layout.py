"""What a reader that understands a format hands the pipeline: lines, the headings among them, printed pages.

Plain text has to be guessed into paragraphs and sections (`repair`, `structure`); HTML, Word and PDF say
where their headings are, so their readers give the pipeline the same lines and headings directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .repair import Line
from .structure import Heading


@dataclass(frozen=True)
class Layout:
    """`lines` in reading order, `headings` pointing into them, the document's own `title` ("" if it has none),
    and for a paged document, `printed`: physical page (`Line.page`) -> (printed number, label or "")."""

    lines: list[Line]
    headings: list[Heading]
    title: str = ""
    printed: dict[int, tuple[int, str]] = field(default_factory=dict)
