"""kaynak as a LangChain retriever: the only module that imports ``langchain_core``.

A thin ``BaseRetriever`` over ``Engine.search``: each Hit becomes a ``Document`` whose ``page_content`` is the
chunk text and whose metadata carries what a citation needs (chunk id, document, section, pages, language,
score, character offsets). Errors (empty query, unknown language, k <= 0) are the engine's ``QueryError``.

    retriever = KaynakRetriever(engine=Engine(), k=5, langs=["tr"])
    docs = retriever.invoke("Türkiye ile Kırgızistan arasındaki ticaret", k=3)  # k per call overrides
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field

from kaynak.types import Hit

if TYPE_CHECKING:  # pragma: no cover
    from app.engine import Engine


def hit_to_document(hit: Hit) -> Document:
    c = hit.chunk
    return Document(
        page_content=c.text,
        id=c.id,
        metadata={
            "id": c.id,
            "doc": c.doc_id,
            "section": c.section_path,
            "page": c.page_start,
            "page_end": c.page_end,
            "lang": c.lang,
            "score": float(hit.score),
            "start": c.start,
            "end": c.end,
        },
    )


class KaynakRetriever(BaseRetriever):
    """Passages from a kaynak ``Engine`` as LangChain Documents.

    ``k``, ``mode`` and ``langs`` given to ``invoke(query, k=..., mode=..., langs=...)`` override the
    fields for that call; ``mode=None`` means the engine's configured mode.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Any = Field(description="an app.engine.Engine")  # Any: keeps assistant out of the import graph
    k: int = Field(5, ge=1)
    mode: str | None = None
    langs: list[str] | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        mode: str | None = None,
        langs: list[str] | None = None,
    ) -> list[Document]:
        engine: Engine = self.engine
        hits = engine.search(
            query,
            k=self.k if k is None else k,
            mode=mode or self.mode,
            langs=self.langs if langs is None else langs,
        )
        return [hit_to_document(h) for h in hits]

    async def _aget_relevant_documents(
        self,
        query: str,
        *,
        run_manager: AsyncCallbackManagerForRetrieverRun,
        k: int | None = None,
        mode: str | None = None,
        langs: list[str] | None = None,
    ) -> list[Document]:
        # the engine is synchronous (CPU-bound embedding and FAISS): run it off the event loop
        return await run_in_executor(
            None, self._get_relevant_documents, query, run_manager=run_manager.get_sync(), k=k, mode=mode, langs=langs
        )
