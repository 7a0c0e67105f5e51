"""Language facts come from data files and CLDR: every language has the same sections, and they read questions
and sentences of all four languages."""
from __future__ import annotations

import tomllib

import pytest

from kaynak.lexicon import DATA, KINDS, languages, lexicon


def test_every_language_file_has_the_same_sections():
    files = {lang: tomllib.loads((DATA / f"{lang}.toml").read_text(encoding="utf-8")) for lang in languages()}
    assert set(files) == {"tr", "en", "ru", "ky"}
    for lang, data in files.items():
        assert set(data) == {"function_words", "pointing_words", "asks", "units", "reasons", "parts", "months"}, lang
        assert set(data["asks"]) == set(KINDS), lang
        assert set(data["units"]) == {"money", "percent"}, lang
        assert set(data["parts"]) == set(files["en"]["parts"]), lang
        assert all(data["asks"][k] for k in KINDS) and data["reasons"]["markers"], lang


@pytest.mark.parametrize(
    ("question", "lang", "kind"),
    [
        ("Türkiye ile Kırgızistan arasındaki ticaret hacmi 2019'da ne kadardı?", "tr", "amount"),
        ("Restorasyona ne kadarlık destek verildi?", "tr", "money"),
        ("Türk Konseyi ne zaman kuruldu?", "tr", "date"),
        ("TİKA'nın ilk başkanı kimdi?", "tr", "person"),
        ("İzmir neden seçildi?", "tr", "reason"),
        ("Tezin temel iddiaları nelerdir?", "tr", "summary"),
        ("How many drones did Azerbaijan buy?", "en", "amount"),
        ("What did the contract cost?", "en", "money"),
        ("What share of its arms imports came from Turkey?", "en", "percent"),
        ("When was the agreement signed?", "en", "date"),
        ("Who signed it?", "en", "person"),
        ("Which drones did Azerbaijan use?", "en", "other"),
        ("Сколько стоил контракт?", "ru", "money"),
        ("Когда была подписана декларация?", "ru", "date"),
        ("Почему Туркменистан придаёт значение сотрудничеству?", "ru", "reason"),
        ("Канча келишимге кол коюлган?", "ky", "amount"),
        ("Келишим качан кол коюлган?", "ky", "date"),
    ],
)
def test_what_a_question_asks_for(question, lang, kind):
    assert lexicon(lang).asked_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "lang", "points"),
    [
        ("Bu anlaşmayı kimler imzaladı?", "tr", True),
        ("Onu kim kurdu?", "tr", True),
        ("Türk Konseyi ne zaman kuruldu?", "tr", False),
        ("Who signed it?", "en", True),
        ("How many plots are there?", "en", False),
        ("Кто его подписал?", "ru", True),
        ("Когда был основан Тюркский совет?", "ru", False),
        ("Аны ким кол койгон?", "ky", True),
        ("Түрк Кеңеши качан түзүлгөн?", "ky", False),
    ],
)
def test_words_that_point_back(question, lang, points):
    assert lexicon(lang).points_back(question) is points


def test_months_come_from_cldr_in_every_form():
    assert lexicon("tr").months_in("27 Kasım 2021’de") == {11}
    assert lexicon("ru").months_in("3 марта 1993 года") == {3}
    assert lexicon("ky").months_in("2019-жылдын 14-октябрында") == {10}
    assert lexicon("en").months_in("on 30 October 2017") == {10}
    assert lexicon("en").months_in("the document may be read") == set()  # "may" is not May
    assert lexicon("ky").months_in("2022-жылдын январында") == {1}  # the data file: "ь" gives way to an ending
    assert lexicon("en").months_in("signed on 3 Dec. 2020") == {12}
    assert lexicon("tr").months_in("15 Ara 2020") == {12}


def test_an_abbreviation_or_a_short_name_is_no_word_start():
    """CLDR's "Ara" (Aralık) starts "Arasında" (between), "Mar" starts "Marmara", "May" starts "Mayor": none of
    them names a month."""
    assert lexicon("tr").months_in("İki Ülke Arasında Müttefiklik İlişkileri Hakkında Şuşa Beyannamesi") == set()
    assert lexicon("tr").months_in("Marmara Bölgesi’nde") == set()
    assert lexicon("en").months_in("the Mayor of Baku") == set()


def test_units_and_reasons():
    assert lexicon("tr").writes_unit("342 milyon dolarlık ihracat", "money")
    assert lexicon("en").writes_unit("rose by 22.6%", "percent")
    assert not lexicon("tr").writes_unit("342 proje", "money")
    assert lexicon("tr").gives_reason("ABD'nin silah kısıtlamaları nedeniyle satın alamamaktadır")
    assert lexicon("ru").gives_reason("потому что он был ближе")


def test_word_frequencies_weigh_question_words():
    en = lexicon("en")
    assert en.zipf("the") > 7 > en.zipf("Karabakh")
    ky = lexicon("ky")  # wordfreq has no Kyrgyz: the file's function words count as frequent
    assert ky.zipf("жана") > ky.zipf("Бишкек")
