"""ui.render: Answer / Hit -> HTML, checked without a browser."""
from __future__ import annotations

import re

from kaynak.types import Answer, Chunk, Citation, Hit
from ui import render as R
from ui.app import safe_filename, sniff_problem

TEXT = "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2019'da <1 milyar> dolara & üstüne ulaşmıştır."


def _chunk(text: str = TEXT, lang: str = "tr", page: int = 38, page_end: int | None = None) -> Chunk:
    return Chunk(id="c1", doc_id="thesis", text=text, section=("1. Ekonomi", "1.2.4. Türkiye - Kırgızistan"),
                 page_start=page, page_end=page_end or page, lang=lang, start=0, end=len(text))


def _answer(**kw) -> Answer:
    ch = _chunk()
    s = TEXT.index("<1 milyar>")
    cit = Citation(n=1, chunk=ch, quote="<1 milyar> dolara", start=s, end=s + len("<1 milyar> dolara"))
    base = dict(text="Ticaret hacmi <1 milyar> dolardı [1].", lang="tr", citations=(cit,))
    return Answer(**{**base, **kw})


def test_chip_for_cited_marker_only():
    html = R.answer_text_html("a [1] b [2] c [1, 3]", "u1", cited=[1])
    assert html.count('class="k-chip"') == 1
    assert 'href="#k-src-u1-1"' in html
    assert "\\[2\\]" in html and "\\[1, 3\\]" in html  # unknown markers stay (escaped) text


def test_several_numbers_in_one_marker():
    html = R.answer_text_html("x [1, 2].", "u", cited=[1, 2])
    assert html.count('class="k-chip"') == 2


def test_answer_html_escapes_text():
    html = R.answer_html(_answer(), "u1", "tr")
    assert "&lt;1 milyar&gt;" in html and "<1 milyar>" not in html
    assert 'class="k-chip"' in html


def test_sources_highlight_with_offsets_and_meta():
    html = R.sources_html(_answer(), "u1", "tr", question="<script>alert(1)</script>")
    assert '<mark>&lt;1 milyar&gt; dolara</mark>' in html
    assert 'id="k-src-u1-1"' in html
    assert "s. 38" in html and "thesis" in html and "k-lang-tr" in html
    assert "1 &gt; 1.2.4. Türkiye - Kırgızistan" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&amp; üstüne" in html


def test_page_label_in_interface_language_and_range():
    assert R.page_label(_chunk(lang="tr"), "en") == "p. 38"
    assert R.page_label(_chunk(lang="en"), "tr") == "s. 38"
    assert R.page_label(_chunk(page=3, page_end=4), "en") == "p. 3–4"


def test_highlight_falls_back_to_quote_when_offsets_wrong():
    assert R.highlight("abc def ghi", 50, 60, "def") == "abc <mark>def</mark> ghi"
    assert R.highlight("abc def ghi", 0, 3, "def") == "abc <mark>def</mark> ghi"
    assert R.highlight("a<b", 5, 9, "zzz") == "a&lt;b"  # nothing to mark, still escaped


def test_refusal_notice_and_fallback_label():
    html = R.answer_html(Answer(text="", lang="en", refused=True, reason="no passage <matches>"), "u", "en")
    assert "k-refused" in html and "Not in the document" in html and "&lt;matches&gt;" in html
    html = R.answer_html(_answer(fallback=True, reason="LLM timed out"), "u", "en")
    assert "k-fallback" in html and "Fallback answer" in html and "LLM timed out" in html
    assert "Belgede yok" in R.answer_html(Answer(text="", lang="tr", refused=True), "u", "tr")


def test_refusal_reasons_in_the_turkish_interface():
    refused = Answer(text="", lang="tr", refused=True, reason="the best passage does not answer this question (support 0.21)")
    assert "en iyi pasaj bu soruyu cevaplamıyor (destek 0.21)" in R.answer_html(refused, "u", "tr")
    assert "does not answer this question (support 0.21)" in R.answer_html(refused, "u", "en")
    no_date = Answer(text="", lang="tr", refused=True, reason="the passages found hold no date")
    assert "sorulan tarih yok" in R.answer_html(no_date, "u", "tr")
    unnamed = Answer(text="", lang="tr", refused=True, reason="the passages found do not mention Tacikistan, 2022")
    assert "bulunan pasajlar şunlardan söz etmiyor: Tacikistan, 2022" in R.answer_html(unnamed, "u", "tr")
    down = _answer(fallback=True, reason="LLM endpoint unreachable at http://127.0.0.1:9/v1: connection failed — offline answer shown")
    html = R.answer_html(down, "u", "tr")
    assert "LLM uç noktasına ulaşılamadı: http://127.0.0.1:9/v1: connection failed" in html
    assert "çevrimdışı cevap gösterildi" in html


def test_no_citations_message():
    assert "No sources" in R.sources_html(Answer(text="x", lang="en"), "u", "en")


def test_lookup_columns_escape_and_empty_language():
    hits = {"tr": [Hit(_chunk(), 0.91)], "ky": [], "ru": [Hit(_chunk(lang="ru"), 0.5)]}
    html = R.lookup_html(hits, "en", source=_chunk(lang="ky"))
    assert html.count('class="k-col"') == 3
    assert "--k-ncols:3" in html
    assert "No passages in this language." in html
    assert "&lt;1 milyar&gt;" in html and "<1 milyar>" not in html
    assert "p. 38" in html and "Selected passage" in html


def test_uid_cannot_inject_markup():
    html = R.chip(1, 'x"><script>')
    assert "<script>" not in html and re.search(r'href="#k-src-xscript-1"', html)


def test_safe_filename():
    assert safe_filename("../../x.txt") == "x.txt"
    assert safe_filename("..\\..\\evil.md") == "evil.md"
    assert safe_filename("tez özeti (v2).txt") == "tez özeti _v2_.txt"
    assert safe_filename("...") == ""
    assert safe_filename(".hidden.txt") == "hidden.txt"


def test_sniff(tmp_path):
    binary = tmp_path / "a.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    assert "binary" in sniff_problem(binary, ".txt")
    elf = tmp_path / "b.txt"
    elf.write_bytes(b"\x7fELF" + b"\x00" * 100)
    assert "executable" in sniff_problem(elf, ".txt")
    good = tmp_path / "c.md"
    good.write_text("# Başlık\n\nMetin.\n", encoding="utf-8")
    assert sniff_problem(good, ".md") is None
    fake_pdf = tmp_path / "d.pdf"
    fake_pdf.write_text("hello", encoding="utf-8")
    assert "not a PDF" in sniff_problem(fake_pdf, ".pdf")
