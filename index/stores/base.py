"""What an index must do for kaynak, as a Protocol every backend implements (Haystack's document stores, txtai's ANN).

The indexer, the retriever and the answerer talk to a `Store` and never to a backend's files or client: they ask
for the passages they read by chunk id, so a store may be far bigger than memory. A backend keeps, per chunk, the
chunk itself, its passage vector, its sentences with their vectors and its token states (`Passage`), and answers
dense and BM25 searches under `Filters`. Hybrid search is kaynak's fusion over the two lists (`index.retriever`):
it weighs a lexical rank by the passage's language, which no engine's ranker can.

Writes are whole commits: the documents a commit touches are written whole (`add` holds every chunk of each
document it names) and the previous state stays searchable until the commit switches generations, so an ingest
that dies half way leaves the documents stored before it answerable.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from index.embedder import TokenStates
from index.store import Manifest
from ingest.sentences import answer_sentences
from kaynak.types import KINDS, Chunk

Ranked = list[tuple[str, float]]  # (chunk id, score), best first


@dataclass(frozen=True)
class Filters:
    """Which passages a search may return: each non-empty field keeps the chunks whose value is one of its values
    (`sections`: a chunk any of whose section titles is listed). Empty fields keep everything."""

    langs: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("langs", "kinds", "docs", "sections"):
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"filter {name} must be a sequence of strings, got {value!r}")
            object.__setattr__(self, name, tuple(value))
        bad = [k for k in self.kinds if k not in KINDS]
        if bad:
            raise ValueError(f"unknown kind(s) {', '.join(bad)}; valid: {', '.join(KINDS)}")

    def __bool__(self) -> bool:
        return bool(self.langs or self.kinds or self.docs or self.sections)

    def admits(self, chunk: Chunk) -> bool:
        return (
            (not self.langs or chunk.lang in self.langs)
            and (not self.kinds or chunk.kind in self.kinds)
            and (not self.docs or chunk.doc_id in self.docs)
            and (not self.sections or any(s in self.sections for s in chunk.section))
        )


@dataclass
class Passage:
    """Everything stored for one chunk: what the rerank and the answerer read instead of running the model."""

    chunk: Chunk
    vector: np.ndarray  # float32 [dim], unit length
    sentences: list[tuple[int, int]]  # spans of `answer_sentences` in chunk.text
    sentence_vectors: np.ndarray  # float32 [len(sentences), dim]
    tokens: TokenStates | None = None  # None: the index keeps none for it (a files index of format 2)


@runtime_checkable
class Store(Protocol):
    """An index of passages. Ids are chunk ids (`Chunk.id`, a content hash); scores are higher-better."""

    name: str
    location: str  # where the index lives (a folder, a .db file, a server), for messages

    def generation(self) -> str | None:
        """A name for the stored state that changes with every commit; None when nothing is stored."""

    def manifest(self) -> Manifest | None:
        """Model, dimension and the stored documents (`Manifest.chunk_ids` may be empty: ask `count`)."""

    def count(self, filters: Filters | None = None) -> int:
        """Stored chunks (that pass `filters`)."""

    def dense_search(self, vectors: np.ndarray, k: int, filters: Filters | None = None) -> list[Ranked]:
        """Per query vector, the `k` chunks with the highest inner product with it."""

    def lexical_search(
        self, queries: Sequence[str], k: int, langs: Sequence[str | None], filters: Filters | None = None
    ) -> list[Ranked]:
        """Per query (in language `langs[i]`, None: guessed), up to `k` chunks by BM25, positive scores only."""

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """The stored chunks with these ids (ids not stored are left out)."""

    def passages(self, ids: Iterable[str]) -> dict[str, Passage]:
        """Everything stored for these chunks (ids not stored are left out)."""

    def neighbours(self, chunk_id: str) -> tuple[Chunk | None, Chunk | None]:
        """The chunks just before and after this one in its document, each only if in the same section."""

    def iter_chunks(self, doc_id: str | None = None) -> Iterator[Chunk]:
        """Every stored chunk (of one document), grouped by document and in text order within one."""

    def writer(self) -> AbstractContextManager[None]:
        """Exclusive write access: two ingests never interleave their read-modify-write."""

    def commit(self, manifest: Manifest, add: Sequence[Passage], remove: Collection[str], reset: bool = False) -> str:
        """Store `add` (an id already stored is replaced), drop the ids in `remove` (with `reset`: every chunk not
        in `add`), record `manifest`, and switch readers to the result at once. Call inside `writer()`."""

    def close(self) -> None:
        """Release the connection or files (a store is not used after this)."""


def sentence_vectors(
    chunks: Sequence[Chunk], stored: Mapping[str, Passage], embed: Callable[[list[str]], np.ndarray], dim: int
) -> tuple[list[list[tuple[int, int]]], np.ndarray, int]:
    """Each chunk's sentence spans (`answer_sentences`) and all their vectors, in chunk order: a chunk in `stored`
    keeps its stored vectors (matched by id, so unchanged text is never embedded twice), the sentences of the
    others are embedded in one call to `embed`. Also how many sentences were embedded."""
    spans: list[list[tuple[int, int]]] = []
    parts: list[np.ndarray | int] = []  # per chunk: its stored vectors, or how many of its sentences are new
    todo: list[str] = []
    for c in chunks:
        if c.id in stored:
            found = stored[c.id].sentences
            parts.append(np.asarray(stored[c.id].sentence_vectors, dtype=np.float32).reshape(-1, dim))
        else:
            found = answer_sentences(c.text, c.lang)
            parts.append(len(found))
            todo += [c.text[a:b] for a, b in found]
        spans.append(found)
    fresh = embed(todo) if todo else np.zeros((0, dim), np.float32)
    blocks, i = [], 0
    for part in parts:
        if isinstance(part, int):
            part, i = fresh[i : i + part], i + part
        blocks.append(part)
    vectors = np.vstack(blocks).astype(np.float32) if blocks else np.zeros((0, dim), np.float32)
    return spans, vectors, len(todo)


def check_k(k: int) -> None:
    """The contract's one rule for k, checked by every backend before it touches its index."""
    if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
        raise ValueError(f"k must be a positive integer, got {k!r}")


def check_lexical(queries: Sequence[str], k: int, langs: Sequence[str | None]) -> None:
    """A lexical search names one query language per query (BM25 weighs a passage by it)."""
    check_k(k)
    if len(langs) != len(queries):
        raise ValueError(f"{len(queries)} queries but {len(langs)} query languages")
