"""Follow-up questions: "Bu anlaşmayı kimler imzaladı?" after a question about an agreement, "ve 2021'de?" after
one about 2019.

Offline, a follow-up is not rewritten by rules about names: it is read together with the question before it
(`merge`: the previous question, whose numbers give way to the follow-up's, then the follow-up), and the engine
answers both readings — the question alone and merged — keeping the one the answerability model finds better
answered (`app.engine`). A new question that does not lean on the previous one is answered best alone; "who
signed it?" is answered best with the agreement it leans on. With a chat model (the LLM answerer) the model
rewrites the question to stand alone, and on any failure the merged reading is used.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from kaynak.text import NUMBER

log = logging.getLogger(__name__)
# a number with the case suffix Turkish writes after it: "2019'da", "2019’un"
_NUMBER_WITH_SUFFIX = re.compile(NUMBER.pattern + r"(?:['’][^\W\d_]+)?")

REWRITE_PROMPT = """Rewrite the last question so it can be understood without the conversation, in the same \
language as the last question. Keep names, numbers and years. Reply with the rewritten question only.

Conversation:
{history}

Last question: {question}
Standalone question:"""


def merge(question: str, previous: str) -> str:
    """The follow-up read with the question before it. When the follow-up gives numbers of its own ("and in
    2021?"), the previous question's numbers are dropped: they are what the follow-up replaces."""
    question, previous = " ".join(question.split()), " ".join(previous.split())
    if not previous:
        return question
    if NUMBER.search(question):
        previous = " ".join(_NUMBER_WITH_SUFFIX.sub(" ", previous).split())
    return f"{previous} {question}"


def previous_query(history: list[tuple[str, str]]) -> str:
    """What the last turn asked, as the engine understood it (the history holds the query it used)."""
    return history[-1][0] if history else ""


def standalone_query(
    question: str,
    history: list[tuple[str, str]],
    lang: str,
    chat_model: Any = None,
    on_error: Callable[[Exception], None] | None = None,
) -> str:
    """`question` made to stand alone given `history` [(question, answer), ...], oldest first: rewritten by
    `chat_model` (a LangChain chat model) when given, else — or when the model fails or replies with nothing
    usable, and `on_error` hears why — `merge`d with the previous question."""
    if not history:
        return question
    if chat_model is not None:
        try:
            return _llm_rewrite(question, history, chat_model)
        except Exception as e:  # endpoint down, timeout, garbage: the offline reading still works
            log.warning("follow-up rewrite by LLM failed (%s); reading it with the previous question", e)
            if on_error is not None:
                on_error(e)
    return merge(question, previous_query(history))


def _llm_rewrite(question: str, history: list[tuple[str, str]], chat_model: Any) -> str:
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages([("human", REWRITE_PROMPT)])
    turns = "\n".join(f"User: {q}\nAssistant: {' '.join(a.split())[:300]}" for q, a in history[-3:])
    reply = (prompt | chat_model).invoke({"history": turns, "question": question})
    text = (reply.text if hasattr(reply, "text") else str(reply)).strip().strip('"').strip()
    text = text.splitlines()[0].strip() if text else ""
    if not text or len(text) > 4 * len(question) + 300 or not re.search(r"\w", text):
        raise ValueError(f"unusable rewrite {text[:80]!r}")
    return text
