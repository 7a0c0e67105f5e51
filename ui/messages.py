"""The library's messages (refusal reasons, fallbacks, query errors) in the interface language.

The library speaks English on purpose: ``Answer.reason`` and its errors are read by JSON consumers and logs.
The page translates the phrases it knows, phrase by phrase, so a compound reason ("...; ...") and the parts
that are data (an endpoint URL, an HTTP error, a country name, an ordinal) come through as they are. A phrase
the library adds later shows in English until it is listed here. Order matters: the first pattern that fits a
phrase translates it, so the narrower ones ("... instead of the year asked about") come first. A refusal's
answerability numbers are left out of the words shown (the page keeps them in the hover text).
"""
from __future__ import annotations

import re

from ui.i18n import N_, Gettext

# (the phrase as the library writes it, the msgid whose {0}, {1} take the pattern's groups)
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"no passage was found"), N_("no passage was found")),
    (re.compile(r"the passages found do not answer this question \(answerability ([\d.]+) < ([\d.]+); "
                r"least stated: “([^”]*)”\)"),
     N_("the passages found do not answer this question (least stated: “{2}”)")),  # numbers: in the title
    (re.compile(r"the LLM found no answer in the passages"), N_("the LLM found no answer in the passages")),
    (re.compile(r"no LLM configured \(llm\.base_url and llm\.model\)"),
     N_("no LLM configured (llm.base_url and llm.model)")),
    (re.compile(r"no passages were retrieved"), N_("no passages were retrieved")),
    (re.compile(r"LLM endpoint unreachable at"), N_("LLM endpoint unreachable at")),
    (re.compile(r"LLM endpoint gave no usable reply at"), N_("LLM endpoint gave no usable reply at")),
    (re.compile(r"\(tried again (\d+) s after the failure\)"), N_("(tried again {0} s after the failure)")),
    (re.compile(r"LLM at (\S+) returned an empty reply"), N_("LLM at {0} returned an empty reply")),
    (re.compile(r"LLM answer had no valid citation"), N_("LLM answer had no valid citation")),
    (re.compile(r"the reply cited no passage"), N_("the reply cited no passage")),
    (re.compile(r"dropped citation markers"), N_("dropped citation markers")),
    (re.compile(r"offline answer shown"), N_("offline answer shown")),
    (re.compile(r"the question is (\d+) characters long; ask in at most (\d+) characters"),
     N_("the question is {0} characters long; ask in at most {1} characters")),
    (re.compile(r"the query is empty: type a question or some words to look for"),
     N_("the query is empty: type a question or some words to look for")),
    (re.compile(r"nothing is ingested yet"), N_("nothing is ingested yet")),
]


def library_text(message: str, _: Gettext) -> str:
    """``message`` with every phrase listed above in the language of ``_`` (English in, English out, less the
    answerability numbers)."""
    for pattern, msgid in _PHRASES:
        message = pattern.sub(lambda m, msgid=msgid: _(msgid).format(*m.groups()), message)
    return message
