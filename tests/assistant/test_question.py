"""What a question asks: its numbers (ordinals are names, not values), its years, and the part of the document it
names, found from the document's own headings in each chunk's language."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.question import Part, analyse, part_named
from index.alignment import QueryWords
from kaynak.types import Chunk

LANGS = ("tr", "ky", "ru", "en")
NO_WORDS = QueryWords((), (), np.zeros(0, np.float32), np.zeros((0, 384), np.float32))


def _q(text: str, lang: str = "tr"):
    return analyse(text, lang, np.zeros(384, np.float32), NO_WORDS)


def test_numbers_and_years_of_a_question():
    q = _q("2. Karabağ Savaşı'ndan sonra 2021'de kaç anlaşma imzalandı?")
    assert q.numbers == {"2021"} and q.years == {"2021"} and q.kind == "amount" and q.wants_value
    assert _q("Ekonomik İşbirliği Teşkilatı’nın 15. Zirvesi nerede yapıldı?").numbers == frozenset()
    assert _q("Which drones did Azerbaijan use?", "en").wants_value is False


@pytest.mark.parametrize(
    ("question", "lang", "part"),
    [
        ("Sonuç bölümüne göre Türkiye'nin askeri gücü neden arttı?", "tr", Part("conclusion")),
        ("According to the conclusion, how did military cooperation benefit Kyrgyzstan?", "en", Part("conclusion")),
        ("According to the English summary, what method does the study use?", "en", Part("summary", lang="en")),
        ("Tezin Türkçe özetine göre Azerbaycan ile bağ neyi gösteriyor?", "tr", Part("summary", lang="tr")),
        ("Что говорится в аннотации о роли Турции?", "ru", Part("summary")),
        ("What does chapter 2 say about the defence industry?", "en", Part("chapter", number="2")),
        ("Which Turkish drones did Azerbaijan use?", "en", None),
        ("What did the agreement conclude about the border?", "en", None),
        # a short part name is a word of its own: "ek" (appendix) does not start "ekibi", "ekonomik", "Ekim"
        ("Ek 2'de hangi belgeler var?", "tr", Part("appendix")),
        ("Eklerde hangi tablolar var?", "tr", Part("appendix")),
        ("Falcot'un BT ekibi neden BSD yerine bir Linux sistemi seçti?", "tr", None),
        ("Ekim 2017'deki ziyarette ekonomik ilişkiler nasıl gelişti?", "tr", None),
        ("Girişte tezin amacı nasıl açıklanıyor?", "tr", Part("introduction")),
        ("15 Temmuz darbe girişiminden sonra Türkiye'yi ilk kim ziyaret etti?", "tr", None),
        ("What do the conclusions of the report recommend?", "en", Part("conclusion")),
        ("Что сказано в главе 2 о военной промышленности?", "ru", Part("chapter", number="2")),
        ("Какова главная цель соглашения 2010 года?", "ru", None),
    ],
)
def test_the_part_a_question_names(question, lang, part):
    assert part_named(question, lang, LANGS) == part


def _chunk(section: tuple[str, ...], lang: str) -> Chunk:
    return Chunk("x", "d", "text", section, 1, 1, lang, 0, 4)


def test_a_part_is_found_by_the_chunks_own_headings_in_its_language():
    conclusion = Part("conclusion")
    assert conclusion.admits(_chunk(("SONUÇ ve ÖNERİLER",), "tr"))
    assert conclusion.admits(_chunk(("ЗАКЛЮЧЕНИЕ",), "ru"))
    assert not conclusion.admits(_chunk(("1. TÜRKİYE'NİN TÜRK DÜNYASI İLE İLİŞKİLERİ", "1.1 Siyasi"), "tr"))
    summary = Part("summary", lang="en")
    assert summary.admits(_chunk(("SUMMARY",), "en")) and not summary.admits(_chunk(("ÖZET",), "tr"))
    assert Part("summary").admits(_chunk(("АННОТАЦИЯ",), "ru")) and Part("summary").admits(_chunk(("МАЗМУНУ",), "ky"))
    assert Part("chapter", number="2").admits(_chunk(("2. TÜRKİYE'NİN ASKERİ SANAYİ GÜCÜ", "2.1"), "tr"))
    assert not Part("chapter", number="2").admits(_chunk(("1. TÜRKİYE'NİN İLİŞKİLERİ",), "tr"))
    assert Part("appendix").admits(_chunk(("EK-1: Anlaşmalar",), "tr"))
    assert not Part("appendix").admits(_chunk(("1.2. Türkiye'nin Türk Dünyası ile Ekonomik İlişkileri",), "tr"))


def test_on_the_thesis_the_conclusion_is_its_last_chapter(thesis_engine):
    admitted = {c.section[0] for c in thesis_engine.chunks() if Part("conclusion").admits(c)}
    assert admitted == {"SONUÇ ve ÖNERİLER"}
