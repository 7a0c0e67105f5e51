"""BM25 over passages, by position, with the language-aware tokenizer of ``index.tokenize``.

bm25s does the scoring (scores precomputed into a sparse matrix at build time); this class owns the
tokenizer, the language filter and the folder format:

    <dir>/lexical.json   format, tokenizer version, BM25 parameters, document count
    <dir>/bm25s/         bm25s' own save (params.index.json, vocab.index.json, *.npy)

A saved index is refused when its tokenizer version differs from the running one: its tokens would not meet
the query's.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from index.tokenize import TOKENIZER_VERSION, query_tokens, tokenize

FORMAT = "kaynak-bm25/1"
PARAMS_FILE = "lexical.json"
BM25S_DIR = "bm25s"


class LexicalIndexError(ValueError):
    """A saved lexical index cannot be used; the message says why."""


class BM25Index:
    """BM25 (bm25s, Lucene variant) over texts indexed by position 0..n-1."""

    def __init__(self, k1: float = 1.5, b: float = 0.75, method: str = "lucene", cross_stem: bool = True) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        # bm25s' defaults; the dev set is too small to tune them (k1 0.9..2.0, b 0.4..0.9 move R@1 by one question).
        self.k1 = k1
        self.b = b
        self.method = method
        self.cross_stem = cross_stem  # English/undetected Latin queries also stemmed as Turkish
        self._bm25: bm25s.BM25 | None = None
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def build(self, texts: list[str], langs: list[str]) -> None:
        """Index `texts` (position i has language langs[i]); replaces any earlier content."""
        if len(texts) != len(langs):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        self._n = len(texts)
        if not texts:
            self._bm25 = None
            return
        corpus = [tokenize(t, l) for t, l in zip(texts, langs)]
        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b, method=self.method)
        self._bm25.index(corpus, show_progress=False)

    def search(
        self, query: str, k: int, query_lang: str | None = None, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Best `k` (position, score), best first; only positive scores. `allowed`: boolean mask over
        positions (e.g. a language filter); False positions are never returned."""
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        if allowed is not None:
            allowed = np.asarray(allowed)
            if allowed.dtype != bool or allowed.shape != (self._n,):
                raise ValueError(f"allowed must be a boolean array of shape ({self._n},), got "
                                 f"{allowed.dtype} {allowed.shape}")
        if self._bm25 is None:
            return []
        ids = self._bm25.get_tokens_ids(query_tokens(query, query_lang, self.cross_stem))
        if not ids:
            return []
        scores = self._bm25.get_scores_from_ids(ids)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        cand = np.flatnonzero(scores > 0)
        if cand.size > k:
            cand = cand[np.argpartition(-scores[cand], k - 1)[:k]]
        # Ties keep position order so results are reproducible.
        order = np.lexsort((cand, -scores[cand]))
        return [(int(cand[i]), float(scores[cand[i]])) for i in order]

    # -- persistence -------------------------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "tokenizer_version": TOKENIZER_VERSION,
            "k1": self.k1,
            "b": self.b,
            "method": self.method,
            "cross_stem": self.cross_stem,
            "num_docs": self._n,
            "bm25s_version": getattr(bm25s, "__version__", "unknown"),
        }

    def save(self, dir: Path) -> None:
        """Write to a temp folder beside `dir`, then swap it in, so a reader never sees half an index."""
        dir = Path(dir)
        dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dir.name}.", dir=dir.parent))
        try:
            if self._bm25 is not None:
                self._bm25.save(str(tmp / BM25S_DIR), show_progress=False)
            (tmp / PARAMS_FILE).write_text(json.dumps(self.params(), indent=2) + "\n", encoding="utf-8")
            old = None
            if dir.exists():
                old = dir.with_name(f".{dir.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(dir, old)
            os.replace(tmp, dir)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, dir: Path, mmap: bool = False) -> BM25Index:
        dir = Path(dir)
        path = dir / PARAMS_FILE
        if not path.is_file():
            raise LexicalIndexError(f"{dir} is not a lexical index: {PARAMS_FILE} is missing")
        p = json.loads(path.read_text(encoding="utf-8"))
        if p.get("format") != FORMAT:
            raise LexicalIndexError(f"{path}: format {p.get('format')!r}, expected {FORMAT!r}")
        if p.get("tokenizer_version") != TOKENIZER_VERSION:
            raise LexicalIndexError(
                f"{path}: built with tokenizer version {p.get('tokenizer_version')!r}, this code tokenizes with "
                f"{TOKENIZER_VERSION!r}; rebuild the index"
            )
        try:
            index = cls(k1=p["k1"], b=p["b"], method=p["method"], cross_stem=p["cross_stem"])
            index._n = int(p["num_docs"])
        except KeyError as e:
            raise LexicalIndexError(f"{path}: missing key {e}") from e
        if index._n:
            index._bm25 = bm25s.BM25.load(str(dir / BM25S_DIR), mmap=mmap, show_progress=False)
            if index._bm25.scores["num_docs"] != index._n:
                raise LexicalIndexError(f"{dir}: {BM25S_DIR} holds {index._bm25.scores['num_docs']} documents, "
                                        f"{PARAMS_FILE} says {index._n}")
        return index
