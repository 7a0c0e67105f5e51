"""Pick the answerer backend from settings (txtai-style factory)."""
from __future__ import annotations

from assistant.base import Answerer
from assistant.extractive import ExtractiveAnswerer
from index.embedder import Embedder
from index.stores.base import Store
from kaynak.config import ConfigError, Settings

ANSWERERS = ("extractive", "llm")


def create_answerer(settings: Settings, embedder: Embedder, store: Store | None = None) -> Answerer:
    """The offline extractive answerer, or the LLM answerer (falling back to it) when an endpoint is set."""
    offline = ExtractiveAnswerer(settings, embedder, store)
    name = settings.answer.answerer
    if name not in ANSWERERS:
        raise ConfigError(f"unknown answerer {name!r}; valid: {', '.join(ANSWERERS)}")
    if name == "llm" or settings.llm.enabled:
        if not settings.llm.enabled:
            raise ConfigError("answerer 'llm' needs llm.base_url and llm.model (or --llm-url and --llm-model)")
        from assistant.llm import LLMAnswerer  # imports LangChain's OpenAI client only when used

        return LLMAnswerer(settings, fallback=offline)
    return offline
