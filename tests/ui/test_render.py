"""ui.render: Answer / Hit -> HTML, checked without a browser."""
from __future__ import annotations

import re

import pytest

from kaynak.types import Answer, Chunk, Citation, Hit, Related
from ui import chat
from ui import render as R
from ui.i18n import translator
from ui.messages import library_text
from ui.report import summary_table
from ui.uploads import safe_filename, sniff_problem

EN = translator("en")

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
    assert R.page_label(_chunk(lang="tr"), "ru") == "с. 38"
    assert R.page_label(_chunk(page=3, page_end=4), "ky") == "б. 3–4"
    assert R.page_label(_chunk(page=3, page_end=4), "en") == "p. 3–4"


def test_apostrophe_in_a_bubble_is_not_shown_as_an_entity():
    # the Markdown backslash goes before '#' and '*' of the text, never into the entity of the apostrophe
    assert R.answer_text_html("Türkiye'nin payı #1 *değil*", "u") == r"Türkiye&#x27;nin payı \#1 \*değil\*"


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
    reason = "the passages found do not answer this question (answerability 0.21 < 0.30; least stated: “Tacikistan”)"
    refused = Answer(text="", lang="tr", refused=True, reason=reason)
    html = R.answer_html(refused, "u", "tr")
    assert ">bulunan pasajlar bu soruyu cevaplamıyor (en az karşılanan sözcük: “Tacikistan”)<" in html
    # the model's numbers only in the hover text, as the library wrote them
    assert 'title="the passages found do not answer this question (answerability 0.21 &lt; 0.30;' in html
    assert "0.21" not in re.sub(r'title="[^"]*"', "", html)
    assert ">the passages found do not answer this question (least stated: “Tacikistan”)<" in R.answer_html(refused, "u", "en")
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
    assert safe_filename("tez özeti (v2).txt") == "tez özeti (v2).txt"
    assert safe_filename('a:b*c?"<x>.md') == "a_b_c___x_.md"
    assert safe_filename("CON.txt") == "CON_.txt"  # a reserved device name on Windows
    assert safe_filename("...") == ""
    assert safe_filename(".hidden.txt") == "hidden.txt"


def test_sniff(tmp_path):
    binary = tmp_path / "a.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    assert "binary" in sniff_problem(binary, ".txt", EN)
    elf = tmp_path / "b.txt"
    elf.write_bytes(b"\x7fELF" + b"\x00" * 100)
    assert sniff_problem(elf, ".txt", EN) == "the file is named .txt but holds ELF data, not text"
    assert sniff_problem(elf, ".txt", translator("ru")) == "файл назван .txt, но содержит данные ELF, а не текст"
    png = tmp_path / "e.md"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert sniff_problem(png, ".md", translator("tr")) == "dosyanın adı .md ile bitiyor ama içeriği metin değil, PNG verisi"
    good = tmp_path / "c.md"
    good.write_text("# Başlık\n\nMetin.\n", encoding="utf-8")
    assert sniff_problem(good, ".md", EN) is None
    fake_pdf = tmp_path / "d.pdf"
    fake_pdf.write_text("hello", encoding="utf-8")
    assert "not a PDF" in sniff_problem(fake_pdf, ".pdf", EN)
    assert "PDF эмес" in sniff_problem(fake_pdf, ".pdf", translator("ky"))


def _related(sentence: str = "2019'da ticaret hacmi <450 milyon> dolar oldu.", lang: str = "tr",
             page: int = 41) -> Related:
    text = f"Giriş cümlesi. {sentence} Son cümle."
    ch = Chunk(id=f"r{page}", doc_id="thesis", text=text, section=("2. Ticaret", "2.3. Hacim"), page_start=page,
               page_end=page, lang=lang, start=0, end=len(text))
    return Related(chunk=ch, sentence=sentence, score=0.61)


REFUSED = Answer(text="Belgede yer almıyor.", lang="tr", refused=True, reason="the passages found hold no amount",
                 related=(_related(), _related("Объём торговли вырос.", lang="ru", page=7)))


@pytest.mark.parametrize("lang, title, page", [("en", "Related passages — not an answer", "p. 41"),
                                               ("tr", "İlgili pasajlar — cevap değil", "s. 41"),
                                               ("ky", "Тиешелүү үзүндүлөр — жооп эмес", "б. 41"),
                                               ("ru", "Близкие фрагменты — не ответ", "с. 7")])
def test_refusal_lists_related_passages_apart_from_citations(lang, title, page):
    html = R.sources_html(REFUSED, "u", lang)
    assert title in html and translator(lang)("Not in the document") in html
    assert html.count('class="k-rel"') == 2
    assert 'class="k-src"' not in html and "[1]" not in html  # no citation card, no number to cite it by
    assert page in html and "k-lang-tr" in html and "k-lang-ru" in html and "2 &gt; 2.3. Hacim" in html
    assert '<blockquote class="k-rel-text">2019&#x27;da ticaret hacmi &lt;450 milyon&gt; dolar oldu.</blockquote>' in html
    assert translator(lang)("Related passages are listed under Sources.") in R.answer_html(REFUSED, "u", lang)


def test_related_passages_only_under_a_refusal():
    assert "k-related" not in R.sources_html(_answer(related=(_related(),)), "u", "en")
    plain = Answer(text="", lang="en", refused=True)
    assert "k-related" not in R.sources_html(plain, "u", "en")
    assert "Not in the document" in R.sources_html(plain, "u", "en")
    assert "listed under Sources" not in R.answer_html(plain, "u", "en")


def test_conversation_is_redrawn_in_another_language():
    turns = [("u1", "Ticaret hacmi ne kadardı?", _answer()), ("u2", "Mars görevi ne zaman?", REFUSED)]
    msgs = chat.messages(turns, "ky")
    assert [m["role"] for m in msgs] == ["user", "assistant", "user", "assistant"]
    assert 'class="k-chip"' in msgs[1]["content"] and "Документте жок" in msgs[3]["content"]
    panel = chat.sources_panel(turns, "ky")
    # the newest turn (the refusal and its related passages) open, the older answer folded under its question
    assert panel.index("Тиешелүү үзүндүлөр") < panel.index('<details class="k-old">') < panel.index("б. 38")
    assert chat.history(turns) == [("Ticaret hacmi ne kadardı?", _answer().text),
                                   ("Mars görevi ne zaman?", "Belgede yer almıyor.")]
    assert chat.sources_panel([], "ru") == '<div class="k-empty">Источники появятся здесь вместе с ответом.</div>'


# Reasons as the library writes them (assistant/extractive.py, assistant/llm.py, app/engine.py).
REASONS = [
    "no passage was found",
    "the passages found do not answer this question (answerability 0.21 < 0.30; least stated: “Tajikistan”)",
    "the LLM found no answer in the passages",
    "no LLM configured (llm.base_url and llm.model); no passage was found",
    "the question is 100800 characters long; ask in at most 2000 characters",
    "nothing is ingested yet",
]
ENGLISH = re.compile(r"\b(passages?|found|answer|asked|question|configured|and|ingested|characters|least|stated)\b")


@pytest.mark.parametrize("reason", REASONS)
def test_library_reasons_in_every_interface_language(reason):
    plain = re.sub(r"\(answerability [\d.]+ < [\d.]+; ", "(", reason)  # the model's numbers are not shown
    assert library_text(reason, EN) == plain
    for lang in ("tr", "ky", "ru"):
        shown = library_text(reason, translator(lang))
        assert not ENGLISH.search(shown), (lang, shown)
        assert re.findall(r"\d[\d.]*", shown) == re.findall(r"\d[\d.]*", plain), (lang, shown)  # the data kept


def test_summary_table_headers_in_the_interface_language():
    from evaluation.summary import Summary

    s = Summary(n=3, metrics={"recall@5": {"value": 0.6667, "ci": [0.3, 1.0], "n": 3}},
                latency={"p50": 0.51, "p95": 0.9}, groups={}, counts={})
    table = summary_table(s, translator("ru"))
    assert table["headers"] == ["метрика", "значение", "95% ДИ", "вопросы"]
    assert table["data"] == [["recall@5", 0.667, "[0.300, 1.000]", 3], ["задержка p50 (с)", 0.51, "", 3],
                             ["задержка p95 (с)", 0.9, "", 3]]
