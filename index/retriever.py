"""Hybrid retrieval: dense (multilingual e5 + FAISS) and lexical (BM25) ranks fused by weighted RRF.

Why the lexical weight is not a constant: BM25 is precise on exact names, numbers and dates, but only
when the question and the passage share a language. An English question over the Turkish body matches
little beyond names and numbers, and equal-weight fusion then drags good dense ranks down. So a lexical
rank counts fully only for passages in the question's language, and a small share otherwise.

Front and back matter (contents, index, title page, references: `Chunk.kind`) repeat the text's words without
saying anything about them, so they come after every passage of the body, unless a search asks for them by kind.

Then the leading passages are reranked (`rerank`, weights in `RerankParams`): by their best sentence — a passage
of ~600 characters often covers two or three facts and its one vector averages them, while a question about one
fact is closer to the sentence that states it —, by how much of the question the passage states word by word
(`index.alignment`: "Second Karabakh War" / "2. Karabağ Savaşı"), and by the question's numbers it states
(numbers read the same in every language). Sentence vectors and token states are stored at ingest, so this costs
a few matrix products.
"""
from __future__ import annotations

import logging
import math
import numpy as np

from index.alignment import QueryWords, coverage, query_words, word_scores
from index.embedder import Embedder
from index.fusion import rrf
from index.params import RerankParams, rerank_params
from index.stores.base import Filters, Passage, Store
from kaynak.config import Settings
from kaynak.lang import detect_lang
from kaynak.text import match_norm, numbers_share, stated_numbers
from kaynak.types import KINDS, Chunk, Hit

log = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "lexical")
MAX_QUERY_CHARS = 2000  # longer queries are clamped: e5 reads 512 tokens at most anyway
MAX_K = 100
CROSS_LANGUAGE_LEXICAL = 0.5  # share of the lexical weight for passages not in the question's language
class QueryError(ValueError):
    """A query that cannot be run; the message says why."""


def clamp_query(query: str) -> str:
    """Validate and normalise a query: empty is an error, and so is one with no letter or digit ("?", "..."),
    which would list passages matched by nothing; very long is clamped (documented in README)."""
    if not isinstance(query, str) or not query.strip():
        raise QueryError("the query is empty: type a question or some words to look for")
    if not any(ch.isalnum() for ch in query):
        raise QueryError("the query has no letter or digit: type a question or some words to look for")
    q = " ".join(query.split())
    if len(q) > MAX_QUERY_CHARS:
        log.warning("query of %d characters clamped to %d", len(q), MAX_QUERY_CHARS)
        q = q[:MAX_QUERY_CHARS]
    return q


def check_langs(langs: list[str] | None, known: tuple[str, ...]) -> list[str] | None:
    if not langs:
        return None
    langs = [l.strip().lower() for l in langs]  # "EN" is "en"
    bad = [l for l in langs if l not in known]
    if bad:
        raise QueryError(f"unknown language code(s) {', '.join(bad)}; valid: {', '.join(known)}")
    return list(langs)


def check_kinds(kinds: list[str] | None) -> list[str] | None:
    if not kinds:
        return None
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise QueryError(f"unknown kind(s) {', '.join(bad)}; valid: {', '.join(KINDS)}")
    return list(kinds)


def body_first(hits: list[Hit]) -> list[Hit]:
    """The body's passages in their order, then front and back matter in theirs."""
    return [h for h in hits if h.chunk.kind == "body"] + [h for h in hits if h.chunk.kind != "body"]


class Retriever:
    def __init__(self, settings: Settings, embedder: Embedder, store: Store) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store

    def search(
        self,
        query: str,
        k: int | None = None,
        mode: str | None = None,
        langs: list[str] | None = None,
        query_lang: str | None = None,
        kinds: list[str] | None = None,
        docs: list[str] | None = None,
    ) -> list[Hit]:
        return self.search_many([query], k=k, mode=mode, langs=langs, query_langs=[query_lang], kinds=kinds, docs=docs)[0]

    def search_many(
        self,
        queries: list[str],
        k: int | None = None,
        mode: str | None = None,
        langs: list[str] | None = None,
        query_langs: list[str | None] | None = None,
        kinds: list[str] | None = None,
        docs: list[str] | None = None,
    ) -> list[list[Hit]]:
        """Rank passages for each query; queries are embedded in one batch. `langs`, `kinds` and `docs` keep only
        passages in those languages, of those kinds (body, front, back) and documents; without `kinds`, front
        and back matter rank after the body."""
        rs = self.settings.retrieval
        mode = mode or rs.mode
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}; valid: {', '.join(MODES)}")
        k = rs.k if k is None else k
        if k <= 0:
            raise QueryError(f"k must be at least 1 (got {k})")
        langs = check_langs(langs, self.settings.chunking.languages)
        kinds = check_kinds(kinds)
        queries = [clamp_query(q) for q in queries]
        store = self.store
        n = store.count()
        k = min(k, MAX_K, n)
        if n == 0:
            return [[] for _ in queries]
        filters = Filters(langs=langs or (), kinds=kinds or (), docs=docs or ())
        depth = min(n, max(rs.candidates, 3 * k))
        qlangs = [ql or detect_lang(q, self.settings.chunking.languages) for q, ql in zip(queries, query_langs or [None] * len(queries))]

        dense_ranks: list[list[str]] = [[] for _ in queries]
        dense_scores: list[dict[str, float]] = [{} for _ in queries]
        words: list[QueryWords | None] = [None] * len(queries)
        if mode in ("hybrid", "dense"):
            self.embedder.warm_up()
            qv = np.empty((len(queries), self.embedder.dim), dtype=np.float32)
            for i, q in enumerate(queries):
                qv[i], words[i] = self.encode_query(q, qlangs[i])
            for i, ranked in enumerate(store.dense_search(qv, depth, filters)):
                dense_ranks[i] = [c for c, _ in ranked]
                dense_scores[i] = dict(ranked)
        lexical_ranks: list[list[str]] = [[] for _ in queries]
        if mode in ("hybrid", "lexical"):
            lexical_ranks = [[c for c, _ in ranked] for ranked in store.lexical_search(queries, depth, qlangs, filters)]
        chunks = store.chunks({c for ranks in (*dense_ranks, *lexical_ranks) for c in ranks})

        out = []
        for i in range(len(queries)):
            if mode == "dense":
                fused = [(c, dense_scores[i][c]) for c in dense_ranks[i]]
            elif mode == "lexical":
                fused = [(c, 1.0 / (rs.rrf_k + r)) for r, c in enumerate(lexical_ranks[i], 1)]
            else:
                fused = self._fuse(chunks, dense_ranks[i], lexical_ranks[i], qlangs[i])
            fused = [(c, s) for c, s in fused if c in chunks]  # a commit in between may have removed one
            if mode != "lexical" and rs.rerank_depth:
                params = rerank_params(self.settings.embedder.model)
                passages = store.passages(c for c, _ in fused[: rs.rerank_depth])
                fused = rerank(passages, qv[i], words[i], fused, rs.rerank_depth, stated_numbers(queries[i]), params)
            d_rank = {c: r for r, c in enumerate(dense_ranks[i], 1)}
            l_rank = {c: r for r, c in enumerate(lexical_ranks[i], 1)}
            hits = [Hit(chunks[c], s, d_rank.get(c), l_rank.get(c)) for c, s in fused]
            out.append(dedupe(hits if kinds else body_first(hits), k))
        return out

    def encode_query(self, query: str, lang: str) -> tuple[np.ndarray, QueryWords]:
        """The query's vector and its words with their token states (one forward pass)."""
        self.embedder.warm_up()
        vectors, states, _ = self.embedder.embed_with_tokens([query], kind="query")
        return vectors[0], query_words(query, states[0], lang)

    def _fuse(self, chunks: dict[str, Chunk], dense: list[str], lexical: list[str], qlang: str) -> list[tuple[str, float]]:
        rs = self.settings.retrieval

        def weight(i: int, chunk_id: str) -> float:
            c = chunks.get(chunk_id)
            return 1.0 if i == 0 or (c is not None and c.lang == qlang) else CROSS_LANGUAGE_LEXICAL

        return rrf([dense, lexical], [rs.dense_weight, rs.lexical_weight], k=rs.rrf_k, item_weight=weight)


def rerank(
    passages: dict[str, Passage],
    qv: np.ndarray,
    words: QueryWords | None,
    fused: list[tuple[str, float]],
    depth: int,
    numbers: frozenset[str],
    params: RerankParams,
) -> list[tuple[str, float]]:
    """The first `depth` of `fused` (chunk ids, scores) reordered by `rerank_features` weighed by `params`; the
    rest keep their order after them, with their fusion scores, which are lower."""
    head, tail = fused[:depth], fused[depth:]
    aligned = alignments([passages[c] for c, _ in head], words)
    rescored = [
        (c, params.score(rerank_features(passages[c], qv, a, rank, numbers)))
        for rank, ((c, _), a) in enumerate(zip(head, aligned))
    ]
    return sorted(rescored, key=lambda x: -x[1]) + tail


def alignments(passages: list[Passage], words: QueryWords | None) -> list[float]:
    """How much of the question each passage states word by word (`index.alignment.coverage`), all from one
    matrix product; 0 for a passage without token states, and for all when the query has no token states."""
    if words is None:
        return [0.0] * len(passages)
    have = [i for i, p in enumerate(passages) if p.tokens is not None]
    scores = word_scores(words, [passages[i].tokens.vectors for i in have])  # type: ignore[union-attr]
    out = [0.0] * len(passages)
    for i, s in zip(have, scores):
        out[i] = coverage(words, s)
    return out


def rerank_features(passage: Passage, qv: np.ndarray, aligned: float, rank: int, numbers: frozenset[str]) -> dict[str, float]:
    """What the rerank weighs for one passage (RerankParams.FEATURES): its best sentence's cosine with the query,
    its own cosine, how much of the question it states word by word (`alignments`), the share of the query's
    numbers it states, and ln(1 + its fused rank), which keeps what fusion added (names and numbers found by
    BM25) as a tie-breaker."""
    vector = float(np.asarray(passage.vector, dtype=np.float32) @ qv)
    sentence_vectors = passage.sentence_vectors
    best = float((sentence_vectors @ qv).max()) if len(sentence_vectors) else vector
    return {
        "sentence": best,
        "passage": vector,
        "alignment": aligned,
        "numbers": numbers_share(numbers, passage.chunk.text) if numbers else 0.0,
        "rank": math.log1p(rank),
    }


def dedupe(hits: list[Hit], k: int) -> list[Hit]:
    """Drop a hit mostly covered by a better one (overlapping chunk windows, or the same text twice)."""
    kept: list[Hit] = []
    seen_text: set[str] = set()
    for h in hits:
        c = h.chunk
        key = match_norm(c.text)
        if key in seen_text:
            continue
        if any(_overlap(c, o.chunk) > 0.5 for o in kept):
            continue
        kept.append(h)
        seen_text.add(key)
        if len(kept) == k:
            break
    return kept


def _overlap(a: Chunk, b: Chunk) -> float:
    if a.doc_id != b.doc_id:
        return 0.0
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(0, inter) / max(1, min(a.end - a.start, b.end - b.start))
