"""Front and back matter: the parts of a book around its text, which answers should not come from.

A title page, copyright notice, table of contents and list of figures stand before the text (front); an index
and a list of references after it (back). They repeat the text's words without saying anything about them:
a contents line "2.1 ASN.1 syntax . . . 2" matches a question about ASN.1 syntax better than the page that
explains it. Each passage is labelled so that retrieval can rank these parts last and answers leave them out.

What marks them, in any document: a heading that names them (in the four languages), the shape of their lines
(an entry followed by dot leaders and a page number), and, in a paged document, standing before the first
heading. A part named "contents" or "index" counts only when its lines have that shape, because a chapter may
carry the name ("МАЗМУНУ", "content", heads a Kyrgyz chapter of the thesis; "Index files" a technical section).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

FRONT, BODY, BACK = "front", "body", "back"

# "2.3 ", "2.3. ", "A.1 ", "B) ", "Appendix A ", "EK B: ", "Приложение А ".
_NUMBERING = re.compile(
    r"^(?:(?:[Aa]ppendix|APPENDIX|Ek|EK|Приложение|ПРИЛОЖЕНИЕ)\s+[A-ZА-Я]\b[.:]?\s*|\d+(?:\.\d+)*\.?\s+"
    r"|[A-Z](?:\.\d+)+\.?\s+|[A-Z][.)]\s+)"
)
_LISTS = frozenset(
    name.strip()
    for name in """contents|table of contents|list of figures|list of tables|list of illustrations|list of listings|
    içindekiler|içindekiler tablosu|şekiller listesi|şekil listesi|tablolar listesi|tablo listesi|
    çizelgeler listesi|содержание|оглавление|список рисунков|список иллюстраций|список таблиц|мазмуну""".split("|")
)
_INDEX_WORDS = frozenset({"index", "dizin", "dizini", "указатель", "индекс"})
_REFERENCES = frozenset(
    name.strip()
    for name in """references|bibliography|works cited|literature cited|kaynakça|kaynaklar|список литературы|литература|
    библиография|библиографический список|адабияттар|колдонулган адабияттар""".split("|")
)
# An entry of a contents list or index: dot leaders then a page number ("Naming . . . . 3", "Giriş.......iv"),
# or a short entry ending in a list of pages ("threads, 1, 14").
_LEADER_ENTRY = re.compile(r"(?:\.\s?){3,}\s*(?:\d{1,4}|[ivxlcdm]{1,7})$", re.IGNORECASE)
_PAGE_LIST_ENTRY = re.compile(r"^[^.!?]{1,80},\s*\d{1,4}(?:\s*[,–-]\s*\d{1,4})*$")
_ENTRY_SHARE = 0.5  # of a part's paragraphs, for it to be a list of entries


def without_number(title: str) -> str:
    """The title without its section number: "2.1 ASN.1 syntax" -> "ASN.1 syntax"."""
    return _NUMBERING.sub("", title.strip()) or title.strip()


def _plain_title(title: str) -> str:
    """The title without its number or punctuation, case-folded ("İ" as "i": casefold() would add a dot)."""
    plain = re.sub(r"[^\w\s]", " ", _NUMBERING.sub("", title.strip())).replace("İ", "i").casefold()
    return " ".join(plain.split())


def _named(title: str) -> tuple[str, bool] | None:
    """(kind, whether its lines must look like entries) for a heading that names front or back matter."""
    plain = _plain_title(title)
    if plain in _LISTS:
        return FRONT, True
    if plain.split()[-1:] and plain.split()[-1] in _INDEX_WORDS:
        return BACK, True
    if plain in _REFERENCES:
        return BACK, False
    return None


def matter_of_title(title: str) -> str | None:
    """FRONT for a heading naming a contents list or list of figures, BACK for an index or references."""
    named = _named(title)
    return named[0] if named else None


def is_numbered(title: str) -> bool:
    """Whether a heading carries a section number ("2.3 Index", "A.1 ..."): then it belongs to its chapter."""
    return bool(_NUMBERING.match(title.strip()))


def is_entry(text: str) -> bool:
    """A line of a contents list or an index: an entry and the page it is on."""
    text = text.strip()
    return bool(_LEADER_ENTRY.search(text) or _PAGE_LIST_ENTRY.match(text))


def _mostly_entries(texts: Sequence[str]) -> bool:
    return bool(texts) and sum(map(is_entry, texts)) >= _ENTRY_SHARE * len(texts)


def matter_kinds(texts: Sequence[str], sections: Sequence[tuple[str, ...]], paged: bool) -> list[str]:
    """FRONT, BODY or BACK for each paragraph (its text and section path), in document order.

    A paragraph is front or back matter when a heading on its path names such a part (a list of contents or
    an index only when most of the part's paragraphs are entries), when its part is such a list without a
    name (front before the first body paragraph, back after), or, in a paged document with headings, when it
    stands before the first heading (title page, copyright).
    """
    parts: dict[tuple[str, ...], list[str]] = {}
    for text, section in zip(texts, sections):
        parts.setdefault(section, []).append(text)
    entries: dict[tuple[str, ...], bool] = {}  # section prefix -> its whole subtree is a list of entries

    def subtree_is_list(prefix: tuple[str, ...]) -> bool:
        if prefix not in entries:
            entries[prefix] = _mostly_entries([t for s, part in parts.items() if s[: len(prefix)] == prefix for t in part])
        return entries[prefix]

    has_headings = any(sections)
    kinds: list[str] = []
    seen_body = False
    for section in sections:
        kind = BODY
        for i, title in enumerate(section):
            named = _named(title)
            if named and (not named[1] or subtree_is_list(section[: i + 1])):
                kind = named[0]
                break
        if kind == BODY and len(parts[section]) >= 3 and _mostly_entries(parts[section]):
            kind = BACK if seen_body else FRONT
        if kind == BODY and paged and has_headings and not section:
            kind = FRONT
        seen_body = seen_body or kind == BODY
        kinds.append(kind)
    return kinds
