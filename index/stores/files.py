"""The files backend: FAISS + bm25s generation directories under the data dir (`index.store`), behind `Store`.

Right for one machine and up to a few million passages: the live generation is loaded whole (chunks in memory,
vectors and token states memory-mapped) and reloaded when a commit, here or in another process, replaces it.
Searches run over positions in the generation's chunk list and answer with chunk ids.
"""
from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager

import numpy as np

from index.store import Manifest, Sentences, Snapshot
from index.store import Store as Generations
from index.stores.base import Filters, Passage, Ranked, check_k, check_lexical
from index.tokens import Tokens
from kaynak.config import Settings
from kaynak.types import Chunk


class FilesStore:
    name = "files"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.generations = Generations(settings)
        self.root = self.generations.root
        self.location = str(self.root)
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FilesStore({self.root})"

    def snapshot(self) -> Snapshot | None:
        """The live generation, loaded once and reloaded when `CURRENT` names another."""
        gen = self.generations.current()
        with self._lock:
            if gen is None:
                self._snap = None
            elif self._snap is None or self._snap.generation != gen:
                self._snap = self.generations.load()
            return self._snap

    # -- reading ------------------------------------------------------------------------------------
    def generation(self) -> str | None:
        return self.generations.current()

    def manifest(self) -> Manifest | None:
        return self.generations.read_manifest()

    def count(self, filters: Filters | None = None) -> int:
        snap = self.snapshot()
        if snap is None:
            return 0
        allowed = self._allowed(snap, filters)
        return len(snap.chunks) if allowed is None else int(allowed.sum())

    @staticmethod
    def _allowed(snap: Snapshot, filters: Filters | None) -> np.ndarray | None:
        """A boolean mask over positions, or None when the filters keep every passage (an all-true FAISS selector
        would change nothing but cost, and IVF/HNSW recall)."""
        if not filters:
            return None
        allowed = np.fromiter((filters.admits(c) for c in snap.chunks), bool, len(snap.chunks))
        return None if allowed.all() else allowed

    def dense_search(self, vectors: np.ndarray, k: int, filters: Filters | None = None) -> list[Ranked]:
        check_k(k)
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        snap = self.snapshot()
        if snap is None or not snap.chunks:
            return [[] for _ in vectors]
        allowed = self._allowed(snap, filters)
        scores, positions = snap.dense.search(vectors, k, allowed)
        return [
            [(snap.chunks[int(p)].id, float(s)) for p, s in zip(row_p, row_s) if p >= 0]
            for row_p, row_s in zip(positions, scores)
        ]

    def lexical_search(
        self, queries: Sequence[str], k: int, langs: Sequence[str | None], filters: Filters | None = None
    ) -> list[Ranked]:
        check_lexical(queries, k, langs)
        snap = self.snapshot()
        if snap is None or not snap.chunks:
            return [[] for _ in queries]
        allowed = self._allowed(snap, filters)
        return [
            [(snap.chunks[p].id, s) for p, s in snap.lexical.search(q, k, query_lang=lang, allowed=allowed)]
            for q, lang in zip(queries, langs)
        ]

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        snap = self.snapshot()
        if snap is None:
            return {}
        return {i: snap.chunks[snap.position[i]] for i in ids if i in snap.position}

    def passages(self, ids: Iterable[str]) -> dict[str, Passage]:
        snap = self.snapshot()
        if snap is None:
            return {}
        out = {}
        for i in ids:
            p = snap.position.get(i)
            if p is not None:
                spans, vectors = snap.sentences_at(p)
                out[i] = Passage(snap.chunks[p], np.asarray(snap.vectors[p], dtype=np.float32), spans, vectors, snap.tokens_at(p))
        return out

    def neighbours(self, chunk_id: str) -> tuple[Chunk | None, Chunk | None]:
        snap = self.snapshot()
        if snap is None or chunk_id not in snap.position:
            return None, None
        return snap.preceding(chunk_id), snap.following(chunk_id)

    def iter_chunks(self, doc_id: str | None = None) -> Iterator[Chunk]:
        snap = self.snapshot()  # stored grouped by document, each in text order
        yield from ([] if snap is None else (c for c in snap.chunks if doc_id is None or c.doc_id == doc_id))

    # -- writing ------------------------------------------------------------------------------------
    def writer(self) -> AbstractContextManager[None]:
        return self.generations.writer()

    def commit(self, manifest: Manifest, add: Sequence[Passage], remove: Collection[str], reset: bool = False) -> str:
        """A new generation: the stored chunks in their order less `remove` and less those `add` replaces, then
        `add` in its order (positions only break ties between equal scores)."""
        dim = manifest.dim
        replaced = {p.chunk.id for p in add}
        snap = None if reset else self.snapshot()
        kept = [] if snap is None else [c.id for c in snap.chunks if c.id not in remove and c.id not in replaced]
        passages = [*self.passages(kept).values(), *add] if kept else list(add)
        vectors = np.vstack([np.asarray(p.vector, dtype=np.float32).reshape(1, dim) for p in passages]) if passages else np.zeros((0, dim), np.float32)
        rows = [(pos, a, b) for pos, p in enumerate(passages) for a, b in p.sentences]
        sentence_blocks = [np.asarray(p.sentence_vectors, dtype=np.float32).reshape(-1, dim) for p in passages]
        sentences = Sentences(
            np.array(rows, dtype=np.int64).reshape(-1, 3),
            np.vstack(sentence_blocks) if sentence_blocks else np.zeros((0, dim), np.float32),
        )
        missing = [p.chunk.id for p in passages if p.tokens is None]
        if missing:
            raise ValueError(f"{len(missing)} passages without token states (first {missing[0]}): embed them before a commit")
        tokens = Tokens.pack([p.tokens for p in passages], dim)  # type: ignore[misc]
        return self.generations.commit(manifest, [p.chunk for p in passages], vectors, sentences, tokens)

    def close(self) -> None:
        with self._lock:
            self._snap = None
