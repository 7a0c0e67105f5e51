"""Follow-up questions made standalone: the offline rule in Turkish and English (plus Russian), and the LLM path."""
from __future__ import annotations

import socket

import pytest

from assistant.followup import _harmonize, is_followup, rule_rewrite, standalone_query

TR_TRADE = "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2019'da ne kadardı?"
EN_TRADE = "What was the trade volume between Turkey and Kyrgyzstan in 2019?"
ANSWER = "442 milyon dolar [1]."


@pytest.mark.parametrize(
    "question,expected",
    [
        ("Peki Azerbaycan ile?", "Türkiye ile Azerbaycan arasındaki ticaret hacmi 2019'da ne kadardı?"),
        ("Ya Özbekistan?", "Türkiye ile Özbekistan arasındaki ticaret hacmi 2019'da ne kadardı?"),
        ("Peki Kazakistan'la?", "Türkiye ile Kazakistan arasındaki ticaret hacmi 2019'da ne kadardı?"),
        ("Peki 2020'de?", "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2020'de ne kadardı?"),
        ("Peki 2010'da Azerbaycan ile?", "Türkiye ile Azerbaycan arasındaki ticaret hacmi 2010'da ne kadardı?"),
    ],
)
def test_turkish_followup_swaps_the_entity_or_year(question, expected):
    assert standalone_query(question, [(TR_TRADE, ANSWER)], "tr") == expected


@pytest.mark.parametrize(
    "question,expected",
    [
        ("What about Azerbaijan?", "What was the trade volume between Turkey and Azerbaijan in 2019?"),
        ("And Uzbekistan?", "What was the trade volume between Turkey and Uzbekistan in 2019?"),
        ("And in 2020?", "What was the trade volume between Turkey and Kyrgyzstan in 2020?"),
    ],
)
def test_english_followup_swaps_the_entity_or_year(question, expected):
    assert standalone_query(question, [(EN_TRADE, "442 million dollars [1].")], "en") == expected


def test_turkish_suffix_is_kept_in_vowel_harmony():
    prev = "Kırgızistan'ın Türkiye'den en çok ithal ettiği sektörler nelerdir?"
    assert rule_rewrite("Peki Azerbaycan?", prev) == "Azerbaycan'ın Türkiye'den en çok ithal ettiği sektörler nelerdir?"
    prev = "Türkiye'nin Özbekistan'a ihracatı ne kadardı?"
    assert rule_rewrite("Ya Kazakistan?", prev) == "Türkiye'nin Kazakistan'a ihracatı ne kadardı?"
    prev = "Türkiye'nin Kırgızistan'da kaç şirketi var?"
    assert rule_rewrite("Peki Azerbaycan'da?", prev) == "Türkiye'nin Azerbaycan'da kaç şirketi var?"


@pytest.mark.parametrize(
    "stem,suffix,expected",
    [("Türkiye", "a", "ye"), ("Türkiye", "ın", "nin"), ("Azerbaycan", "nin", "ın"), ("Özbekistan", "de", "da"),
     ("Türkiye", "dan", "den"), ("Türkiye", "la", "yle"), ("Bişkek", "da", "te"), ("Ankara", "yı", "yı"),
     ("dokuz", "de", "da"), ("yirmi", "da", "de")],
)
def test_harmonize(stem, suffix, expected):
    assert _harmonize(stem, suffix) == expected


def test_followup_without_a_name_carries_the_previous_content_words():
    out = standalone_query("Peki bunun nedeni neydi?", [(TR_TRADE, ANSWER)], "tr")
    assert out.startswith("Peki bunun nedeni neydi?")
    for w in ("Türkiye", "Kırgızistan", "ticaret", "hacmi", "2019"):
        assert w in out
    out = standalone_query("Why did it fall?", [(EN_TRADE, "")], "en")
    assert out.startswith("Why did it fall?") and "Kyrgyzstan" in out and "trade" in out and "2019" in out


def test_chains_of_followups_resolve_through_the_history():
    history = [(TR_TRADE, ANSWER), ("Peki Azerbaycan ile?", "6 milyar dolar [2].")]
    assert standalone_query("Ya Kazakistan?", history, "tr") == (
        "Türkiye ile Kazakistan arasındaki ticaret hacmi 2019'da ne kadardı?"
    )


def test_russian_followup_takes_the_new_name_as_written():
    prev = "Какой был объём торговли между Турцией и Киргизией в 2019 году?"
    assert standalone_query("А с Азербайджаном?", [(prev, "")], "ru") == (
        "Какой был объём торговли между Турцией и Азербайджаном в 2019 году?"
    )


@pytest.mark.parametrize(
    "question",
    [
        "Kazakistan ile Türkiye arasındaki ilk ekonomik işbirliği anlaşması ne zaman imzalandı?",
        "Who signed the 1992 friendship treaty between Turkey and Uzbekistan?",
        "Erdoğan kimdir?",
        "Kazakistan'ın başkenti neresidir?",
    ],
)
def test_standalone_questions_are_left_alone(question):
    assert not is_followup(question)
    assert standalone_query(question, [(TR_TRADE, ANSWER)], "tr") == question


def test_no_history_means_no_rewrite():
    assert standalone_query("Peki Azerbaycan ile?", [], "tr") == "Peki Azerbaycan ile?"


@pytest.mark.parametrize("q", ["Peki Azerbaycan ile?", "What about it?", "А с Азербайджаном?", "Ал эми Казакстан?",
                               "Bunun nedeni neydi?", "Azerbaycan ile?", "Uzbekistan?"])
def test_is_followup(q):
    assert is_followup(q)


def test_llm_rewrites_when_a_chat_model_is_given():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=["Türkiye ile Azerbaycan arasındaki ticaret hacmi 2019'da ne kadardı?\n"])
    out = standalone_query("Peki Azerbaycan ile?", [(TR_TRADE, ANSWER)], "tr", chat_model=model)
    assert out == "Türkiye ile Azerbaycan arasındaki ticaret hacmi 2019'da ne kadardı?"


def test_llm_failure_falls_back_to_the_offline_rule():
    from langchain_openai import ChatOpenAI

    with socket.socket() as s:  # a port nobody listens on: a real connection refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = ChatOpenAI(base_url=f"http://127.0.0.1:{port}/v1", model="m", api_key="x", timeout=1, max_retries=0)
    out = standalone_query("Peki Azerbaycan ile?", [(TR_TRADE, ANSWER)], "tr", chat_model=model)
    assert out == "Türkiye ile Azerbaycan arasındaki ticaret hacmi 2019'da ne kadardı?"


def test_llm_empty_reply_falls_back_to_the_offline_rule():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=[" "])
    out = standalone_query("What about Azerbaijan?", [(EN_TRADE, "")], "en", chat_model=model)
    assert out == "What was the trade volume between Turkey and Azerbaijan in 2019?"
