"""Repairs on real damaged lines from the thesis (shared/corpus/README.md lists the damage)."""
from __future__ import annotations

import re

import pytest

from ingest.repair import (
    Line,
    calibrate_pages,
    clean_lines,
    is_page_number,
    join_hyphen,
    page_marker,
    repair,
    unwrap,
)

# Lines 2283-2296 of thesis.txt: the end of GİRİŞ, a surviving page number, a page-start line, chapter 1.
RAW_PAGE_BREAK = (
    "tutarlılığına dikkat edilmiş ve kaynakların birbirleriyle karşılaştırılması yapılarak \n\n"
    "araştırmanın geçerliliği ve güvenirliğinin sağlanması ön planda tutulmuştur.  \n\n\n\n"
    "38 \n\n \n\n"
    "1. TÜRKİYE’NİN TÜRK DÜNYASI İLE İLİŞKİLERİ \n\n"
    "Türkiye’nin Türk dünyası ile ilişkilerinin canlanması, 1991 yılında Sovyetler \n\n"
    "Birliği’nin (SSCB) çöküşüyle aynı zamanda gerçekleşmiştir. \n"
)
# Two pages' worth, so the layout is recognised and the next printed number (39) follows.
RAW_TWO_PAGES = RAW_PAGE_BREAK + RAW_PAGE_BREAK.replace("38 ", "39 ")


def _lines(*texts: str, page: int = 1) -> list[Line]:
    return [Line(t, page) for t in texts]


def test_page_marker() -> None:
    assert page_marker(" 1.1.2. Türkiye - Özbekistan Siyasi İlişkileri ") == (
        True,
        "1.1.2. Türkiye - Özbekistan Siyasi İlişkileri ",
    )
    assert page_marker("             - ticari ilişkilerin geliştirilmesi; ")[0] is False
    assert page_marker("Türkiye ile")[0] is False


def test_page_number_lines() -> None:
    assert is_page_number("156 ")
    assert not is_page_number("339.998 milyon dolara yükselmiştir")
    assert not is_page_number("2.372 milyar dolara")


def test_calibration_by_region() -> None:
    # (page index, printed number) as measured on the thesis: offset 0, then +1, then 0 again.
    points = [(5, 5), (12, 13), (37, 38), (89, 90), (117, 117), (156, 156)]
    printed = calibrate_pages(170, points)
    assert printed[5] == 5 and printed[12] == 13 and printed[37] == 38 and printed[156] == 156
    assert printed[170] == 170 and printed[1] == 1
    assert all(a <= b for a, b in zip(printed[1:], printed[2:]))
    assert calibrate_pages(3, []) == [0, 1, 2, 3]


def test_clean_lines_drops_markers_and_numbers_and_keeps_pages() -> None:
    lines = clean_lines(RAW_TWO_PAGES)
    texts = [l.text for l in lines]
    assert "38" not in texts and "" not in texts
    assert all(t == t.strip() and "  " not in t for t in texts)
    head = texts.index("1. TÜRKİYE’NİN TÜRK DÜNYASI İLE İLİŞKİLERİ")
    assert lines[head - 1].page == 38 and lines[head].page == 39 and lines[head].page_start


@pytest.mark.parametrize(
    "left,right,expected",
    [
        ("sosyo-", "kültürel faaliyetlerdir.", "sosyo-kültürel faaliyetlerdir."),
        ("2007-", "2014 yılları arasında", "2007-2014 yılları arasında"),
        ("Türkiye-", "Özbekistan İş Konseyi", "Türkiye-Özbekistan İş Konseyi"),
        ("(Özbekistan - Kırgızistan, Özbekistan -", "Tacikistan)", "(Özbekistan - Kırgızistan, Özbekistan - Tacikistan)"),
        ("жана 2-", "Карабах согушунда", "жана 2-Карабах согушунда"),
        ("чыр-", "чатактар менен", "чыр-чатактар менен"),
        ("taktik-", "uçuş tatbikatı", "taktik-uçuş tatbikatı"),
        ("işbirli-", "ğinin yolunu", "işbirliğinin yolunu"),  # a true word break: joined word is known
    ],
)
def test_join_hyphen(left: str, right: str, expected: str) -> None:
    vocab = {"sosyo-kültürel", "taktik", "uçuş", "işbirliğinin", "чыр-чатактар"}
    assert join_hyphen(left, right, vocab) == expected


def test_unwrap_joins_wrapped_lines_and_ends_paragraphs() -> None:
    lines = _lines(
        "Bu tür askeri ve güvenlik işbirlikleri aynı zamanda stratejik askeri ilişkilerinin güçlendirilmesine",
        "ve ortak güvenlik kaygılarının giderilmesine de yardımcı olmaktadır.",
        "Bu tez çalışmasında Türkiye’nin Türk Dünyası ile askeri ve güvenlik işbirliğinin, Türkiye’nin",
        "ulusal güvenlik hedefleriyle tutarlı olduğunu göstermek amaçlanmaktadır.",
    )
    paras = unwrap(lines)
    assert [p.text.split()[0] for p in paras] == ["Bu", "Bu"]
    assert paras[0].text.endswith("güçlendirilmesine ve ortak güvenlik kaygılarının giderilmesine de yardımcı olmaktadır.")


def test_unwrap_breaks_on_script_change_and_forced_breaks() -> None:
    lines = _lines("Türkiye ile işbirliği güçlendi.", "Сотрудничество укрепилось.", "Başlık", "Metin devam eder")
    assert len(unwrap(lines, breaks={2, 3})) == 4


def test_repair_tracks_pages_through_offsets() -> None:
    rep = repair(RAW_TWO_PAGES)
    text = rep.text
    assert "\n\n\n" not in text and " \n" not in text
    before = text.index("ön planda tutulmuştur")
    assert rep.page_map.page_at(before) == 38
    assert rep.page_map.page_at(text.index("1. TÜRKİYE’NİN")) == 39
    assert re.search(r"\b38\b", text) is None
