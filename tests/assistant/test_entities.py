"""The question's proper names and whether passages mention them: pure functions, no model."""
from __future__ import annotations

from assistant.entities import NameIndex, countries, entities, given_names, titles


def keys(question: str, lang: str) -> set[str]:
    return {e.text for e in entities(question, lang)}


def test_names_not_capitalised_common_words():
    q = "How many agreements did Turkey and Kyrgyzstan sign after Turkish Defence Minister İsmet Yılmaz's visit?"
    assert {"Kyrgyzstan", "İsmet", "Yılmaz"} <= keys(q, "en")
    assert not {"Defence", "Minister"} & keys(q, "en")


def test_country_names_count_however_common():
    assert "Iran" in keys("Which drones did Tajikistan buy from Iran?", "en")  # "iran" is a common English word
    assert "Azerbaycan" in keys("Türkiye ile Azerbaycan hangi yıl anlaştı?", "tr")


def test_kyrgyz_questions_keep_every_capitalised_word():
    # wordfreq has no Kyrgyz list: every capitalised word past the first is a candidate name
    assert keys("Түркия Кыргызстанга канча учкучсуз учуучу аппарат берген?", "ky") == {"Кыргызстанга"}


def test_names_are_found_across_scripts_inflections_and_stems():
    turkish = NameIndex(["Tacikistan Mayıs 2022'de İran'dan Ebabil-2 insansız hava araçları satın almıştır."])
    assert all(turkish.mentions(e) for e in entities("Какие беспилотники Таджикистан купил у Ирана?", "ru"))
    assert NameIndex(["Türkiye - Kırgızistan Sosyo-kültürel İlişkileri"]).mentions(entities("Hangi Kırgız şehri?", "tr")[0])
    kyrgyz = NameIndex(["Кыргызстан Түркиядан учкучсуз учуучу аппараттарды сатып алган."])
    assert not any(kyrgyz.mentions(e) for e in entities("Какие беспилотники Таджикистан купил у Ирана?", "ru"))


def test_a_short_name_is_not_a_stem_of_a_longer_one():
    (anka,) = entities("Hangi ülkeler ANKA satın aldı?", "tr")
    assert not NameIndex(["Ankara'da imzalanan anlaşma"]).mentions(anka)


def test_an_acronym_is_found_spelled_out():
    (eit, _) = entities("Erdoğan EİT zirvesi için Aşkabat'a ne zaman gitti?", "tr")
    assert eit.text == "EİT"
    assert NameIndex(["Ekonomik İşbirliği Teşkilatı’nın 15. Zirvesi için 27 Kasım 2021’de"]).mentions(eit)
    assert not NameIndex(["Türk Devletleri Teşkilatı’nın zirvesi"]).mentions(eit)


def test_an_adjective_finds_its_country_spelled_the_other_way():
    turkish = NameIndex(["Özbekistan ile Azerbaycan arasında imzalanan anlaşma"])
    assert all(turkish.mentions(e) for e in entities("When did the Uzbek and Azeri sides sign it?", "en"))


def test_titles_are_names_made_of_common_words():
    q = "When did Turkey's Ministry of National Education and Kyrgyzstan's Ministry of Education and Science sign it?"
    assert titles(q, "en") == ("Turkey's Ministry of National Education", "Kyrgyzstan's Ministry of Education and Science")
    assert titles("On what date did Turkey and Azerbaijan sign their Defence Industry Cooperation Agreement?", "en") == (
        "Defence Industry Cooperation Agreement",
    )


def test_names_alone_months_and_sentence_starts_make_no_title():
    text = "Gerçekte Türkmenistan tarafsızdır. Erdoğan 6 Kasım’da Türkmenistan’a gitti; Azerbaycan ile Türkiye ve Kırgızskaya Respublika"
    assert titles(text, "tr") == ()
    assert titles("Bu çerçevede “Savunma Sanayi İşbirliği Anlaşması” imzalanmıştır.", "tr") == ("Savunma Sanayi İşbirliği Anlaşması",)


def test_countries_are_one_code_in_every_language_and_form():
    assert countries("Kazakistan'da, Kazakhstan, Казахстана, Kazakh firms") == {"KZ"}
    assert countries("Kırgız öğrenciler Кыргызстанга gitti; Uzbek and Türkmen sides") == {"KG", "UZ", "TM"}
    assert countries("Türkiye, Turkey, Түркия, Турции and Турцией") == {"TR"}


def test_a_country_is_its_name_not_a_word_spelled_near_it():
    # `_is_country` takes near spellings for names; naming a country is stricter: not Åland, Angola or a region
    assert not countries("Yüksek Düzeyli Stratejik İşbirliği Konseyi, Ankara'da, Askeri Eğitim Alanında")
    assert not countries("2. Karabağ Savaşı ve Orta Asya, Africa, Europe")


def test_a_given_name_is_the_name_before_another():
    q = "What did Defence Minister İsmet Yılmaz sign in Bishkek with Abdullah Gül and Kyrgyzstan?"
    pairs = [(a.text, b.text) for a, b in given_names(q, entities(q, "en"))]
    assert pairs == [("İsmet", "Yılmaz"), ("Abdullah", "Gül")]
    assert not given_names("Which drones did Tajikistan buy from Iran?", entities("Which drones did Tajikistan buy from Iran?", "en"))


def test_a_country_is_found_by_what_it_is_not_how_it_is_spelled():
    # Russian "Турции" and Turkish "Türkiye" share no spelling; both are TR
    (azerbaijan, turkey) = entities("Сколько беспилотников Азербайджан купил у Турции?", "ru")
    turkish = NameIndex(["Azerbaycan Türkiye’den 200 milyon lira değerinde silah almıştır."])
    assert turkish.mentions(azerbaijan) and turkish.mentions(turkey)
    assert not NameIndex(["Kırgızistan silah almıştır."]).mentions(turkey)


def test_a_document_knows_a_name_it_writes_as_a_name():
    # "Tbilisi" is spelled near "bilişim" (informatics), which is no name: a text that only says that does not
    # know Tbilisi
    (_, tbilisi) = entities("How long is the Baku–Tbilisi pipeline?", "en")
    assert not NameIndex(["Bilgi ve bilişim teknolojileri"], capitalised=True).mentions(tbilisi)
    assert NameIndex(["Bakü-Tbilisi-Ceyhan boru hattı"], capitalised=True).mentions(tbilisi)
