"""A stored passage's counterparts in another language: the passages that say the same thing, sentence by sentence.

A translation states each sentence of its source, while a passage on the same subject states only some: so a
candidate is scored by how well the two passages' sentences meet each other (each sentence's closest sentence on
the other side, cosine of the stored sentence vectors, in both directions) as well as by the passages' own
vectors, the three averaged. On the Debian Handbook's parallel pages (a passage's versions in the other
languages are known from page and heading) the first hit is a true counterpart for 0.913 of sampled passages over
the six directions between Turkish, Russian and English, where the passage's text searched as a question gave
0.888 (on a sample of 150 per language); weights fitted on five directions and tested on the sixth stay near
equal and score 0.918, so they are not fitted (docs/evaluation.md, `benchmarks/lookup.py`).

Candidates come from two searches that miss different things: the passage's own stored vector against the other
language's vectors, and the question path's hits, which the caller passes in.

A translation also keeps its source's order, as sentence aligners of parallel text assume (vecalign, Bleualign):
the passage before a true counterpart says what the passage before the source says. So the leading candidates
are scored again with their neighbours' similarity to the source's neighbours (`CONTEXT_WEIGHT`), which tells a
translated page from another page on the same subject: on the Handbook the first hit is a true counterpart for
0.887 of sampled passages instead of 0.857, the mean over the six directions (docs/evaluation.md).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.stores.base import Filters, Passage, Store
from kaynak.types import Chunk

# Candidates taken from the search by the passage's stored vector, per language.
DEPTH = 20
# The leading candidates scored again with their neighbours, and the neighbours' share of that score.
CONTEXT_DEPTH, CONTEXT_WEIGHT = 10, 1 / 3


def similarity(a: Passage, b: Passage) -> float:
    """How surely `b` says what `a` says: the mean of a's sentences' best cosine among b's, of b's among a's, and
    of the two passages' own vectors (1.0: the same text). A passage without sentence vectors counts by its own
    vector alone."""
    cosine = float(np.asarray(a.vector, dtype=np.float32) @ np.asarray(b.vector, dtype=np.float32))
    if not len(a.sentence_vectors) or not len(b.sentence_vectors):
        return cosine
    m = a.sentence_vectors @ b.sentence_vectors.T
    return float((m.max(axis=1).mean() + m.max(axis=0).mean() + cosine) / 3)


def counterparts(store: Store, source: Passage, lang: str, also: Sequence[str] = ()) -> list[tuple[Chunk, float]]:
    """Chunks in `lang` with their `similarity` to `source`, best first: the `DEPTH` nearest by passage vector,
    and `also` (ids found otherwise); the source itself is never its own counterpart."""
    vector = np.asarray(source.vector, dtype=np.float32)[None, :]
    nearest = [c for c, _ in store.dense_search(vector, DEPTH, Filters(langs=(lang,)))[0]]
    ids = [c for c in dict.fromkeys([*nearest, *also]) if c != source.chunk.id]
    passages = store.passages(ids)
    scored = sorted(((passages[c].chunk, similarity(source, passages[c])) for c in ids if c in passages),
                    key=lambda x: -x[1])
    return in_context(store, source, scored)


def in_context(store: Store, source: Passage, ranked: list[tuple[Chunk, float]]) -> list[tuple[Chunk, float]]:
    """`ranked` with each of its first `CONTEXT_DEPTH` candidates' score mixed with how well its neighbours say
    what the source's neighbours say (the passage before with the passage before, after with after; neighbours
    within one section, as the store gives them). A candidate or source without neighbours keeps its score."""
    around_source = store.neighbours(source.chunk.id)
    if around_source == (None, None):
        return ranked
    head = ranked[:CONTEXT_DEPTH]
    around = {c.id: store.neighbours(c.id) for c, _ in head}
    pairs = {c.id: [(a.id, b.id) for a, b in zip(around_source, around[c.id]) if a is not None and b is not None]
             for c, _ in head}
    passages = store.passages({i for ps in pairs.values() for pair in ps for i in pair})
    rescored = []
    for chunk, score in head:
        met = [similarity(passages[a], passages[b]) for a, b in pairs[chunk.id] if a in passages and b in passages]
        context = sum(met) / len(met) if met else score
        rescored.append((chunk, (1 - CONTEXT_WEIGHT) * score + CONTEXT_WEIGHT * context))
    return sorted(rescored + ranked[CONTEXT_DEPTH:], key=lambda x: -x[1])
