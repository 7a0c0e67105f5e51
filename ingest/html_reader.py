"""An HTML page as lines and headings: h1-h6 give the section path, each block of text is one paragraph.

A web page holds more than its text: navigation, banners, headers and footers repeat on every page of a site,
and scripts and forms are not text at all. They are dropped by what the markup says they are (their tag, ARIA
role or a class/id naming navigation), never by what they contain, so no paragraph of the text is lost to a
guess. Each paragraph keeps the language the markup declares for it (`lang` on it or an ancestor); that is
only a prior, since a translated page often leaves paragraphs in the original language.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from .layout import Layout
from .repair import Line
from .structure import Heading

log = logging.getLogger(__name__)

_DROPPED_TAGS = frozenset(
    "head script style noscript template svg math nav form button select textarea iframe object embed canvas "
    "audio video map dialog".split()
)
_PAGE_CHROME_TAGS = frozenset({"header", "footer"})  # a page's own header and footer, not an article's
_ARTICLE_TAGS = frozenset({"article", "main"})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar", "toolbar"})
# A class or id that names navigation: "nav", "docnav", "navbar", "site-menu", "breadcrumbs", "toc", "pager".
_CHROME_NAME = re.compile(
    r"(?:^|[-_])(?:doc|site|side|top|main|sub|page)?"
    r"(?:nav|navbar|navigation|menu|breadcrumbs?|banner|masthead|pager|pagination|toc|skip-?links?)(?:$|[-_])",
    re.IGNORECASE,
)
# ... and one that names a page's header or footer ("header", "site-footer"), unless it holds a heading (then it is
# the header of an article, with its title).
_PAGE_PART_NAME = re.compile(r"(?:^|[-_])(?:page|site|top|main|bottom)?(?:header|footer)(?:$|[-_])", re.IGNORECASE)
_HEADING = re.compile(r"^h([1-6])$")
_INLINE_TAGS = frozenset(
    "a abbr acronym b bdi bdo big br cite code data del dfn em font i img ins kbd label mark q s samp small span "
    "strike strong sub sup time tt u var wbr".split()
)
_LANG_ATTRIBUTES = ("lang", "xml:lang", "{http://www.w3.org/XML/1998/namespace}lang")  # HTML, XHTML as HTML, XML
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)|<\?xml[^>]+encoding=["']([\w-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def declared_lang(el: etree._Element) -> str:
    """The language an element's own attributes declare ("tr" for lang="tr-TR"), "" for none."""
    return next((language_code(el.get(a)) for a in _LANG_ATTRIBUTES if el.get(a)), "")


def language_code(tag: str | None) -> str:
    """"tr-TR" -> "tr", "ru_RU" -> "ru"; "" for no tag."""
    return re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower() if tag and tag.strip() else ""


def parse_html(text: str) -> etree._Element:
    """The page's element tree; an XML declaration is removed first (lxml refuses one in a decoded string)."""
    return lxml_html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))


def declared_charset(data: bytes) -> str | None:
    """The encoding the page names in a <meta> tag or its XML declaration, if any."""
    m = _DECLARED_CHARSET.search(data[:4096])
    return (m.group(1) or m.group(2)).decode("ascii") if m else None


def _is_dropped(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag or tag in _DROPPED_TAGS:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").lower() in _CHROME_ROLES:
        return True
    if tag in _PAGE_CHROME_TAGS and not any(a.tag in _ARTICLE_TAGS for a in el.iterancestors()):
        return True
    names = [n for n in (el.get("class") or "").split() + [el.get("id") or ""] if n]
    if any(_CHROME_NAME.search(n) for n in names):
        return True
    return any(_PAGE_PART_NAME.search(n) for n in names) and not _has_heading(el)


def _text(el: etree._Element) -> str:
    """All text under `el` (nested blocks read inline, dropped parts left out), whitespace collapsed."""
    parts: list[str] = []

    def gather(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and not _is_dropped(child):
                if child.tag == "br" or child.tag not in _INLINE_TAGS:
                    parts.append(" ")
                gather(child)
                if child.tag not in _INLINE_TAGS:
                    parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    gather(el)
    return " ".join("".join(parts).split())


def _holds_text(el: etree._Element) -> bool:
    """A block whose own text (not only that of nested blocks) is non-empty: a paragraph."""
    if (el.text or "").strip() or any((c.tail or "").strip() for c in el):
        return True
    return any(isinstance(c.tag, str) and c.tag in _INLINE_TAGS and _text(c) for c in el)


def _has_heading(el: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and _HEADING.match(d.tag) for d in el.iterdescendants())


class _Collector:
    """Walks the body in document order and yields ("h", level, text, lang) and ("p", 0, text, lang) items."""

    def __init__(self) -> None:
        self.items: list[tuple[str, int, str, str]] = []
        self._loose: list[str] = []  # inline text outside any block, gathered until the next block starts
        self._loose_lang = ""

    def flush(self) -> None:
        text = " ".join("".join(self._loose).split())
        if text:
            self.items.append(("p", 0, text, self._loose_lang))
        self._loose = []

    def loose(self, text: str | None, lang: str) -> None:
        if text and (text.strip() or self._loose):
            self._loose.append(text)
            self._loose_lang = lang

    def visit(self, el: etree._Element, lang: str) -> None:
        if _is_dropped(el):
            return
        lang = declared_lang(el) or lang
        heading = _HEADING.match(el.tag)
        if heading:
            self.flush()
            title = _text(el)
            if title:
                self.items.append(("h", int(heading.group(1)), title, lang))
            return
        if el.tag == "tr":  # a table row reads as one line: its cells side by side
            self.flush()
            cells = [_text(c) for c in el if isinstance(c.tag, str) and not _is_dropped(c)]
            row = " | ".join(c for c in cells if c)
            if row:
                self.items.append(("p", 0, row, lang))
            return
        block = el.tag not in _INLINE_TAGS
        if block and _holds_text(el) and not _has_heading(el):
            self.flush()
            text = _text(el)
            if text:
                self.items.append(("p", 0, text, lang))
            return
        if block:
            self.flush()
        self.loose(el.text, lang)
        for child in el:
            if isinstance(child.tag, str):
                self.visit(child, lang)
            self.loose(child.tail, lang)
        if block:
            self.flush()


def html_items(root: etree._Element) -> Iterator[tuple[str, int, str, str]]:
    """("h", level, title, lang) and ("p", 0, text, lang) in reading order, page chrome dropped."""
    body = root.find("body")
    page_lang = declared_lang(root)
    collector = _Collector()
    collector.visit(body if body is not None else root, page_lang)
    collector.flush()
    yield from collector.items


def read_html(path: Path, text: str) -> Layout:
    """The page's paragraphs and headings as lines; its <title> as the document title."""
    root = parse_html(text)
    title_el = root.find(".//title")
    title = " ".join(title_el.text_content().split()) if title_el is not None else ""
    lines: list[Line] = []
    headings: list[Heading] = []
    for kind, level, content, lang in html_items(root):
        if kind == "h":
            headings.append(Heading(len(lines), len(lines), level, None, content))
        lines.append(Line(content, 1, hard_end=True, lang=lang))
    log.debug("%s: %d lines, %d headings", path, len(lines), len(headings))
    return Layout(lines=lines, headings=headings, title=title or (headings[0].title if headings else ""))
