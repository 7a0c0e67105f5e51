"""Weighted reciprocal rank fusion (Cormack et al., 2009) of ranked lists of keys (chunk ids, positions).

Pure functions over keys; the retriever turns the result into Hits. Nothing is mutated.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

K = TypeVar("K", int, str)  # a ranked item: hashable and ordered, so ties break the same way every time


def rrf(
    rankings: Sequence[Sequence[K]],
    weights: Sequence[float] | None = None,
    k: int = 60,
    item_weight: Callable[[int, K], float] | None = None,
) -> list[tuple[K, float]]:
    """Fuse rankings (best first) into (key, score) pairs, best first.

    score(d) = sum_i w_i / (k + rank_i(d)), ranks starting at 1. k = 60 is the value of the original
    paper: it damps the lead of a first place so that agreement between retrievers counts for more than
    one retriever's confidence. `item_weight(i, key)` scales one item's contribution in ranking i
    (e.g. by whether the passage is in the question's language) without changing its rank. Ties are broken by the best single rank, then by key, so the order is
    deterministic.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(rankings)} rankings but {len(weights)} weights")
    if k < 0:
        raise ValueError("k must be >= 0")
    scores: dict[K, float] = {}
    best: dict[K, int] = {}
    for i, (ranking, w) in enumerate(zip(rankings, weights)):
        for r, pos in enumerate(ranking, 1):
            wi = w * item_weight(i, pos) if item_weight else w
            scores[pos] = scores.get(pos, 0.0) + wi / (k + r)
            best[pos] = min(best.get(pos, r), r)
    return sorted(scores.items(), key=lambda item: (-item[1], best[item[0]], item[0]))
