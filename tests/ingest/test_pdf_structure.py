"""PDF structure read from the PDF itself: outline, type sizes, running heads, page labels.

Generated PDFs (fpdf2, DejaVu fonts) pin each rule down; the real Debian PDFs are measured against the
hand-checked passages of benchmarks/data/pdf_sections.jsonl in test_debian_pdfs.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pdf_structure import label_number
from ingest.pipeline import ParsedDocument, parse_document
from kaynak.config import Settings

INTRO = (
    "Türkiye ile Kırgızistan arasındaki ilişkiler 1991 yılında başlamıştır. Türkiye, Kırgızistan’ın "
    "bağımsızlığını tanıyan ilk ülke olmuştur ve iki ülke arasında çok sayıda anlaşma imzalanmıştır."
)
HISTORY = (
    "İlk büyükelçilik 1992 yılında Bişkek’te açılmıştır. Bu tarihten sonra iki ülke arasında eğitim, kültür "
    "ve ticaret alanlarında kapsamlı bir işbirliği süreci başlamıştır."
)
TRADE = (
    "İki ülke arasındaki ticaret hacmi 2019 yılında yaklaşık 900 milyon dolara ulaşmıştır. Türkiye’nin "
    "ihracatı tekstil, makine ve gıda ürünlerinden oluşmaktadır."
)
CODE = "1. Adım: sudo apt install kirgiz-raporu"
REFERENCE = "Aydın, M. (2019). Türk Dış Politikası ve Orta Asya. Ankara: Nobel Yayınları, s. 45-67."


def _fonts(pdf, ttf_font: Path) -> None:  # noqa: ANN001
    folder = ttf_font.parent
    pdf.add_font("Sans", fname=str(ttf_font))
    pdf.add_font("Sans", style="B", fname=str(folder / "DejaVuSans-Bold.ttf"))
    pdf.add_font("Mono", fname=str(folder / "DejaVuSansMono.ttf"))


def _write(pdf, family: str, style: str, size: float, text: str) -> None:  # noqa: ANN001
    pdf.set_font(family, style, size)
    pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory, ttf_font: Path) -> ParsedDocument:
    """A report without bookmarks: a title page, chapters in larger bold type, a running head with page
    numbers that start counting on the second sheet, code in a monospaced face, references at the end."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font("Sans", "", 9)
                self.cell(0, 8, f"Kırgızistan Raporu    {self.page_no() - 1}", align="R")
                self.ln(14)

    pdf = Report()
    _fonts(pdf, ttf_font)
    pdf.add_page()
    _write(pdf, "Sans", "B", 24, "Kırgızistan Raporu")
    _write(pdf, "Sans", "", 11, "Hazırlayan: Dış İlişkiler Birimi, Ankara 2024")
    pdf.add_page()
    _write(pdf, "Sans", "B", 16, "1. Giriş")
    _write(pdf, "Sans", "", 11, INTRO)
    _write(pdf, "Mono", "", 14, CODE)
    _write(pdf, "Sans", "B", 13, "1.1. Tarihçe")
    _write(pdf, "Sans", "", 11, HISTORY)
    pdf.add_page()
    _write(pdf, "Sans", "B", 16, "2. Ekonomi")
    _write(pdf, "Sans", "", 11, TRADE)
    _write(pdf, "Sans", "B", 16, "Kaynakça")
    _write(pdf, "Sans", "", 11, REFERENCE)
    path = tmp_path_factory.mktemp("pdf") / "rapor.pdf"
    pdf.output(str(path))
    return parse_document(path, Settings())


def _holding(doc: ParsedDocument, text: str):  # noqa: ANN202
    return next(c for c in doc.chunks if text[:60] in c.text)


def test_headings_from_type_size_without_outline(report_pdf: ParsedDocument) -> None:
    assert _holding(report_pdf, INTRO).section == ("1. Giriş",)
    assert _holding(report_pdf, HISTORY).section == ("1. Giriş", "1.1. Tarihçe")
    assert _holding(report_pdf, TRADE).section == ("2. Ekonomi",)


def test_code_is_never_a_heading(report_pdf: ParsedDocument) -> None:
    assert all(CODE not in c.section for c in report_pdf.chunks)
    assert any(CODE in c.text for c in report_pdf.chunks)


def test_running_head_dropped_and_its_numbers_give_pages(report_pdf: ParsedDocument) -> None:
    body = [c for c in report_pdf.chunks if c.kind == "body"]
    assert body and all("Kırgızistan Raporu" not in c.text for c in body)
    assert _holding(report_pdf, INTRO).page_start == 1 and _holding(report_pdf, TRADE).page_start == 2
    assert min(c.page_start for c in report_pdf.chunks) >= 1


def test_title_page_and_references_are_not_body(report_pdf: ParsedDocument) -> None:
    title_page = _holding(report_pdf, "Hazırlayan: Dış İlişkiler Birimi")
    assert title_page.kind == "front" and title_page.section == ()
    references = _holding(report_pdf, REFERENCE)
    assert references.kind == "back" and references.section == ("Kaynakça",)


@pytest.fixture(scope="module")
def manual_pdf(tmp_path_factory: pytest.TempPathFactory, ttf_font: Path) -> ParsedDocument:
    """A manual with bookmarks whose titles leave out the printed numbers, roman page labels on its front
    matter, and one bookmark with no printed heading at all."""
    from fpdf import FPDF

    pdf = FPDF()
    _fonts(pdf, ttf_font)
    pdf.add_page()
    pdf.set_page_label("r")
    _write(pdf, "Sans", "B", 16, "İçindekiler")
    for entry, page in (("1 Giriş", 1), ("1.1 Tarihçe", 1), ("2 Ekonomi", 2)):
        _write(pdf, "Sans", "", 11, f"{entry} . . . . . . . . . . . . . . . . . {page}")
    pdf.add_page()
    pdf.set_page_label("D", label_start=1)
    pdf.start_section("Giriş", level=0)
    _write(pdf, "Sans", "B", 16, "1 Giriş")
    _write(pdf, "Sans", "", 11, INTRO)
    pdf.start_section("Tarihçe", level=1)
    _write(pdf, "Sans", "B", 13, "1.1 Tarihçe")
    _write(pdf, "Sans", "", 11, HISTORY)
    pdf.add_page()
    pdf.start_section("Ekonomi", level=0)
    _write(pdf, "Sans", "", 11, TRADE)
    path = tmp_path_factory.mktemp("pdf") / "kilavuz.pdf"
    pdf.output(str(path))
    return parse_document(path, Settings())


def test_outline_sections_read_as_printed(manual_pdf: ParsedDocument) -> None:
    assert _holding(manual_pdf, INTRO).section == ("1 Giriş",)
    assert _holding(manual_pdf, HISTORY).section == ("1 Giriş", "1.1 Tarihçe")
    assert _holding(manual_pdf, TRADE).section == ("Ekonomi",)  # no printed heading: the bookmark's title


def test_page_labels(manual_pdf: ParsedDocument) -> None:
    contents = _holding(manual_pdf, "1 Giriş . . .")
    assert (contents.page_start, contents.page_label, contents.page_text, contents.kind) == (1, "i", "i", "front")
    assert contents.section == ("İçindekiler",)
    intro, trade = _holding(manual_pdf, INTRO), _holding(manual_pdf, TRADE)
    assert (intro.page_start, intro.page_label, trade.page_start) == (1, "", 2)


@pytest.mark.parametrize(
    "label,physical,number",
    [("T-2", 2, 2), ("iv", 4, 4), ("xiv", 9, 14), ("12", 15, 12), ("Kapak", 3, 3), ("0", 1, 1), ("", 5, 5)],
)
def test_label_numbers(label: str, physical: int, number: int) -> None:
    assert label_number(label, physical) == number
