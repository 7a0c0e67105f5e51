"""Which kinds of value a sentence states, in the four languages, on sentences of the thesis."""
from __future__ import annotations

import pytest

from assistant.values import amounts, holds, stems, years


def test_amounts_skip_ordinals_years_days_and_model_names():
    s = "Ekonomik İşbirliği Teşkilatı’nın 15. Zirvesi için 27 Kasım 2021’de Aşkabat’a resmi ziyarette bulunan"
    assert amounts(s, "tr") == set()
    assert amounts("Su-25 savaş uçaklarının modernizasyonu için 26 Temmuz 2023 tarihinde", "tr") == set()
    assert amounts("Bayraktar TB2 SİHA 33 ülke tarafından satın alınırken", "tr") == {"33"}
    assert amounts("8-11 Şubat tarihleri arasında 5 bin askerin katılımıyla", "tr") == {"5"}
    assert amounts("1992’den beri toplam 1.205 sosyal proje gerçekleştirmiştir", "tr") == {"1205"}
    assert amounts("on 3 March 1993 twelve officers", "en") == set()
    assert amounts("3 марта 1993 года 12 человек", "ru") == {"12"}


def test_a_citations_year_is_not_a_fact_of_the_sentence():
    assert years("Türkiye bu anlaşmayı imzalamıştır (Limon 2022, 146).") == set()
    assert years("2017 yılında imzalanmıştır (Limon 2022, 146).") == {"2017"}
    assert years("Bu anlaşma (“Haydar Aliyev Mirası” Uluslararası Online Kütüphane 2024) imzalandı.") == set()


def test_a_parenthesis_that_names_no_source_keeps_its_year():
    assert years("The numbers (from April 2021) regarding our mailing lists speak for themselves") == {"2021"}
    assert years("The first edition (in 2004) was the first French-language book on Debian.") == {"2004"}
    assert years("Соглашение (подписано в 2010 году) вступило в силу.") == {"2010"}


@pytest.mark.parametrize(
    ("kind", "sentence", "lang", "held"),
    [
        ("money", "Türkiye’den 200 milyon lira değerinde askeri teçhizat satın almıştır", "tr", True),
        ("money", "iki ülke arasında 8 yeni işbirliği anlaşması imzalanmıştır", "tr", False),
        ("percent", "Azerbaycan’ın toplam silah ithalatının yüzde 2,9’unu karşılamıştır", "tr", True),
        ("percent", "Türkiye 18. sırada yer almaktadır", "tr", False),
        ("date", "Demiryolu hattının 30 Ekim 2017 tarihinde faaliyete geçmesiyle", "tr", True),
        ("date", "taşınması ortalama 40-45 gün sürmekteydi (Beşirov 2018, 12)", "tr", False),
        ("amount", "Zirveye 6 Türk devletinden en üst düzeyde katılım sağlanmıştır", "tr", True),
        ("person", "Recep Tayyip Erdoğan Aşkabat’a resmi ziyarette bulunmuştur", "tr", True),
        ("reason", "ABD’nin silah kısıtlamaları nedeniyle Batı menşeli uçakları alamamaktadır", "tr", True),
        ("reason", "The agreement was signed in Baku.", "en", False),
        ("other", "Anything at all.", "en", True),
    ],
)
def test_a_sentence_holds_the_kind_of_value_asked(kind, sentence, lang, held):
    assert holds(kind, sentence, lang) is held


def test_a_number_the_question_already_gives_is_no_answer():
    s = "2019 yılında Türkiye ile 8 anlaşma imzalanmıştır"
    assert holds("amount", s, "tr", frozenset({"8"})) is False
    assert holds("date", s, "tr", frozenset({"2019"})) is False


def test_a_name_the_question_already_gives_is_no_answer_to_who():
    """Only a name the question does not give answers "who": "Blue Ridge" in the question, "Harold Finch" not;
    a case ending does not make the question's own name new ("Konseyi'ni" / "Konseyi’nin")."""
    asked = stems("Who built the main telescope of the Blue Ridge Observatory?".rstrip("?").split())
    assert holds("person", "The Blue Ridge Observatory was opened in 1987.", "en", frozenset(), asked) is False
    assert holds("person", "It was built by the engineer Harold Finch.", "en", frozenset(), asked) is True
    asked = stems("Türk Konseyi'ni kim kurdu".split())
    assert holds("person", "Türk Konseyi’nin merkezi İstanbul olarak belirlenmiştir.", "tr", frozenset(), asked) is False
