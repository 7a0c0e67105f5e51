"""The Debian Administrator's Handbook (HTML, Debian package debian-handbook): 25 pages in tr-TR, ru-RU and en-US.

The tr and ru editions are partial translations: many paragraphs of a Turkish or Russian page are still in
English. Each check reads the page's HTML directly with lxml, apart from the reader under test: its headings,
its paragraphs (DocBook's <div class="para">), its navigation.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from ingest.pipeline import ParsedDocument, parse_document
from kaynak.config import Settings
from kaynak.text import contains_quote

HANDBOOK_HTML = Path("/usr/share/doc/debian-handbook/html")
LOCALES = {"tr-TR": "tr", "ru-RU": "ru", "en-US": "en"}
LANGUAGE_ACCURACY = 0.99
_WORD = re.compile(r"[^\W\d_]{2,}")
_ADDRESS = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+")
# A paragraph of a Turkish page is English (left untranslated) when this share of its words are words of the
# English edition of the same page.
_ENGLISH_VOCABULARY_SHARE = 0.8


def _page(locale: str, page: str):  # noqa: ANN202
    return lxml_html.document_fromstring((HANDBOOK_HTML / locale / page).read_bytes())


def _norm(text: str) -> str:
    return " ".join(text.split())


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def true_language(text: str, page_lang: str, english_words: set[str]) -> str:
    """The language a passage of a `page_lang` page is written in, from the source: a Russian page's passage is
    Russian if most of its letters are Cyrillic, else English; a Turkish page's is English if nearly all its
    words are words of the English edition of the page, else Turkish. Addresses count for nothing."""
    text = _ADDRESS.sub(" ", text)
    if page_lang == "en":
        return "en"
    if page_lang == "ru":
        letters = [c for c in text if c.isalpha()]
        return "ru" if sum("\u0400" <= c <= "\u04ff" for c in letters) > len(letters) / 2 else "en"
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words:
        return page_lang
    english = sum(w in english_words for w in words) >= _ENGLISH_VOCABULARY_SHARE * len(words)
    return "en" if english else "tr"


@pytest.fixture(scope="module")
def parsed(handbook_pages: list[str]) -> dict[tuple[str, str], ParsedDocument]:
    settings = Settings()
    return {
        (locale, page): parse_document(HANDBOOK_HTML / locale / page, settings, doc_id=f"{locale}/{page}")
        for locale in LOCALES
        for page in handbook_pages
    }


def test_every_section_is_a_heading_of_its_page(parsed: dict[tuple[str, str], ParsedDocument]) -> None:
    for (locale, page), doc in parsed.items():
        headings = {_norm(h.text_content()) for h in _page(locale, page).xpath("//h1|//h2|//h3|//h4|//h5|//h6")}
        assert doc.chunks, (locale, page)
        for chunk in doc.chunks:
            assert chunk.section and set(chunk.section) <= headings, (locale, page, chunk.section)


def test_every_paragraph_is_in_a_chunk(parsed: dict[tuple[str, str], ParsedDocument]) -> None:
    """Nothing of the text is lost: each DocBook paragraph, sidebars included, is inside the chunks."""
    for (locale, page), doc in parsed.items():
        text = _key(" ".join(c.text for c in doc.chunks))
        for para in _page(locale, page).xpath('//div[@class="para"]'):
            assert _key(para.text_content()) in text, (locale, page, _norm(para.text_content())[:80])


def test_navigation_is_not_text(parsed: dict[tuple[str, str], ParsedDocument]) -> None:
    for (locale, page), doc in parsed.items():
        root = _page(locale, page)
        # the banner and the bars' "previous/next" links with their targets' titles ("Önceki3. Genel Yaklaşım");
        # the bare words ("Sonraki", "next") and the book's title may stand in the text too
        links = '//ul[@class="docnav"]/li[@class="previous" or @class="next"]|//*[@id="banner"]'
        chrome = [_norm(e.text_content()) for e in root.xpath(links)]
        text = " ".join(c.text for c in doc.chunks)
        assert chrome and not [c for c in chrome if c in text], (locale, page)


def test_language_of_each_chunk(parsed: dict[tuple[str, str], ParsedDocument]) -> None:
    right = total = 0
    wrong = []
    english: dict[str, set[str]] = {}
    for (locale, page), doc in parsed.items():
        if page not in english:
            english[page] = {w.casefold() for w in _WORD.findall(_page("en-US", page).find("body").text_content())}
        for chunk in doc.chunks:
            want = true_language(chunk.text, LOCALES[locale], english[page])
            total += 1
            right += chunk.lang == want
            if chunk.lang != want:
                wrong.append((locale, page, want, chunk.lang, chunk.text[:80]))
    assert total > 1000 and right >= LANGUAGE_ACCURACY * total, wrong


def test_translations_mix_languages_paragraph_by_paragraph(parsed: dict[tuple[str, str], ParsedDocument]) -> None:
    langs = {loc: Counter(c.lang for (l, _), d in parsed.items() if l == loc for c in d.chunks) for loc in LOCALES}
    assert langs["en-US"].keys() == {"en"}
    assert langs["tr-TR"]["tr"] > langs["tr-TR"]["en"] > 0 and langs["ru-RU"]["ru"] > langs["ru-RU"]["en"] > 0
    assert all(c.kind == "body" for d in parsed.values() for c in d.chunks)


def test_the_follow_up_set_quotes_the_pages(parsed: dict[tuple[str, str], ParsedDocument]) -> None:
    """benchmarks/data/followups_handbook_qa.jsonl is scored by its quotes (any language version of the
    paragraph counts): each conversation has one that stands whole in a passage read from the pages."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "followups_handbook_qa.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    chunks = [c.text for doc in parsed.values() for c in doc.chunks]
    assert len(rows) == 30 and {r["lang"] for r in rows} == {"tr", "ru", "en"}
    unquoted = [r["id"] for r in rows if not any(contains_quote(c, q) for q in r["evidence"] for c in chunks)]
    assert unquoted == []
