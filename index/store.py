"""The on-disk chunk store: chunks, their vectors, the FAISS index and the BM25 index, as one generation.

Layout under ``settings.store_dir``::

    CURRENT            name of the live generation, replaced atomically
    gen-000012/        manifest.json, chunks.jsonl, vectors.npy, dense.faiss, lexical/
    .lock              writers hold an exclusive flock while they read-modify-write

A writer builds a complete new generation directory (every file fsynced), then swaps ``CURRENT`` with
``os.replace``. A process killed at any point leaves the previous generation loadable; stale directories
are removed by the next successful commit. Readers never take the lock.
"""
from __future__ import annotations

import contextlib
import math
import fcntl
import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from index.dense import VectorIndex, create_index, resolve_backend
from index.embedder import TokenStates
from index.lexical import BM25Index
from index.tokens import Tokens
from index.tokenize import tokenize
from kaynak.config import Settings
from kaynak.types import Chunk

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: sentence vectors; 3: token states (index/tokens.py), chunks carry kind and page label, documents a title
# A format-2 index opens as it is: its chunks are body text, its documents untitled, and it has no token states,
# which the next ingest adds (its chunks are embedded once more).
READABLE_FORMATS = (2, 3)


class StoreError(RuntimeError):
    """The store cannot be used as it is; the message says why and what to run."""


@dataclass
class DocRecord:
    """A stored document: its name (`kaynak docs`), the resolved path it was read from, what it holds."""

    doc_id: str
    path: str
    sha256: str
    kind: str
    chunker_version: str
    n_chunks: int
    langs: dict[str, int]
    added: str
    title: str = ""  # the title the document gives itself (HTML <title>, Word title, PDF title page)


@dataclass
class Manifest:
    model: str
    dim: int
    chunker_version: str
    index_backend: str
    normalized: bool = True
    format: int = FORMAT_VERSION
    kaynak_version: str = ""
    embedder_backend: str = ""
    created: str = ""
    docs: dict[str, DocRecord] = field(default_factory=dict)
    chunk_ids: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        d = json.loads(text)
        d["docs"] = {k: DocRecord(**v) for k, v in d.get("docs", {}).items()}
        return cls(**d)


@dataclass
class Sentences:
    """Each chunk's sentences (`answer_sentences`) and their vectors, embedded at ingest: retrieval reranks by
    a passage's best sentence and the answerer scores sentences without embedding passage text per question."""

    spans: np.ndarray  # int64 [n, 3]: chunk position, start, end; grouped by chunk position
    vectors: np.ndarray  # float32 [n, dim], normalised like the chunk vectors


@dataclass
class Snapshot:
    """One loaded generation: what retrieval reads."""

    manifest: Manifest
    chunks: list[Chunk]
    vectors: np.ndarray
    dense: VectorIndex
    lexical: BM25Index
    generation: str
    sentences: Sentences
    tokens: Tokens | None = None  # None for a format-2 index

    def __post_init__(self) -> None:
        self.position = {c.id: i for i, c in enumerate(self.chunks)}
        owner = np.asarray(self.sentences.spans[:, 0])
        cuts = np.flatnonzero(np.diff(owner)) + 1
        starts, ends = np.concatenate([[0], cuts]), np.concatenate([cuts, [len(owner)]])
        self._sentence_rows = {int(owner[a]): (int(a), int(b)) for a, b in zip(starts, ends) if b > a}
        self._df: dict[str, Counter[str]] | None = None
        self._next: dict[str, Chunk] | None = None
        self._previous: dict[str, Chunk] | None = None
        self._docs_per_lang: Counter[str] = Counter(c.lang for c in self.chunks)

    def term_weights(self, terms: Iterable[str], lang: str) -> dict[str, float]:
        """BM25 idf of each term among the passages in `lang`; terms that language never uses are left out.

        The answerer weighs a question's terms by it: a rare term the passages know ("Merv", "KOBRA") must be
        in the evidence, while an English word asked over Turkish text says nothing either way. Document
        frequencies are counted once per generation, per language.
        """
        if self._df is None:
            df: dict[str, Counter[str]] = {}
            for c in self.chunks:
                df.setdefault(c.lang, Counter()).update(set(tokenize(c.text, c.lang)))
            self._df = df
        counts = self._df.get(lang, Counter())
        n = self._docs_per_lang[lang]
        return {t: math.log(1 + (n - counts[t] + 0.5) / (counts[t] + 0.5)) for t in terms if counts[t] > 0}

    def following(self, chunk_id: str) -> Chunk | None:
        """The chunk that continues this one's text: the next in its document, if in the same section.

        Chunk boundaries cut prose: the sentence that sets the scene may end one chunk and the value it
        leads to open the next, so the answerer reads on into it.
        """
        if self._next is None:
            order = sorted(self.chunks, key=lambda c: (c.doc_id, c.start))
            self._next = {
                a.id: b for a, b in zip(order, order[1:]) if a.doc_id == b.doc_id and a.section == b.section
            }
        return self._next.get(chunk_id)

    def preceding(self, chunk_id: str) -> Chunk | None:
        """The chunk whose text this one continues (see `following`)."""
        if self._previous is None:
            self.following(chunk_id)
            assert self._next is not None
            self._previous = {b.id: self.chunks[self.position[a]] for a, b in self._next.items()}
        return self._previous.get(chunk_id)

    def sentences_at(self, position: int) -> tuple[list[tuple[int, int]], np.ndarray]:
        """The (start, end) spans of the chunk's sentences at this position, and their stored vectors."""
        lo, hi = self._sentence_rows.get(position, (0, 0))
        spans = [(int(a), int(b)) for _, a, b in self.sentences.spans[lo:hi]]
        return spans, np.asarray(self.sentences.vectors[lo:hi], dtype=np.float32)

    def sentences_of(self, chunk_id: str) -> tuple[list[tuple[int, int]], np.ndarray]:
        """`sentences_at` by chunk id; KeyError for a chunk not in this generation."""
        return self.sentences_at(self.position[chunk_id])

    def tokens_at(self, position: int) -> TokenStates | None:
        """The stored token states of the chunk at this position (None when the index keeps none)."""
        return self.tokens.at(position) if self.tokens is not None else None

    def vectors_for(self, chunk_ids: list[str]) -> np.ndarray:
        """Stored passage vectors of these chunks (no re-embedding)."""
        return np.asarray(self.vectors[[self.position[i] for i in chunk_ids]], dtype=np.float32)


class Store:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.store_dir

    # -- reading -----------------------------------------------------------------------------------
    def current(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if (self.root / name / "manifest.json").is_file() else None

    def exists(self) -> bool:
        return self.current() is not None

    def read_manifest(self) -> Manifest | None:
        gen = self.current()
        if gen is None:
            return None
        return Manifest.from_json((self.root / gen / "manifest.json").read_text(encoding="utf-8"))

    def load(self) -> Snapshot | None:
        gen = self.current()
        if gen is None:
            return None
        d = self.root / gen
        try:
            manifest = Manifest.from_json((d / "manifest.json").read_text(encoding="utf-8"))
            if manifest.format not in READABLE_FORMATS:
                raise StoreError(
                    f"the index at {self.root} has format {manifest.format}, this kaynak reads "
                    f"{', '.join(map(str, READABLE_FORMATS))}; rebuild it with `kaynak ingest --rebuild`"
                )
            with (d / "chunks.jsonl").open(encoding="utf-8") as f:
                chunks = [Chunk.from_dict(json.loads(line)) for line in f if line.strip()]
            vectors = np.load(d / "vectors.npy", mmap_mode="r") if chunks else np.zeros((0, manifest.dim), "float32")
            sentences = Sentences(np.load(d / "sentence_spans.npy"), np.load(d / "sentence_vectors.npy", mmap_mode="r"))
            dense = create_index(manifest.dim, self.settings.index, len(chunks), backend=manifest.index_backend)
            dense.load(d / "dense.faiss")
            lexical = BM25Index.load(d / "lexical")
            tokens = Tokens.load(d)
        except StoreError:
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as e:
            raise StoreError(f"the index at {d} is damaged ({e}); rebuild it with `kaynak ingest --rebuild`") from e
        if (
            len(chunks) != len(manifest.chunk_ids) or len(dense) != len(chunks)
            or len(sentences.spans) != len(sentences.vectors) or (len(sentences.spans) and sentences.spans[:, 0].max() >= len(chunks))
            or (tokens is not None and len(tokens) != len(chunks))
        ):
            raise StoreError(f"the index at {d} is inconsistent; rebuild it with `kaynak ingest --rebuild`")
        return Snapshot(manifest, chunks, vectors, dense, lexical, gen, sentences, tokens)

    # -- writing -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        """Exclusive writer lock: two ingests never interleave their read-modify-write."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def commit(self, manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray, sentences: Sentences, tokens: Tokens) -> str:
        """Write a complete new generation and make it current. Call inside `writer()`."""
        if len(chunks) != len(vectors) or len(chunks) != len(tokens):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors and token states of {len(tokens)}")
        if len(sentences.spans) != len(sentences.vectors):
            raise ValueError(f"{len(sentences.spans)} sentence spans but {len(sentences.vectors)} sentence vectors")
        manifest.chunk_ids = [c.id for c in chunks]
        manifest.index_backend = resolve_backend(self.settings.index, len(chunks))
        manifest.created = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        old = self.current()
        n = int(old.split("-")[1]) + 1 if old else 1
        name = f"gen-{n:06d}"
        tmp = self.root / f".tmp-{name}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(chunks), manifest.dim)
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as f:
            for c in chunks:
                f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", vectors)
        np.save(tmp / "sentence_spans.npy", np.asarray(sentences.spans, dtype=np.int64).reshape(-1, 3))
        np.save(tmp / "sentence_vectors.npy", np.asarray(sentences.vectors, dtype=np.float32).reshape(-1, manifest.dim))
        tokens.save(tmp)
        dense = create_index(manifest.dim, self.settings.index, len(chunks), backend=manifest.index_backend)
        dense.build(vectors)
        dense.save(tmp / "dense.faiss")
        lexical = BM25Index()
        lexical.build([c.text for c in chunks], [c.lang for c in chunks])
        lexical.save(tmp / "lexical")
        (tmp / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        _fsync_tree(tmp)
        final = self.root / name
        # a writer killed between these two steps left `final` behind, not current: replace it
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        _atomic_write(self.root / "CURRENT", name)
        self._collect(keep=name)
        log.info("committed %s: %d chunks from %d documents", name, len(chunks), len(manifest.docs))
        return name

    def _collect(self, keep: str) -> None:
        """Remove generations and temp dirs other than `keep` (left by older commits or killed writers)."""
        for p in self.root.iterdir():
            if p.is_dir() and p.name != keep and (p.name.startswith("gen-") or p.name.startswith(".tmp-")):
                shutil.rmtree(p, ignore_errors=True)


def _fsync_tree(d: Path) -> None:
    for p in d.rglob("*"):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
    for p in [d, *[q for q in d.rglob("*") if q.is_dir()]]:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

