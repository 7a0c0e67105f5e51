"""What a question asks for and what the evidence must hold: pure functions, no model."""
from __future__ import annotations

import pytest

from assistant.entities import name_keys
from assistant.question import (
    Scope,
    amounts,
    analyse,
    contradiction,
    counts,
    has_answer_type,
    ordinals,
    scope,
    years_asked,
)
from kaynak.text import digits, name_key, strip_citations


@pytest.mark.parametrize(
    ("question", "lang", "kind"),
    [
        ("Türkiye ile Kazakistan arasındaki anlaşma hangi gün imzalandı?", "tr", "date"),
        ("On what date did Turkey and Azerbaijan sign the agreement?", "en", "date"),
        ("Какова стоимость контракта?", "ru", "numeric"),
        ("What was the cost of the contract?", "en", "numeric"),
        ("Türkiye bu çatışmada neden tavır almadı?", "tr", "why"),
        ("Why did Turkey stay neutral?", "en", "why"),
        ("Tezin danışmanı kimdir?", "tr", "who"),
        ("Türkiye'nin Kazakistan'a atadığı ilk büyükelçi kimdi?", "tr", "who"),
        ("Türkiye'nin Azerbaycan politikası nasıl değerlendirilir?", "tr", "other"),
    ],
)
def test_question_kind(question, lang, kind):
    assert analyse(question, lang).kind == kind


def test_ordinals_in_the_question_are_names_not_values():
    q = analyse("2. Karabağ Savaşı'ndan önceki son tatbikat 2020'de ne zaman yapıldı?", "tr")
    assert q.numbers == frozenset({"2020"})


def test_amounts_skip_ordinals_years_days_and_model_names():
    s = "26 Temmuz 2023'te Su-25 ve F-16 uçakları için 15. Zirvede 8 yeni anlaşma ve 1.050.000 dolar"
    assert amounts(s) == {"8", "1050000"}
    assert amounts("dünyanın en büyük 11’inci silah ihracatçısı, the 3rd largest, 47-е место, 3-орунда") == set()


def test_date_type_needs_a_date_the_question_does_not_already_give():
    q = analyse("1925'te kurulan fabrika ilk ihracatını hangi yıl yaptı?", "tr")
    assert not has_answer_type("Fabrika İstanbul'da 1925'te kurulmuştur.", q)
    assert has_answer_type("Fabrika 1937 yılında ilk ihracatını gerçekleştirmiştir.", q)


def test_money_questions_want_a_sum_of_money():
    q = analyse("TEİ 2023'te ne kadarlık ihracat yaptı?", "tr")
    assert not has_answer_type("TUSAŞ son 5 yılda 2 ülkeye AKSUNGUR ihraç etmiştir.", q)
    assert has_answer_type("2023 yılında 345 milyon dolar ihracat yapmışlardır.", q)
    assert has_answer_type("Som %70 değer kaybetmiştir.", analyse("Som ne kadar değer kaybetti?", "tr"))
    budget = analyse("What is TİKA's annual budget?", "en")  # a budget is a sum, even with no "how much"
    assert budget.kind == "numeric"
    assert not has_answer_type("TİKA 150 ülkede 30 bin proje gerçekleştirmiştir.", budget)
    assert has_answer_type("savunma bütçesi 123 milyon dolar iken", budget)


@pytest.mark.parametrize(
    ("question", "answer", "other"),
    [
        # a rate wants a percentage, not a sum
        ("Som ne kadar değer kaybetti, enflasyon nereye çıktı?", "Som %70 değer kaybetmiştir.",
         "Ticaret hacmi 22.921 milyon dolar olmuştur."),
        ("What share of Turkey's oil needs does the refinery meet?", "ihtiyacının yüzde 25’ini karşılayan rafineri",
         "rafineri 6,3 milyar dolarlık bir yatırımdır"),
        # a length wants a unit of length, not a count
        ("Как называется корвет и какова его длина?", "DEARSAN’dan 92 metre boyunda bir korvet",
         "DEARSAN firmasından 8 farklı tipten 36 adet gemi satın almıştır"),
    ],
)
def test_measured_quantities_want_their_unit(question, answer, other):
    q = analyse(question, "tr")
    assert q.kind == "numeric"
    assert has_answer_type(answer, q)
    assert not has_answer_type(other, q)


def test_a_day_range_is_a_date_not_a_count():
    assert amounts("ilk resmi ziyaretini 8-11 Şubat 1994 tarihlerinde gerçekleştirmiş") == set()
    q = analyse("How many visits did Aliyev pay to Turkey?", "en")
    assert not has_answer_type("Aliyev ilk resmi ziyaretini 8-11 Şubat 1994 tarihlerinde Türkiye’ye gerçekleştirmiştir.", q)


def test_why_questions_want_a_reason():
    q = analyse("Türkiye neden tavır almadı?", "tr")
    assert has_answer_type("Çünkü mesele bir sınır sorunudur.", q)
    assert not has_answer_type("Türkiye'nin tutumu farklıdır.", q)
    # a reason named as a noun, a cause in a case ending, a participle with "için" (but not a bare "için": "for")
    assert has_answer_type("İlk toplantı için İzmir’in seçilmesinin nedeni, rafinerinin temelinin atılmasıdır.", q)
    assert has_answer_type("Mezun töreni sebebiyle Bakü’yü ziyaret etmesi İran tarafından kaygıyla izlenmiştir.", q)
    assert has_answer_type("Türkiye, durumun farklı olduğunu gördüğü için askeri anlaşmalar yapmıştır.", q)
    assert not has_answer_type("Bu toplantı için İzmir seçilmiştir.", q)
    assert has_answer_type("The reason was the refinery.", analyse("Why was İzmir chosen?", "en"))


@pytest.mark.parametrize(
    ("a", "b"),
    [("Tajikistan", "Tacikistan'da"), ("Таджикистан", "Tacikistan"), ("Azerbaijan", "Azerbaycan"), ("Erdogan", "Erdoğan'ın")],
)
def test_name_keys_meet_across_languages(a, b):
    assert name_key(a) == name_key(b)


def test_names_are_matched_across_scripts_and_unknown_names_are_ignored():
    q = analyse("Какие беспилотники Таджикистан купил у Ирана?", "ru").terms
    turkish = name_keys("Tacikistan Mayıs 2022'de İran'dan Ebabil-2 insansız hava araçları satın almıştır.")
    kyrgyz = name_keys("Кыргызстан Түркиядан учкучсуз учуучу аппараттарды сатып алган.")
    known = turkish | kyrgyz
    assert q.names_in(turkish, known) == 1.0
    assert q.names_in(kyrgyz, known) == 0.0
    assert analyse("Who chairs the Ministry of Education?", "en").terms.names_in(kyrgyz, known) == 1.0


def test_a_citations_year_is_not_a_fact_of_the_sentence():
    s = "Demirel döneminde 52 ikili anlaşma yapılmıştır (Limon 2022, 146; T.C. Dışişleri Bakanlığı 2023b, 61-62)."
    assert "2022" not in digits(strip_citations(s)) and "52" in digits(strip_citations(s))
    assert strip_citations("Elçibey dönemi (1992-1993) kısa sürdü.") == "Elçibey dönemi (1992-1993) kısa sürdü."
    q = analyse("Görüşmeler hangi yıl yapıldı?", "tr")
    assert not has_answer_type("Görüşmeler Ankara'da yapılmıştır (Yılmaz 2016, 92).", q)
    assert analyse("2022'de kaç görüşme yapıldı?", "tr").terms.numbers_in(s) == 0.0


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("Tezin Türkçe özetine göre Türkiye ne gösteriyor?", Scope("tr", "özet")),
        ("According to the English summary, how was the research made reliable?", Scope("en")),
        ("Что говорится в аннотации о методах?", Scope("ru")),
        ("Kırgızca özette Manas'tan söz ediliyor mu?", Scope("ky")),
        ("Sonuç bölümünde hangi öneriler var?", Scope("tr", "sonuç")),
        ("What followed the conclusion of the agreement?", None),  # a treaty's conclusion is no chapter
        ("Türkiye ile Azerbaycan ne zaman anlaştı?", None),
    ],
)
def test_a_question_may_name_the_part_it_asks_about(question, part):
    assert scope(question) == part


def test_how_many_wants_a_count_not_a_sum():
    q = analyse("How many investment projects in Uzbekistan were stopped, and what were they worth?", "en")
    assert not has_answer_type("Ticaret hacmi 3.561 milyar dolar, ithalat %6,5 gerileyerek 1,683 milyar dolar olmuştur.", q)
    assert has_answer_type("342 milyon dolar tutarındaki 11 proje de durmuştur.", q)
    assert counts("yüzde 25'ini karşılayan rafineri, 8 bin öğrenci, $5 million, 25% of it") == {"8"}
    # "yüzde kaç" and "kaç dolar" ask for a rate and a sum, not a count
    assert has_answer_type("Rafineri ihtiyacın yüzde 25'ini karşılar.", analyse("Rafineri ihtiyacın yüzde kaçını karşılar?", "tr"))


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("TÜRKPA'nın 2021'den sonraki adı nedir?", (2021, float("inf"))),
        ("What has changed since 2015?", (2015, float("inf"))),
        ("Что изменилось до 2010 года?", (float("-inf"), 2010)),
        ("Ticaret 1992'den 2022'ye ne kadar büyüdü?", (1992, 2022)),
        ("How many troops took part in Winter Exercise-2023?", None),  # a year in a name asks about no year
        ("Türkiye hangi ülkeyle anlaştı?", None),
    ],
)
def test_the_years_a_question_asks_about(question, span):
    assert years_asked(question) == span


def test_a_sentence_about_another_year_or_country_contradicts_the_question():
    budget = analyse("Türkiye'nin 2023 yılı savunma bütçesi ne kadardı?", "tr")
    assert "2022" in contradiction("Kırgızistan 2022 yılında savunma bütçesi 123 milyon dolar iken (Mira 2023a).", budget)
    assert contradiction("Savunma bütçesi 2023 yılında 40 milyar dolardı.", budget) is None
    assert contradiction("Savunma bütçesi 40 milyar dolardı.", budget) is None  # no year: the sentence before may say it
    firms = analyse("Kazakistan'da kaç Türk sermayeli şirket faaliyet gösteriyor?", "tr")
    other = "Özbekistan'da faaliyet gösteren Türk sermayeli işletmelerin sayısı 2.200'e yaklaşmıştır."
    assert contradiction(other, firms) == "Uzbekistan instead of Kazakhstan"
    assert contradiction("Kazakistan ve Özbekistan'da 3.700 şirket vardır.", firms) is None
    # a country every passage names (Turkey, in this thesis) tells nothing apart
    assert contradiction("5 bin Kazak öğrenci okuyor.", analyse("Türkiye'de kaç Kırgız öğrenci okuyor?", "tr"))
    exports = analyse("Türkiye'nin silah ihracatı ne kadar arttı?", "tr")
    sold = "Azerbaycan'ın silah ithalatı 200 milyon dolar artmıştır."
    assert contradiction(sold, exports) and contradiction(sold, exports, ignored=frozenset({"TR"})) is None
    # a date question's own year is context: the answer is another year
    export = analyse("1925'te kurulan fabrika ilk ihracatını hangi yıl yaptı?", "tr")
    assert contradiction("Fabrika 1937 yılında ilk ihracatını gerçekleştirmiştir.", export) is None


@pytest.mark.parametrize(
    ("question", "lang", "flow"),
    [
        ("Türkiye ile Kırgızistan arasındaki ticaret hacmi 2019'da ne kadardı?", "tr", "trade"),
        ("Каким был объём товарооборота между Турцией и Кыргызстаном в 2020 году?", "ru", "trade"),
        ("How much did Baykar export in 2023?", "en", "one-way"),
        ("SIPRI verilerine göre Özbekistan 2022 yılında Türkiye'den kaç dolarlık silah satın aldı?", "tr", "one-way"),
        ("How much did the trade volume and the exports grow in 2020?", "en", None),  # both asked: no constraint
        ("Why did exports fall in 2020?", "en", None),  # not an amount
    ],
)
def test_the_trade_flow_a_question_asks_about(question, lang, flow):
    assert analyse(question, lang).flow == flow


def test_exports_do_not_answer_a_question_about_trade_volume():
    volume = analyse("Каким был объём товарооборота между Турцией и Кыргызстаном в 2020 году?", "ru")
    exports = "2020 yılında Türkiye’nin Kırgızistan’a gerçekleştirdiği ihracat yaklaşık %6 düşerek 417 milyon dolar seviyesine gerilemiştir."
    assert contradiction(exports, volume) == "exports, imports or sales instead of the trade volume"
    both = "2020 yılında ticaret hacmi 900 milyon dolar olmuş, ihracat 417 milyon dolara gerilemiştir."
    assert contradiction(both, volume) is None
    assert contradiction("İki ülke arasında 2020 yılında 417 milyon dolarlık alışveriş yapılmıştır.", volume) is None
    sales = analyse("How much did Baykar export in 2023?", "en")
    assert contradiction("2023 yılında iki ülke arasındaki ticaret hacmi 1 milyar doları aşmıştır.", sales)
    assert contradiction("BAYKAR 2023 yılında 1 miyar 766 milyon dolar ile en fazla ihracat yapan Türk şirketi olmuştur.", sales) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("When was the second meeting of the council held?", {2}),
        ("Konseyin (YDSK) üçüncü toplantısı için Türkiye’ye gelen", {3}),
        ("YDSK 3. toplantısı Ankara'da yapıldı", {3}),
        ("третьего заседания Совета", {3}),
        ("экинчи жолугушуусу", {2}),
        ("dünyanın 11’inci büyük silah ihracatçısı", {11}),
        ("2. Karabağ Savaşı sırasında", set()),  # part of a name
        ("the Second Karabakh War", set()),
        ("EİT'nin 15. Zirvesi", set()),
        ("ilk toplantı", set()),  # the first is said too many ways to count on
    ],
)
def test_ordinals(text, found):
    assert ordinals(text) == found


def test_a_sentence_about_another_of_a_series_contradicts_the_question():
    second = analyse("When and where was the second meeting of the Turkey–Kyrgyzstan High-Level Strategic Cooperation Council held?", "en")
    third = "3 Haziran 2014’te Türkiye-Kırgızistan Yüksek Düzeyli Stratejik İşbirliği Konseyi’nin (YDSK) üçüncü toplantısı için Türkiye’ye gelen Atambayev"
    assert contradiction(third, second) == "the third instead of the second asked about"
    assert contradiction("Konseyin ikinci toplantısı 2012'de Bişkek'te yapılmıştır.", second) is None
    assert contradiction("Konsey 2012'de Bişkek'te toplanmıştır.", second) is None  # says no ordinal: may still answer
