"""Sentence boundaries: Turkish abbreviations, ordinals, thousands dots, citations; Cyrillic and English."""
from __future__ import annotations

import pytest

from ingest.sentences import split_sentences


def _split(text: str, lang: str = "tr") -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, lang)]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Ekonomik İşbirliği Teşkilatı’nın 15. Zirvesi için Aşkabat’a gitti. Ziyarette 8 yeni anlaşma imzalandı.",
            2,
        ),
        ("19. yüzyılın sonlarından 20. Yüzyılın başlarına kadar sürdü. Sonra değişti.", 2),
        ("Anlaşmanın 2. maddesi uyarınca 1.050.000 Türk Lirası mali destek verilmiştir. Bu destek arttı.", 2),
        ("İthalat 396.723 milyon dolara çıkmıştır (Kayalı 2018, 165). İthalat hacmi arttı.", 2),
        ("T.C. Dışişleri Bakanlığı açıkladı. Prof. Dr. Nasuh Uslu ve Doç. Dr. Ali Veli vb. kişiler geldi.", 2),
        ("Türk şirketleri (47. ASELSAN, 58. TUSAŞ, 80. ROKETSAN ve 100. ASFAT) listede yer aldı. Bu önemlidir.", 2),
        ("Konu için bkz. Tablo 3. Aynı dönemde (örn. 2020 yılında) A.Ş. kuruldu. Sonuç iyi.", 2),
        ("Recep T. Erdoğan geldi? Evet… “Bu iyi” dedi. (Bu cümle bitti.) Sonra.", 5),
    ],
)
def test_turkish(text: str, expected: int) -> None:
    assert len(_split(text)) == expected, _split(text)


def test_citation_period_ends_the_sentence_not_inside() -> None:
    parts = _split("Fark 305.871 milyon dolar olmuştur (T.C. Ticaret Bakanlığı 2022, 3-4). 2022 yılı farklıdır.")
    assert parts == ["Fark 305.871 milyon dolar olmuştur (T.C. Ticaret Bakanlığı 2022, 3-4).", "2022 yılı farklıdır."]


def test_russian_and_english_abbreviations() -> None:
    assert len(_split("Договор подписан в 2020 г. в Баку, т.е. весной. Затем началось сотрудничество.", "ru")) == 2
    assert len(_split("The U.S. Army, e.g. Mr. Smith, came. Then it ended in 2020. The end!", "en")) == 3


def test_spans_cover_every_word() -> None:
    text = "  Birinci cümle. İkinci cümle!  Üçüncü cümle ve sonu olmayan kuyruk  "
    spans = split_sentences(text)
    assert " ".join(text[a:b] for a, b in spans) == " ".join(text.split())
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)
