"""Optional LLM-judged faithfulness: does the answer say only what the cited passages say?

Used only when a chat model is configured; reports label the number "LLM-judged". Any object with
``.invoke(messages)`` returning something with ``.content`` works (a LangChain chat model, or a test fake).
"""
from __future__ import annotations

import re
from typing import Any, Sequence

MAX_PASSAGE = 1500  # characters per passage sent to the judge

SYSTEM = (
    "You check answers for faithfulness to source passages. A claim is supported only if the passages state "
    "it. Reply with one line: SCORE: x, where x is the share of the answer's claims that the passages support, "
    "from 0 to 1."
)
_SCORE = re.compile(r"SCORE\s*[:=]\s*([01](?:[.,]\d+)?)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.])([01](?:[.,]\d+)?)(?![\d.])")


def parse_score(text: str) -> float | None:
    """"SCORE: 0.8" (or a lone number in 0..1) -> 0.8; None when no score is found."""
    m = _SCORE.search(text) or _NUMBER.search(text)
    if not m:
        return None
    x = float(m.group(1).replace(",", "."))
    return x if 0.0 <= x <= 1.0 else None


def judge_faithfulness(question: str, answer_text: str, passages: Sequence[str], chat_model: Any) -> float | None:
    """LLM-judged share (0..1) of the answer's claims supported by ``passages``; None if the judge fails."""
    if not answer_text.strip() or not passages:
        return None
    sources = "\n\n".join(f"[{i}] {p[:MAX_PASSAGE]}" for i, p in enumerate(passages, 1))
    human = f"Question: {question}\n\nPassages:\n{sources}\n\nAnswer: {answer_text}\n\nSCORE:"
    try:
        reply = chat_model.invoke([("system", SYSTEM), ("human", human)])
        content = reply.content if hasattr(reply, "content") else str(reply)
        if isinstance(content, list):  # content blocks
            content = " ".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
        return parse_score(str(content))
    except Exception:  # noqa: BLE001 - a judge failure leaves the metric empty, never stops the run
        return None
