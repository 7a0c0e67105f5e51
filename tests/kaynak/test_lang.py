"""Language id of questions and paragraphs: py3langid plus script and function-word cues."""
from __future__ import annotations

import pytest

from kaynak.lang import detect_lang


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Who is Recep Tayyip Erdoğan?", "en"),  # py3langid alone says tr: the names outweigh two words
        ("Erdoğan kimdir?", "tr"),
        ("Peki Azerbaycan ile?", "tr"),
        ("What about Azerbaijan?", "en"),
        ("Кто такой Эрдоган?", "ru"),
        ("Түркия менен Кыргызстан ортосундагы соода канча?", "ky"),
        ("Сколько бронемашин KOBRA Казахстан договорился импортировать?", "ru"),
    ],
)
def test_short_questions(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_every_dev_question(dev_qa) -> None:
    wrong = [(q["id"], q["lang"], detect_lang(q["question"])) for q in dev_qa if detect_lang(q["question"]) != q["lang"]]
    assert wrong == []


def test_restricted_set_and_empty_text() -> None:
    assert detect_lang("Türkiye ile Kırgızistan", ("en", "tr")) == "tr"
    assert detect_lang("12345", ("tr", "en")) == "tr"  # no letters: the first configured language
