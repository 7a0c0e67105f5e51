"""The assistant's fixed wording: a source's language named inside the framing's parentheses."""
from __future__ import annotations

import pytest

from assistant.phrases import source_label


@pytest.mark.parametrize(
    ("answer_lang", "source_lang", "label"),
    [
        ("en", "tr", "Turkish source"),
        ("tr", "en", "İngilizce kaynak"),
        ("ru", "tr", "источник на турецком"),  # lower case: it follows "Согласно документу (" mid-sentence
        ("ky", "en", "англисче булак"),  # one pair of brackets, not "(Булак (англисче))"
    ],
)
def test_a_source_label_reads_inside_parentheses(answer_lang, source_lang, label):
    assert source_label(answer_lang, source_lang) == label
