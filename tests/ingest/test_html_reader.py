"""HTML pages: headings give sections, page chrome is dropped by what the markup says it is, text is never lost."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.html_reader import html_items, parse_html
from ingest.pipeline import parse_document
from ingest.readers import IngestError, read_document
from kaynak.config import Settings

PAGE = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" lang="tr-TR"><head><title>2.4. Neden Debian?</title>
<script>var x = "not text";</script><style>p { color: red }</style></head>
<body><div id="banner"><a href="/get">Download the ebook</a></div>
<ul class="docnav top"><li class="previous"><a href="a.html"><strong>Önceki</strong></a></li>
<li class="home">Debian Yöneticisinin El Kitabı</li></ul>
<nav><a href="/">Ana sayfa</a></nav><header><p>Site başlığı</p></header>
<div class="section"><h2 class="title"><a id="x"></a>2.4. Neden Debian Dağıtımı?</h2>
<div class="para">Linux ailesi seçildikten sonra, daha spesifik bir seçenek seçilmelidir.</div>
<div class="para">Sustainability is, thus, essential. <div class="url">→ <a href="https://wiki.debian.org/LTS">https://wiki.debian.org/LTS</a></div> It guarantees updates.</div>
<div class="section"><h3>2.4.1. Ticari ve Topluluk Odaklı Dağıtımlar</h3>
<div class="itemizedlist"><ul><li><div class="para">Bir topluluk dağıtımıdır.</div></li></ul></div>
<div class="sidebar"><div class="titlepage"><p class="title"><strong><em>UYGULAMADA</em> Debian Uzun Vadeli Destek</strong></p></div>
<div class="para">Debian Uzun Vadeli Destek (LTS) projesi 2014'te başladı.</div></div>
<table><tr><th>İşletim sistemi</th><th>Mimari</th></tr><tr><td>VMS</td><td>alpha</td></tr></table>
<pre class="screen">$ apt install debian-handbook</pre>
<div class="toc"><a href="b.html">2.5. Why Debian Bullseye?</a></div>
</div></div>
<footer>© Site</footer><ul class="docnav"><li class="next"><a href="b.html"><strong>Sonraki</strong></a></li></ul>
</body></html>"""


def _items(html: str) -> list[tuple[str, int, str, str]]:
    return list(html_items(parse_html(html)))


def test_headings_paragraphs_and_nothing_of_the_chrome() -> None:
    items = _items(PAGE)
    assert [(k, lvl, t) for k, lvl, t, _ in items if k == "h"] == [
        ("h", 2, "2.4. Neden Debian Dağıtımı?"),
        ("h", 3, "2.4.1. Ticari ve Topluluk Odaklı Dağıtımlar"),
    ]
    texts = [t for k, _, t, _ in items if k == "p"]
    assert texts == [
        "Linux ailesi seçildikten sonra, daha spesifik bir seçenek seçilmelidir.",
        "Sustainability is, thus, essential. → https://wiki.debian.org/LTS It guarantees updates.",
        "Bir topluluk dağıtımıdır.",
        "UYGULAMADA Debian Uzun Vadeli Destek",
        "Debian Uzun Vadeli Destek (LTS) projesi 2014'te başladı.",
        "İşletim sistemi | Mimari",
        "VMS | alpha",
        "$ apt install debian-handbook",
    ]
    everything = " ".join(t for _, _, t, _ in items)
    for chrome in ("not text", "color", "Download the ebook", "Önceki", "Sonraki", "El Kitabı", "Ana sayfa",
                   "Site başlığı", "© Site", "Why Debian Bullseye"):
        assert chrome not in everything


def test_declared_language_is_carried_to_each_paragraph() -> None:
    html = '<html lang="ru-RU"><body><p>Один.</p><div lang="en"><p>Two.</p></div><p xml:lang="tr">Üç.</p></body></html>'
    assert [(t, lang) for _, _, t, lang in _items(html)] == [("Один.", "ru"), ("Two.", "en"), ("Üç.", "tr")]


def test_an_article_keeps_its_own_header() -> None:
    html = "<html><body><header>Menu</header><article><header><h1>Başlık</h1></header><p>Metin.</p></article></body></html>"
    assert [(k, t) for k, _, t, _ in _items(html)] == [("h", "Başlık"), ("p", "Metin.")]


def test_header_and_footer_named_by_class() -> None:
    """Texinfo's pages open with <div class="header"><p>Next: ..., Up: ...</p></div>; a "header" holding the
    page's title is kept."""
    html = (
        '<html><body><div class="header"><p>Next: <a href="b.html">Simple Example</a>, Up: Using libffi</p></div>'
        '<div class="page-header"><h1>2.1 The Basics</h1></div><p>libffi assumes a pointer to the function.</p>'
        '<div id="footer">© 2024</div></body></html>'
    )
    assert [(k, t) for k, _, t, _ in _items(html)] == [("h", "2.1 The Basics"), ("p", "libffi assumes a pointer to the function.")]


def test_text_outside_blocks_is_kept_in_order() -> None:
    html = "<html><body>Giriş metni <b>kalın</b> burada.<h2>Bölüm</h2>Son <i>söz</i>.<p>Paragraf.</p></body></html>"
    assert [(k, t) for k, _, t, _ in _items(html)] == [
        ("p", "Giriş metni kalın burada."), ("h", "Bölüm"), ("p", "Son söz."), ("p", "Paragraf.")
    ]


def test_page_through_the_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "sect.why-debian.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = parse_document(path, Settings())
    assert doc.kind == "html" and doc.title == "2.4. Neden Debian?"
    headings = {"2.4. Neden Debian Dağıtımı?", "2.4.1. Ticari ve Topluluk Odaklı Dağıtımlar"}
    assert all(c.section and set(c.section) <= headings and c.kind == "body" for c in doc.chunks)
    assert {c.lang for c in doc.chunks if "Sustainability" in c.text} == {"en"}
    assert {c.lang for c in doc.chunks if "seçilmelidir" in c.text} == {"tr"}


def test_declared_encoding(tmp_path: Path) -> None:
    path = tmp_path / "eski.htm"
    path.write_bytes('<html><head><meta charset="windows-1254"></head><body><p>Işık ve çiğ.</p></body></html>'.encode("cp1254"))
    assert read_document(path, 10).text == "Işık ve çiğ."


@pytest.mark.parametrize(
    "content,words",
    [
        (b"<html><head><title>x</title></head><body><nav>menu</nav></body></html>", ("no text",)),
        (b'<html><head><meta charset="no-such-codec"></head><body>x</body></html>', ("encoding", "no-such-codec")),
        (b"   ", ("whitespace",)),
    ],
)
def test_unusable_pages_fail_in_one_line(tmp_path: Path, content: bytes, words: tuple[str, ...]) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        read_document(path, 10)
    message = str(err.value)
    assert "\n" not in message and str(path) in message
    assert all(w in message.lower() for w in words), message
