"""The conversation as data: turns of (id, question, Answer), rendered in whatever language the page is in.

Keeping the Answer objects, not their HTML, is what lets a change of interface language redraw the whole
conversation (refusal notices, page labels, related passages) and gives follow-up questions their history.
"""
from __future__ import annotations

from typing import Any

from kaynak.types import Answer
from ui import render as R
from ui.i18n import translator

Turn = tuple[str, str, Answer]  # (uid, question, answer)
LONG_QUESTION = 2000  # a longer paste is shown cut, so the bubble stays readable


def shown_question(q: str) -> str:
    return q if len(q) <= LONG_QUESTION else q[:300] + " …"


def question_bubble(q: str, uid: str) -> dict[str, str]:
    return {"role": "user", "content": R.answer_text_html(shown_question(q), uid)}


def busy_bubble(ui_lang: str, status: str = "") -> dict[str, str]:
    """The answer's place while it is computed; with `status`, what the index is doing before it can answer."""
    _ = translator(ui_lang)
    busy = R.esc(status + " " + _("The answer comes as soon as the index is ready.") if status else _("Answering…"))
    return {"role": "assistant", "content": f"<em>{busy}</em>"}


def indexing_status(indexing: Any, ui_lang: str) -> str:
    """What the first start is doing ("Indexing: 120 of 785 passages embedded…"), "" when the index is ready."""
    _ = translator(ui_lang)
    if indexing.error:
        return _("The index could not be built: {error}").format(error=indexing.error)
    if not indexing.running:
        return ""
    if indexing.phase == "passages":
        return _("Indexing: {done} of {total} passages embedded…").format(done=indexing.done, total=indexing.total)
    if indexing.phase == "sentences":
        return _("Indexing: {done} of {total} sentences embedded…").format(done=indexing.done, total=indexing.total)
    return _("Loading the model (a first start builds it)…")


def messages(turns: list[Turn], ui_lang: str) -> list[dict[str, Any]]:
    """The chatbot's messages for the finished turns."""
    out: list[dict[str, Any]] = []
    for uid, q, answer in turns:
        out += [question_bubble(q, uid), {"role": "assistant", "content": R.answer_html(answer, uid, ui_lang)}]
    return out


def history(turns: list[Turn]) -> list[tuple[str, str]]:
    """(query, answer text) pairs, what the engine reads to resolve a follow-up question: the query each turn was
    answered with (a follow-up's reading with the question before it), so follow-ups of follow-ups hold."""
    return [(answer.query or q, answer.text) for _, q, answer in turns]


def sources_panel(turns: list[Turn], ui_lang: str) -> str:
    """The newest answer's sources open, the older ones folded under their question."""
    _ = translator(ui_lang)
    if not turns:
        return R.empty_html(_("Sources appear here with the answer."))
    uid, q, answer = turns[-1]
    older = "".join(
        f'<details class="k-old"><summary>{R.esc(oq[:120])}</summary>'
        f"{R.sources_html(a, u, ui_lang, question=oq)}</details>"
        for u, oq, a in reversed(turns[:-1])
    )
    return R.sources_html(answer, uid, ui_lang, question=q) + older
