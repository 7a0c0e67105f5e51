"""FAISS vector indexes over L2-normalised embeddings (inner product = cosine).

Three backends behind one small base class, picked by `create_index(settings, n)`:
- ``flat``: exact inner product; the right choice up to a few hundred thousand vectors.
- ``ivf``: IVF with 8-bit scalar quantisation — 4x less memory than flat, for millions of vectors.
- ``hnsw``: HNSW graph over 8-bit scalar-quantised vectors — lowest latency, slowest to build.
Row number = position in the store's chunk list; a language filter is an IDSelector over positions.
"""
from __future__ import annotations

import logging
import math
from abc import ABC, abstractmethod
from pathlib import Path

import faiss
import numpy as np

from kaynak.config import IndexSettings

log = logging.getLogger(__name__)


class VectorIndex(ABC):
    name = "base"

    def __init__(self, dim: int, settings: IndexSettings) -> None:
        self.dim = dim
        self.settings = settings
        self._index: faiss.Index | None = None

    @abstractmethod
    def _make(self, n: int) -> faiss.Index: ...

    def _params(self, sel: faiss.IDSelector | None) -> faiss.SearchParameters | None:
        return faiss.SearchParameters(sel=sel) if sel is not None else None

    def build(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"expected vectors of shape (n, {self.dim}), got {vectors.shape}")
        index = self._make(len(vectors))
        if not index.is_trained and len(vectors):  # an empty IVF/SQ index cannot train; it stays empty
            index.train(_training_sample(vectors, index))
        if len(vectors):
            index.add(vectors)
        self._index = index

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, positions) per query; positions are -1 where fewer than k exist."""
        if self._index is None:
            raise RuntimeError("index not built or loaded")
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if queries.ndim != 2 or queries.shape[1] != self.dim:
            raise ValueError(f"expected queries of shape (n, {self.dim}), got {queries.shape}")
        n = self._index.ntotal
        k = max(1, min(k, n)) if n else 1
        if n == 0:
            return np.full((len(queries), k), -np.inf, "float32"), np.full((len(queries), k), -1, "int64")
        sel = None
        if allowed is not None:
            ids = np.flatnonzero(allowed).astype("int64")
            if len(ids) == 0:
                return np.full((len(queries), k), -np.inf, "float32"), np.full((len(queries), k), -1, "int64")
            sel = faiss.IDSelectorBatch(ids)
        params = self._params(sel)
        scores, ids = self._index.search(queries, k, params=params) if params else self._index.search(queries, k)
        return scores, ids

    def __len__(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal)

    def save(self, path: Path) -> None:
        if self._index is None:
            raise RuntimeError("nothing to save")
        faiss.write_index(self._index, str(path))

    def load(self, path: Path) -> None:
        self._index = faiss.read_index(str(path))
        if self._index.d != self.dim:
            raise ValueError(f"{path} holds {self._index.d}-d vectors, expected {self.dim}")
        self._configure(self._index)

    def _configure(self, index: faiss.Index) -> None:
        """Re-apply search-time knobs after load (they are not all persisted)."""


class FlatIndex(VectorIndex):
    name = "flat"

    def _make(self, n: int) -> faiss.Index:
        return faiss.IndexFlatIP(self.dim)


class IVFIndex(VectorIndex):
    name = "ivf"

    def _nlist(self, n: int) -> int:
        # ~4*sqrt(n) lists is FAISS's rule of thumb; capped by the setting and by the training data.
        return max(1, min(self.settings.ivf_nlist, int(4 * math.sqrt(max(n, 1))), max(1, n // 39)))

    def _make(self, n: int) -> faiss.Index:
        quantizer = faiss.IndexFlatIP(self.dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, self.dim, self._nlist(n), faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        self._configure(index)
        return index

    def _configure(self, index: faiss.Index) -> None:
        faiss.extract_index_ivf(index).nprobe = self.settings.ivf_nprobe

    def _params(self, sel: faiss.IDSelector | None) -> faiss.SearchParameters | None:
        return faiss.SearchParametersIVF(sel=sel, nprobe=self.settings.ivf_nprobe) if sel is not None else None


class HNSWIndex(VectorIndex):
    name = "hnsw"

    def _make(self, n: int) -> faiss.Index:
        index = faiss.IndexHNSWSQ(self.dim, faiss.ScalarQuantizer.QT_8bit, self.settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.settings.hnsw_ef_construction
        self._configure(index)
        return index

    def _configure(self, index: faiss.Index) -> None:
        faiss.downcast_index(index).hnsw.efSearch = self.settings.hnsw_ef_search

    def _params(self, sel: faiss.IDSelector | None) -> faiss.SearchParameters | None:
        return faiss.SearchParametersHNSW(sel=sel, efSearch=self.settings.hnsw_ef_search) if sel is not None else None


BACKENDS: dict[str, type[VectorIndex]] = {b.name: b for b in (FlatIndex, IVFIndex, HNSWIndex)}


def resolve_backend(settings: IndexSettings, n: int) -> str:
    """`auto` means exact search while it is affordable, IVF+SQ8 beyond `exact_max` vectors."""
    if settings.backend == "auto":
        return "flat" if n <= settings.exact_max else "ivf"
    if settings.backend not in BACKENDS:
        raise ValueError(f"unknown index backend {settings.backend!r}; valid: auto, {', '.join(BACKENDS)}")
    return settings.backend


def create_index(dim: int, settings: IndexSettings, n: int, backend: str | None = None) -> VectorIndex:
    name = backend or resolve_backend(settings, n)
    if name not in BACKENDS:
        raise ValueError(f"unknown index backend {name!r}; valid: {', '.join(BACKENDS)}")
    return BACKENDS[name](dim, settings)


def _training_sample(vectors: np.ndarray, index: faiss.Index, per_list: int = 64) -> np.ndarray:
    """IVF needs ~39+ points per list to train; more than ~256 per list adds time, not quality."""
    ivf = faiss.try_extract_index_ivf(index)
    want = len(vectors) if ivf is None else min(len(vectors), ivf.nlist * per_list * 4)
    if want >= len(vectors):
        return vectors
    rng = np.random.default_rng(0)
    return vectors[rng.choice(len(vectors), size=want, replace=False)]
