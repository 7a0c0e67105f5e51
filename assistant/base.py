"""The answerer contract: question + retrieved passages -> Answer with citations.

Backends (extractive, LLM) are picked by `settings.answer.answerer` in `assistant.factory`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from assistant.followup import standalone_query
from kaynak.types import Answer, Hit


class Answerer(ABC):
    name: str = "base"

    def warm_up(self) -> None:
        """Load whatever is heavy; safe to call more than once."""

    @abstractmethod
    def answer(self, question: str, hits: list[Hit], lang: str) -> Answer:
        """Answer `question` (asked in `lang`) from `hits` only, or refuse."""

    def rewrite(self, question: str, history: list[tuple[str, str]], lang: str) -> str:
        """`question` made standalone given the chat `history`, oldest first (offline rule; an LLM answerer
        asks its model)."""
        return standalone_query(question, history, lang)

    def stream(self, question: str, hits: list[Hit], lang: str) -> Iterator[str | Answer]:
        """Yield text pieces as they come, then the final Answer. Non-streaming backends yield it at once."""
        yield self.answer(question, hits, lang)
