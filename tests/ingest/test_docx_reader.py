"""Word documents: heading styles and outline levels give the section path; tables and page breaks are read.

The document is written with python-docx the way Word writes one (styles.xml with built-in heading styles, a
custom style carrying an outline level, a table, a page break), then read back through the pipeline.
"""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ingest.pipeline import parse_document
from ingest.readers import IngestError, read_document
from kaynak.config import Settings

INTRO = (
    "Türkiye ile Kırgızistan arasındaki ilişkiler 1991 yılında Kırgızistan’ın bağımsızlığını ilan etmesiyle "
    "başlamıştır. Türkiye, Kırgızistan’ın bağımsızlığını tanıyan ilk ülke olmuştur."
)
TRADE = (
    "İki ülke arasındaki ticaret hacmi 2019 yılında yaklaşık 900 milyon dolara ulaşmıştır. Türkiye’nin ihracatı "
    "tekstil, makine ve gıda ürünlerinden oluşmaktadır."
)
RU = (
    "Сотрудничество Турции и Кыргызстана в области образования началось в 1992 году. Университет «Манас» "
    "был открыт в Бишкеке в 1995 году."
)


def _outline_style(document: docx.document.Document, name: str, level: int) -> None:
    """A custom paragraph style that Word shows in the navigation pane at `level` (w:outlineLvl counts from 0)."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    style.element.get_or_add_pPr().append(outline)


@pytest.fixture()
def thesis_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Türkiye ve Kırgızistan"
    document.core_properties.language = "tr-TR"
    _outline_style(document, "Bölüm Başlığı", 1)
    document.add_paragraph("Türkiye ve Kırgızistan İlişkileri", style="Title")
    document.add_heading("1. Giriş", level=1)
    document.add_paragraph(INTRO)
    document.add_heading("1.1. Ekonomik İlişkiler", level=2)
    document.add_paragraph(TRADE)
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Yıl", (0, 1): "Ticaret hacmi", (1, 0): "2019", (1, 1): "900 milyon dolar"}.items():
        table.cell(r, c).text = text
    document.add_paragraph("Tablo sonrası not: veriler TÜİK’ten alınmıştır.").runs[0].add_break(WD_BREAK.PAGE)
    document.add_paragraph("2. Eğitim", style="Bölüm Başlığı")
    document.add_paragraph(RU)
    path = tmp_path / "tez.docx"
    document.save(str(path))
    return path


def test_sections_from_heading_styles(thesis_docx: Path) -> None:
    doc = parse_document(thesis_docx, Settings())
    assert doc.kind == "docx" and doc.title == "Türkiye ve Kırgızistan"
    by_text = {c.text: c for c in doc.chunks}
    assert by_text[INTRO].section == ("1. Giriş",)
    assert by_text[INTRO].lang == "tr" and by_text[INTRO].kind == "body"
    trade = next(c for c in doc.chunks if TRADE in c.text)
    assert trade.section == ("1. Giriş", "1.1. Ekonomik İlişkiler")
    assert "Yıl | Ticaret hacmi" in trade.text and "2019 | 900 milyon dolar" in trade.text
    assert by_text[RU].section == ("2. Eğitim",) and by_text[RU].lang == "ru"


def test_title_style_names_the_document(thesis_docx: Path) -> None:
    document = docx.Document(str(thesis_docx))
    document.core_properties.title = ""
    document.save(str(thesis_docx))
    doc = parse_document(thesis_docx, Settings())
    assert doc.title == "Türkiye ve Kırgızistan İlişkileri"
    assert all("İlişkileri" not in c.text for c in doc.chunks if c.text.startswith("Türkiye ve"))


def test_pages_from_page_breaks(thesis_docx: Path) -> None:
    doc = parse_document(thesis_docx, Settings())
    pages = {c.text: c.page_start for c in doc.chunks}
    assert pages[INTRO] == 1 and pages[RU] == 2 and doc.pages == 2


def test_headings_are_not_text(thesis_docx: Path) -> None:
    text = " ".join(c.text for c in parse_document(thesis_docx, Settings()).chunks)
    assert "1.1. Ekonomik İlişkiler" not in text and "2. Eğitim" not in text


@pytest.mark.parametrize(
    "content,words",
    [(b"PK\x03\x04 not really a zip", ("malformed word file",)), (b"plain text, not Word", ("malformed word file",))],
)
def test_broken_word_files_fail_in_one_line(tmp_path: Path, content: bytes, words: tuple[str, ...]) -> None:
    path = tmp_path / "bozuk.docx"
    path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        read_document(path, 10)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    assert all(w in str(err.value).lower() for w in words)


def test_empty_word_file(tmp_path: Path) -> None:
    path = tmp_path / "bos.docx"
    docx.Document().save(str(path))
    with pytest.raises(IngestError, match="no text"):
        read_document(path, 10)
