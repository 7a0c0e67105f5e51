"""parse_document end to end: the thesis's pages, a generated PDF, legacy-encoded files, directories."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ParsedDocument, iter_files, parse_document
from ingest.readers import IngestError
from ingest.stats import chunk_stats, format_stats
from kaynak.config import BUNDLED_CORPUS, Settings

SURVIVING = ("5", "13", "32", "38", "40", "77", "78", "81", "82", "90", "117", "121", "156", "161")


def _last_words_before(corpus: str, number: str) -> str:
    lines = [l.strip() for l in corpus.split("\n") if l.strip()]
    i = lines.index(number)
    return " ".join(lines[i - 1].split())


@pytest.mark.parametrize("number", SURVIVING)
def test_text_before_a_printed_page_number_is_cited_with_it(
    corpus_text: str, thesis: ParsedDocument, number: str
) -> None:
    words = _last_words_before(corpus_text, number)
    at = thesis.text.rindex(words)  # the summaries repeat some sentences of the body
    assert thesis.page_map.page_at(at) == int(number)
    holders = [c for c in thesis.chunks if c.start <= at < c.end]
    assert holders and all(c.page_start <= int(number) <= c.page_end for c in holders)


def test_pages_are_monotonic(thesis: ParsedDocument) -> None:
    pages = [c.page_start for c in sorted(thesis.chunks, key=lambda c: c.start)]
    assert pages == sorted(pages) and pages[0] == 1
    assert thesis.pages >= 170 and thesis.kind == "text" and len(thesis.sha256) == 64


def test_generated_pdf(tmp_path: Path, ttf_font: Path) -> None:
    from fpdf import FPDF

    tr = (
        "Türkiye ile Kırgızistan arasındaki askeri işbirliği 1990’lı yıllarda başlamıştır. "
        "Bu işbirliği eğitim, teçhizat ve ortak tatbikatlarla güçlenmiştir."
    )
    ru = (
        "Сотрудничество Турции с Кыргызстаном в области безопасности началось в девяностые годы. "
        "Оно включает обучение офицеров и поставки техники."
    )
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(ttf_font))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "1. GİRİŞ", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 8, tr, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 8, ru)
    path = tmp_path / "mini.pdf"
    pdf.output(str(path))

    doc = parse_document(path, Settings())
    assert doc.kind == "pdf" and doc.pages == 2
    by_lang = {c.lang: c for c in doc.chunks}
    assert set(by_lang) == {"tr", "ru"}
    assert by_lang["tr"].text == tr and by_lang["tr"].page_start == 1
    assert by_lang["ru"].text == ru and by_lang["ru"].page_start == 2
    assert all(c.section == ("1. GİRİŞ",) for c in doc.chunks)


@pytest.mark.parametrize(
    "text,encoding,lang",
    [
        ("Türkiye ile Azerbaycan arasında 2020’de Tercihli Ticaret Anlaşması imzalanmıştır. Anlaşma güçlüdür.", "cp1254", "tr"),
        ("Турция и Азербайджан подписали соглашение о преференциальной торговле в 2020 году.", "cp1251", "ru"),
    ],
)
def test_legacy_encoded_text_files(tmp_path: Path, text: str, encoding: str, lang: str) -> None:
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.replace("’", "'").encode(encoding))
    doc = parse_document(path, Settings())
    assert [c.text for c in doc.chunks] == [text.replace("’", "'")]
    assert doc.chunks[0].lang == lang and doc.chunks[0].page_start == 1


def test_iter_files_expands_directories(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b.txt", "a.md", "sub/c.pdf", "sub/d.odt", ".hidden/e.txt", ".f.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files = iter_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a.md", "b.txt", "sub/c.pdf", "sub/d.odt"]
    with pytest.raises(IngestError, match="unsupported"):
        parse_document(tmp_path / "sub" / "d.odt", Settings())


def test_stats(thesis: ParsedDocument) -> None:
    stats = chunk_stats(thesis.chunks)
    assert stats["chunks"] == len(thesis.chunks)
    assert set(stats["by_lang"]) == {"tr", "ky", "ru", "en"}
    assert stats["chars"]["p5"] <= stats["chars"]["p50"] <= stats["chars"]["p95"] <= stats["chars"]["max"]
    table = format_stats(stats)
    assert "ky" in table and "p95" in table and "МАЗМУНУ" in table


def test_progress_bar_runs() -> None:
    doc = parse_document(BUNDLED_CORPUS, Settings(), progress=True)
    assert doc.chunks


def test_a_markdown_file_is_titled_by_its_opening_heading(tmp_path: Path) -> None:
    md = tmp_path / "abrikosy.md"
    md.write_text("# Абрикосовое хозяйство Акчаовы\n\n## Введение\n\nОтчёт подготовлен в 2015 году.\n", encoding="utf-8")
    assert parse_document(md, Settings()).title == "Абрикосовое хозяйство Акчаовы"
    txt = tmp_path / "notes.txt"
    txt.write_text("# Not a title in a plain text file\n\nSome text here.\n", encoding="utf-8")
    assert parse_document(txt, Settings()).title == ""
    assert parse_document(BUNDLED_CORPUS, Settings()).title == ""


def test_a_plain_text_file_opening_with_a_title_line_is_titled_by_it(tmp_path: Path) -> None:
    """The title is the document's, not a passage of its own nor the start of the first sentence."""
    report = tmp_path / "poxod.txt"
    report.write_text("Отчёт о походе в ущелье Ала-Арча\n\nПоход клуба состоялся 18–20 июля 2023 года. В походе "
                      "участвовали 9 человек.\n\nМаршрут начался на высоте 2150 метров.\n", encoding="utf-8")
    doc = parse_document(report, Settings())
    assert doc.title == "Отчёт о походе в ущелье Ала-Арча"
    assert doc.chunks[0].text.startswith("Поход клуба") and doc.chunks[0].section == ("Отчёт о походе в ущелье Ала-Арча",)
    sentence = tmp_path / "note.txt"
    sentence.write_text("The meeting is on Tuesday.\n\nBring the report.\n", encoding="utf-8")
    assert parse_document(sentence, Settings()).title == ""
