"""Follow-ups read with the question before them (offline), or rewritten by a chat model (the LLM path)."""
from __future__ import annotations

import socket

from assistant.followup import merge, previous_query, standalone_query, substitutions

TR_TRADE = "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2019'da ne kadardı?"
ANSWER = "442 milyon dolar [1]."


def test_a_followup_is_read_after_the_previous_question():
    assert merge("Bu anlaşmayı kimler imzaladı?", "Stratejik Ortaklık Anlaşması nerede imzalandı?") == (
        "Stratejik Ortaklık Anlaşması nerede imzalandı? Bu anlaşmayı kimler imzaladı?"
    )


def test_a_followup_of_numbers_only_takes_the_place_of_the_previous_ones():
    assert merge("ve 2021'de?", TR_TRADE, "tr") == "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2021'de ne kadardı?"
    assert merge("And in 2021?", "What was the trade volume in 2019?", "en") == "What was the trade volume in 2021?"
    # a range is one place; a number of another length (a day, an amount) is not a year's
    assert merge("Peki 2019'da?", "2012-2016 döneminde pazar payı 3 ayda yüzde kaçtı?", "tr") == (
        "2019 döneminde pazar payı 3 ayda yüzde kaçtı?"
    )
    # where the previous question goes on with a word or suffix of its own, the number goes in bare (new user's
    # trial: "Kooperatif 2022'de yılında", "2022-жылы-жылы")
    assert merge("Ya 2022'de?", "Kooperatif 2023 yılında kaç ton bal üretti?", "tr") == (
        "Kooperatif 2022 yılında kaç ton bal üretti?"
    )
    assert merge("Ал эми 2022-жылы?", "2023-жылы боз үй фестивалына канча конок катышкан?", "ky") == (
        "2022-жылы боз үй фестивалына канча конок катышкан?"
    )


def test_a_followups_year_takes_the_place_of_the_whole_date():
    """Not "14 Ekim 2011'de", a date nobody asked about (new user's trial): the day and month go with the year."""
    previous = "Türkiye ile Kırgızistan arasında 14 Ekim 2005'te Ankara'da hangi anlaşma imzalandı?"
    assert merge("Ya 2011'de?", previous, "tr") == "Türkiye ile Kırgızistan arasında 2011'de Ankara'da hangi anlaşma imzalandı?"
    assert merge("2011'de kaç TL verildi?", previous, "tr") == (
        "Türkiye ile Kırgızistan arasında Ankara'da hangi anlaşma imzalandı? 2011'de kaç TL verildi?"
    )
    assert merge("And in 2011?", "What was signed on October 14, 2005 in Ankara?", "en") == "What was signed on 2011 in Ankara?"
    assert "октября" not in merge("А в 2011 году?", "Что было подписано 14 октября 2005 года в Анкаре?", "ru")
    # a year without a month before it is a year alone: the day count stays
    assert merge("Peki 2021'de?", "3 gün süren tatbikat 2019'da nerede yapıldı?", "tr") == (
        "3 gün süren tatbikat 2021'de nerede yapıldı?"
    )


def test_a_followup_that_says_more_keeps_its_words_after_the_previous_question():
    # its numbers give way to the follow-up's, as before
    assert merge("2021'de kaç asker katıldı?", "Tatbikat 2019'da nerede yapıldı?", "tr") == (
        "Tatbikat nerede yapıldı? 2021'de kaç asker katıldı?"
    )
    assert substitutions("Peki kimler imzaladı?", "Anlaşma nerede imzalandı?", "tr") == []


def test_a_followup_name_gives_one_reading_per_name_it_may_replace():
    previous = "Türkiye ile Özbekistan arasındaki Askeri Eğitim Anlaşması ne zaman imzalandı?"
    # the sentence-initial "Türkiye" is too common to be told from a capitalised word; the title is one name
    assert substitutions("Ya Kazakistan?", previous, "tr") == [
        previous.replace("Özbekistan", "Kazakistan"),
        previous.replace("Askeri Eğitim Anlaşması", "Kazakistan"),
    ]
    # a name the previous question already gives changes nothing
    assert substitutions("Ya Özbekistan?", previous, "tr") == []
    # with one place there is one reading, which merge takes; with several merge cannot choose (the engine does)
    assert merge("Ya Kazakistan?", "Özbekistan ne zaman katıldı?", "tr") == "Kazakistan ne zaman katıldı?"
    assert merge("Ya Kazakistan?", previous, "tr") == f"{previous} Ya Kazakistan?"


def test_a_followup_of_names_or_numbers_with_nowhere_to_go_is_read_after_the_previous_question():
    assert substitutions("And in 2021?", "Which drones did Azerbaijan use?", "en") == ["Which drones did Azerbaijan use? And in 2021?"]


def test_a_capital_after_a_question_mark_opens_a_sentence():
    """A reading that already holds two questions ("… imzalandı? Peki kimler imzaladı?"): "Peki" is no name."""
    previous = "Şuşa Beyannamesi ne zaman imzalandı? Peki kimler imzaladı?"
    assert substitutions("Ya Kazakistan?", previous, "tr") == [previous.replace("Şuşa Beyannamesi", "Kazakistan")]


def test_history_holds_the_query_each_turn_used():
    history = [("first", "a"), ("Stratejik Ortaklık Anlaşması nerede imzalandı?", "Bakü [1]")]
    assert previous_query(history) == "Stratejik Ortaklık Anlaşması nerede imzalandı?"
    assert standalone_query("Kim imzaladı?", history, "tr") == "Stratejik Ortaklık Anlaşması nerede imzalandı? Kim imzaladı?"
    assert standalone_query("Kim imzaladı?", [], "tr") == "Kim imzaladı?"


def test_llm_rewrites_when_a_chat_model_is_given():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=["Türkiye ile Azerbaycan arasındaki ticaret hacmi 2019'da ne kadardı?\n"])
    out = standalone_query("Peki Azerbaycan ile?", [(TR_TRADE, ANSWER)], "tr", chat_model=model)
    assert out == "Türkiye ile Azerbaycan arasındaki ticaret hacmi 2019'da ne kadardı?"


def test_llm_failure_falls_back_to_reading_with_the_previous_question():
    from langchain_openai import ChatOpenAI

    with socket.socket() as s:  # a port nobody listens on: a real connection refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = ChatOpenAI(base_url=f"http://127.0.0.1:{port}/v1", model="m", api_key="x", timeout=1, max_retries=0)
    heard = []
    out = standalone_query("Peki Azerbaycan ile?", [(TR_TRADE, ANSWER)], "tr", chat_model=model, on_error=heard.append)
    assert out == TR_TRADE.replace("Kırgızistan", "Azerbaycan") and heard  # one place for the name: read there


def test_llm_empty_reply_falls_back_too():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=[" "])
    out = standalone_query("What about Azerbaijan?", [("What was the trade volume?", "")], "en", chat_model=model)
    assert out == "What was the trade volume? What about Azerbaijan?"


def test_russian_and_kyrgyz_followups_of_a_name():
    """"А что насчёт …?" and "Ал эми …?" say nothing but the name: the language files list their words."""
    ru = "Сколько оружия купил Кыргызстан у Турции в 2022 году?"
    assert substitutions("А что насчёт Казахстана?", ru, "ru")[0] == ru.replace("Кыргызстан", "Казахстана")
    ky = "Кыргызстан 2022-жылы Түркиядан канча курал сатып алган?"
    assert substitutions("Ал эми Казакстан?", ky, "ky")[0] == ky.replace("Кыргызстан", "Казакстан")
