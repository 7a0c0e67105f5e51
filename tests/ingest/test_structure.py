"""Headings and languages: every numbered heading of the thesis becomes a section, nothing else does."""
from __future__ import annotations

import pytest

from ingest.pipeline import ParsedDocument
from ingest.repair import Line, clean_lines
from ingest.structure import detect_headings, fits_numbering, section_paths, smooth_languages, title_like

EXPECTED_NUMBERS = (
    ["1", "1.1"] + [f"1.1.{i}" for i in range(1, 6)] + ["1.2"] + [f"1.2.{i}" for i in range(1, 6)]
    + ["1.3"] + [f"1.3.{i}" for i in range(1, 6)]
    + ["2", "2.1", "2.2", "2.3", "2.3.1", "2.3.2", "3", "3.1", "3.2"]
)
PARTS = ["ÖNSÖZ", "ÖZET", "МАЗМУНУ", "АННОТАЦИЯ", "SUMMARY", "GİRİŞ", "SONUÇ ve ÖNERİLER"]


def _numbered_sections(doc: ParsedDocument) -> set[str]:
    return {title for c in doc.chunks for title in c.section if title[:1].isdigit()}


def test_every_numbered_heading_is_a_section_and_nothing_else(thesis: ParsedDocument) -> None:
    numbers = sorted({t.split()[0].rstrip(".") for t in _numbered_sections(thesis)})
    assert numbers == sorted(EXPECTED_NUMBERS)


def test_titles_are_normalised_and_complete(thesis: ParsedDocument) -> None:
    titles = _numbered_sections(thesis)
    assert "1.1. Türkiye’nin Türk Dünyası ile Siyasi İlişkileri" in titles
    assert "1.2.4. Türkiye - Kırgızistan Ekonomik İlişkileri" in titles
    assert "3. TÜRK DEVLETLERİYLE ASKERİ VE GÜVENLİK İŞBİRLİKLERİ VE TÜRK DIŞ POLİTİKASI" in titles
    assert "3.2. Türkiye’nin Türk Dünyası ile Askeri ve Güvenlik İşbirliklerinin Türk Dış Politikasındaki Yeri" in titles


def test_section_paths_nest(thesis: ParsedDocument) -> None:
    paths = {c.section for c in thesis.chunks}
    assert (
        "1. TÜRKİYE’NİN TÜRK DÜNYASI İLE İLİŞKİLERİ",
        "1.2. Türkiye’nin Türk Dünyası ile Ekonomik İlişkileri",
        "1.2.4. Türkiye - Kırgızistan Ekonomik İlişkileri",
    ) in paths
    assert {p[0] for p in paths} >= set(PARTS)
    assert all(len(p) == 1 for p in paths if p[0] in PARTS)


@pytest.mark.parametrize(
    "line",
    [
        "339.998 milyon dolara yükselmiştir fakat Türkmenistan’dan ithalatı daha çok artarak",
        "1.050.000 Türk Lirası mali destek verilmiştir. Anlaşmanın 2. maddesi uyarınca bu maddi",
        "2.372 milyar dolara yükselmiştir (Türker 2020, 8). 2018 yılında Özbekistan’dan ithalatı",
        "5. nesil savaş uçağı üreten ülkeler arasına girmiştir. Ayrıca TUSAŞ’ın askeri eğitimler",
        "4. en büyük ticari ortağı olmuştur. 2022’de 3,561 milyar dolar olan Özbekistan-Türkiye",
        "19. yüzyılın sonlarından 20. yüzyılın başlarına kadar geçen sürede sanayileşme ile birlikte",
        "2.Karabağ Savaşı’nda Ermenistan askeri birliklerine çok ciddi hasarlar vermiştir",
        "2. Enerji ve madencilik alanındaki işbirliği çerçevesinde Maden Tetkik Arama (MTA)",
    ],
)
def test_no_false_headings(line: str) -> None:
    lines = [Line("1. GİRİŞ BÖLÜMÜ", 1), Line("Metin burada başlar.", 1), Line(line, 1), Line("devam eder.", 1)]
    assert [h.number for h in detect_headings(lines)] == [(1,)]


def test_numbered_list_inside_a_section_is_not_a_heading() -> None:
    lines = [
        Line("1. TÜRKİYE’NİN TÜRK DÜNYASI İLE İLİŞKİLERİ", 1),
        Line("1.1. Türkiye - Kazakistan Ekonomik İlişkileri", 1),
        Line("Eylem Planı çerçevesinde bazı alt alanlardaki işbirlikleri şunlardır (Gültekin 2012):", 1),
        Line("1. Ticaret ve yatırım alanındaki işbirliği kapsamında “Yatırımların Karşılıklı Teşviki”", 1),
        Line("anlaşmasının yeniden düzenlenmesi.", 1),
        Line("2. Enerji ve madencilik alanındaki işbirliği çerçevesinde Maden Tetkik Arama (MTA)", 1),
        Line("kurumu ile KazGeologia firması arasında çalışmaların artırılması.", 1),
        Line("3. Bölgesel İşbirliği", 1),
        Line("Sanayi bölgeleri oluşturulması.", 1),
    ]
    assert [h.number for h in detect_headings(lines)] == [(1,), (1, 1)]


def test_numbering_and_title_rules() -> None:
    assert fits_numbering((1, 2, 1), (1, 2)) and fits_numbering((1, 3), (1, 2, 5)) and fits_numbering((2,), (1, 3, 5))
    assert not fits_numbering((19,), ()) and not fits_numbering((2,), (2, 3, 2)) and not fits_numbering((1, 2, 3), (1, 2))
    assert title_like("Türkiye - Kırgızistan Ekonomik İlişkileri")
    assert title_like("TÜRKİYE’NİN ASKERİ SANAYİ GÜCÜ")
    assert not title_like("Türkiye ile Kazakistan arasındaki siyasi ilişkiler gelişmiştir")
    assert not title_like("Yüzyılda Birlikte” ortak bildirisi imzalanmıştır.")


def test_sentence_case_headings_that_stand_alone_in_plain_text() -> None:
    """Russian and many English titles do not capitalise their words; blank lines around a numbered line set
    it apart as a heading. Numbered items that are sentences, or that run into the next line, stay text."""
    text = (
        "ПРАВИЛА ГОРОДСКОЙ БИБЛИОТЕКИ\n\n1. Общие положения\n\nБиблиотека открыта с 10:00 до 18:00.\n\n"
        "2. Выдача книг\n\nЧитатель может взять не более пяти книг.\n\n"
        "Правила:\n1. Книги возвращают вовремя\n2. Книги берегут\n\n"
        "3. Читальный зал\n\nВ читальном зале 64 места.\n\n4. Звонки в зале запрещены.\n\nКонец.\n"
    )
    titles = [h.title for h in detect_headings(clean_lines(text))]
    assert titles == ["ПРАВИЛА ГОРОДСКОЙ БИБЛИОТЕКИ", "1. Общие положения", "2. Выдача книг", "3. Читальный зал"]
    running = "Intro text goes here.\n1. Opening hours are posted\nat the door of the hall.\n"
    assert [h.title for h in detect_headings(clean_lines(running))] == []


def test_multi_line_and_page_start_headings() -> None:
    lines = [
        Line("3. TÜRK DEVLETLERİYLE ASKERİ VE GÜVENLİK İŞBİRLİKLERİ VE", 158, page_start=True),
        Line("TÜRK DIŞ POLİTİKASI", 158),
        Line("3.1.Türkiye’nin Artan Askeri Sanayi Gücünün Türk Dünyasındaki Etkisi", 158),
        Line("Türkiye’nin Türk dünyasında yer alan devletler ile gerçekleştirdiği askeri ve güvenlik", 158),
    ]
    before = [Line("1. TÜRKİYE’NİN TÜRK DÜNYASI İLE İLİŞKİLERİ", 156), Line("2. TÜRKİYE’NİN ASKERİ SANAYİ GÜCÜ", 157)]
    hs = detect_headings(before + lines)
    assert [(h.number, h.first_line, h.last_line) for h in hs] == [((1,), 0, 0), ((2,), 1, 1), ((3,), 2, 3), ((3, 1), 4, 4)]
    assert hs[3].title == "3.1. Türkiye’nin Artan Askeri Sanayi Gücünün Türk Dünyasındaki Etkisi"
    paths = section_paths([0, 1, 2, 4, 5], hs)
    assert paths[4] == (hs[2].title, hs[3].title)


def test_parts_languages_all_chunks(thesis: ParsedDocument) -> None:
    expected = {"МАЗМУНУ": "ky", "АННОТАЦИЯ": "ru", "SUMMARY": "en"}
    for chunk in thesis.chunks:
        assert chunk.lang == expected.get(chunk.section[0], "tr"), (chunk.section, chunk.text[:80])
    assert {c.section[0] for c in thesis.chunks} >= set(expected)


def test_short_paragraph_follows_section_majority() -> None:
    texts = [
        "Түркия менен Кыргызстандын ортосундагы аскердик кызматташтык " * 10,
        "NATO Partnership for Peace (PfP) программасы",
        "Turkish Armed Forces Training Programme",
    ]
    sections = [("МАЗМУНУ",)] * 3
    assert smooth_languages(texts, sections, ["ky", "en", "en"]) == ["ky", "ky", "en"]
