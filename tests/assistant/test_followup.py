"""Follow-ups read with the question before them (offline), or rewritten by a chat model (the LLM path)."""
from __future__ import annotations

import socket

from assistant.followup import merge, previous_query, standalone_query

TR_TRADE = "Türkiye ile Kırgızistan arasındaki ticaret hacmi 2019'da ne kadardı?"
ANSWER = "442 milyon dolar [1]."


def test_a_followup_is_read_after_the_previous_question():
    assert merge("Bu anlaşmayı kimler imzaladı?", "Stratejik Ortaklık Anlaşması nerede imzalandı?") == (
        "Stratejik Ortaklık Anlaşması nerede imzalandı? Bu anlaşmayı kimler imzaladı?"
    )


def test_the_followups_numbers_replace_the_previous_ones():
    assert merge("ve 2021'de?", TR_TRADE) == "Türkiye ile Kırgızistan arasındaki ticaret hacmi ne kadardı? ve 2021'de?"
    assert merge("And in 2021?", "What was the trade volume in 2019?") == "What was the trade volume in ? And in 2021?"


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
    assert out == f"{TR_TRADE} Peki Azerbaycan ile?" and heard


def test_llm_empty_reply_falls_back_too():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=[" "])
    out = standalone_query("What about Azerbaijan?", [("What was the trade volume?", "")], "en", chat_model=model)
    assert out == "What was the trade volume? What about Azerbaijan?"
