"""A Word (.docx) document as lines and headings, read with python-docx.

Word marks a heading by its paragraph style ("Heading 2"; Word keeps built-in style names in English whatever
the interface language) or by an outline level set on the paragraph or its style, so the section path comes
from the document, not from how a line looks. A paragraph in the title style is the document's title, not a
section of it. Tables are read row by row. Word records where it last broke pages; those give page numbers.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from .html_reader import language_code
from .layout import Layout
from .errors import IngestError
from .repair import Line
from .structure import Heading

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_BODY_OUTLINE_LEVEL = 9  # w:outlineLvl 0-8 are heading levels 1-9; 9 means body text


def _outline_level(ppr: etree._Element | None) -> int | None:
    node = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if node is None:
        return None
    value = int(node.get(qn("w:val"), _BODY_OUTLINE_LEVEL))
    return value + 1 if value < _BODY_OUTLINE_LEVEL else 0


def heading_level(paragraph: Paragraph) -> int | None:
    """1-9 for a heading, 0 for the document title, None for body text.

    The paragraph's own outline level wins, then its style chain: a "Heading N" or "Title" style, or a style
    with an outline level (custom heading styles).
    """
    own = _outline_level(paragraph._p.pPr)
    if own is not None:
        return own or None
    style = paragraph.style
    while style is not None:
        m = _HEADING_STYLE.match(style.name or "")
        if m:
            return int(m.group(1))
        if (style.name or "").lower() == "title":
            return 0
        level = _outline_level(style.element.pPr)
        if level is not None:
            return level or None
        style = style.base_style
    return None


def _page_breaks(paragraph: Paragraph, rendered: bool) -> int:
    """Page breaks inside this paragraph: where Word last broke pages, or, if it never recorded that, the
    explicit page breaks."""
    if rendered:
        return len(paragraph._p.xpath(".//w:lastRenderedPageBreak"))
    return len(paragraph._p.xpath('.//w:br[@w:type="page"]'))


def _row_text(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells = [" ".join(c.text.split()) for c in row.cells]
        unique = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]  # merged cells repeat
        if unique:
            rows.append(" | ".join(unique))
    return rows


def read_docx(path: Path, data: bytes) -> Layout:
    """Paragraphs, headings (from styles) and table rows in reading order."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise IngestError(path, f"malformed Word file: {e}") from None
    lang = language_code(document.core_properties.language)
    rendered = bool(document.element.body.xpath(".//w:lastRenderedPageBreak"))
    lines: list[Line] = []
    headings: list[Heading] = []
    titles: list[str] = []
    page = 1
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(Line(row, page, hard_end=True, lang=lang) for row in _row_text(block))
            continue
        text = " ".join(block.text.split())
        level = heading_level(block) if text else None
        if level == 0:
            titles.append(text)
        elif text:
            if level is not None:
                headings.append(Heading(len(lines), len(lines), level, None, text))
            lines.append(Line(text, page, hard_end=True, lang=lang))
        page += _page_breaks(block, rendered)
    title = " ".join((document.core_properties.title or "").split()) or " ".join(titles)
    if not title and headings:
        title = headings[0].title
    log.debug("%s: %d lines, %d headings, %d pages", path, len(lines), len(headings), page)
    return Layout(lines=lines, headings=headings, title=title)
