"""KaynakRetriever under LangChain's standard retriever tests, on a real Engine over the real thesis."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from app.engine import Engine
from app.langchain_retriever import KaynakRetriever
from index.retriever import QueryError

QUERY = "Türkiye ile Kırgızistan arasındaki askeri eğitim işbirliği"
METADATA_KEYS = {"id", "doc", "section", "page", "page_end", "lang", "score", "start", "end"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio  # runs the standard async test (anyio ignores the mark on the sync ones)
class TestKaynakRetrieverStandard(RetrieversIntegrationTests):
    _engine: Engine | None = None

    @pytest.fixture(autouse=True)
    def _use_engine(self, thesis_engine: Engine) -> None:
        # the standard suite reads constructor params from a property, not a fixture
        type(self)._engine = thesis_engine

    @property
    def retriever_constructor(self) -> type[KaynakRetriever]:
        return KaynakRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"engine": self._engine, "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


def test_metadata(thesis_engine: Engine):
    retriever = KaynakRetriever(engine=thesis_engine, k=4)
    docs = retriever.invoke(QUERY)
    hits = thesis_engine.search(QUERY, k=4)
    assert len(docs) == 4
    for doc, hit in zip(docs, hits):
        c = hit.chunk
        assert isinstance(doc, Document)
        assert set(doc.metadata) == METADATA_KEYS
        assert doc.page_content == c.text
        assert doc.id == c.id
        assert doc.metadata == {
            "id": c.id, "doc": c.doc_id, "section": c.section_path, "page": c.page_start,
            "page_end": c.page_end, "lang": c.lang, "score": pytest.approx(hit.score), "start": c.start, "end": c.end,
        }
        assert doc.metadata["doc"] == "thesis.txt" and doc.metadata["section"] and doc.metadata["page"] >= 1
        assert isinstance(doc.metadata["score"], float)


def test_fields_and_invoke_overrides(thesis_engine: Engine):
    retriever = KaynakRetriever(engine=thesis_engine, k=3, mode="dense", langs=["en"])
    docs = retriever.invoke("Turkey and Kyrgyzstan military cooperation")
    assert len(docs) == 3 and {d.metadata["lang"] for d in docs} == {"en"}
    # per-call values override the fields
    docs = retriever.invoke("Турция и Кыргызстан", k=2, langs=["ru"], mode="lexical")
    assert len(docs) == 2 and {d.metadata["lang"] for d in docs} == {"ru"}
    assert retriever.k == 3 and retriever.langs == ["en"]


async def _ainvoke(retriever: KaynakRetriever, query: str, **kw: Any) -> list[Document]:
    return await retriever.ainvoke(query, **kw)


@pytest.mark.anyio
async def test_ainvoke_with_k(thesis_engine: Engine):
    docs = await _ainvoke(KaynakRetriever(engine=thesis_engine), QUERY, k=2)
    assert len(docs) == 2


def test_errors_surface(thesis_engine: Engine):
    retriever = KaynakRetriever(engine=thesis_engine)
    with pytest.raises(QueryError, match="empty"):
        retriever.invoke("   ")
    with pytest.raises(QueryError, match="valid: tr, ky, ru, en"):
        retriever.invoke(QUERY, langs=["de"])
    with pytest.raises(QueryError, match="k must be at least 1"):
        retriever.invoke(QUERY, k=0)
    with pytest.raises(ValueError):
        KaynakRetriever(engine=thesis_engine, k=0)


def test_only_retrieval_module_importing_langchain():
    """LangChain's retriever interface is an adapter of the application layer: no library module needs it."""
    root = Path(__file__).resolve().parents[2]
    importers = [p.relative_to(root).as_posix() for top in ("ingest", "index", "app") for p in (root / top).glob("*.py")
                 if "langchain_core" in p.read_text(encoding="utf-8")]
    assert importers == ["app/langchain_retriever.py"]
