"""Front and back matter: named parts, the shape of contents and index lines, text before the first heading."""
from __future__ import annotations

import pytest

from ingest.matter import BACK, BODY, FRONT, is_entry, matter_kinds, matter_of_title


@pytest.mark.parametrize(
    "title,kind",
    [
        ("Table of Contents", FRONT), ("İÇİNDEKİLER", FRONT), ("Содержание", FRONT), ("List of Figures", FRONT),
        ("Concept Index", BACK), ("Function and Data Index", BACK), ("Dizin", BACK), ("Предметный указатель", BACK),
        ("References", BACK), ("KAYNAKÇA", BACK), ("Список литературы", BACK), ("Адабияттар", BACK),
        ("2.3 Index", BACK), ("Index files", None), ("1. Introduction", None), ("Key words", None), ("ÖNSÖZ", None),
    ],
)
def test_named_parts(title: str, kind: str | None) -> None:
    assert matter_of_title(title) == kind


@pytest.mark.parametrize(
    "line,entry",
    [
        ("2 ASN.1 structure handling . . . . . . . . . . . . . . . . 2", True),  # libtasn1's contents
        ("asn1_write_value . . . . . . . . . . . . . . . . . . . . 11", True),  # and its index
        ("GİRİŞ........................................................1", True),
        ("Önsöz ............ iv", True),
        ("threads, 1, 14", True),
        ("Türkiye'nin ihracatı 2019 yılında 1.2 milyar dolara ulaştı.", False),
        ("This happened in 2019", False),
    ],
)
def test_entry_lines(line: str, entry: bool) -> None:
    assert is_entry(line) is entry


def test_kinds_in_a_paged_document() -> None:
    texts = [
        "Libtasn1 manual", "Copyright 2022 Free Software Foundation",  # title page, before any heading
        "1 Introduction . . . . . 1", "2 ASN.1 structure handling . . . . . 2", "3 Utilities . . . . 5",
        "Libtasn1 is the ASN.1 library used by GnuTLS.",
        "Dizin means index in Turkish, and this section is prose.",
        "asn1Coding program . . . . 5", "asn1Parser program . . . . 5",
        "GNOME The GNOME desktop, http://www.gnome.org",
    ]
    sections = [
        (), (), ("Table of Contents",), ("Table of Contents",), ("Table of Contents",), ("1 Introduction",),
        ("2 Index",), ("Concept Index",), ("Concept Index",), ("References",),
    ]
    assert matter_kinds(texts, sections, paged=True) == [
        FRONT, FRONT, FRONT, FRONT, FRONT, BODY, BODY, BACK, BACK, BACK
    ]


def test_a_chapter_named_contents_is_body() -> None:
    """The thesis's Kyrgyz chapter is headed МАЗМУНУ ("contents"); its paragraphs are prose."""
    texts = ["Түркия менен Кыргызстандын ортосундагы мамилелер 1991-жылы башталган."] * 3
    assert matter_kinds(texts, [("МАЗМУНУ",)] * 3, paged=False) == [BODY] * 3


def test_unpaged_text_before_a_heading_is_body() -> None:
    assert matter_kinds(["Giriş paragrafı.", "Bölüm metni."], [(), ("1. Bölüm",)], paged=False) == [BODY, BODY]


def test_unnamed_list_after_the_text_is_back_matter() -> None:
    texts = ["Body text of the chapter.", "alpha, 3", "beta, 7, 9", "gamma, 12"]
    assert matter_kinds(texts, [("1 Text",), ("Terms",), ("Terms",), ("Terms",)], paged=False) == [BODY, BACK, BACK, BACK]
