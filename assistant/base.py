"""The answerer contract: question + retrieved passages -> Answer with citations.

Backends (extractive, LLM) are picked by `settings.answer.answerer` in `assistant.factory`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from kaynak.types import Answer, Hit


class Answerer(ABC):
    name: str = "base"

    def warm_up(self) -> None:
        """Load whatever is heavy; safe to call more than once."""

    @abstractmethod
    def answer(self, question: str, hits: list[Hit], lang: str) -> Answer:
        """Answer `question` (asked in `lang`) from `hits` only, or refuse."""

    def stream(self, question: str, hits: list[Hit], lang: str) -> Iterator[str | Answer]:
        """Yield text pieces as they come, then the final Answer. Non-streaming backends yield it at once."""
        yield self.answer(question, hits, lang)
