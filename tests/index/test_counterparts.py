"""`lookup --id` finds a passage's translations: the Debian Handbook's parallel pages, ingested for real.

A Turkish passage's Russian and English versions are known without reading them: the same page in the ru-RU and
en-US folders, under the heading at the same place in the page. The pages are the first of the translated ones
(benchmarks/data/handbook_pages.txt), not chosen by result; `benchmarks/lookup.py` measures all of them.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from evaluation.parallel import ParallelPages
from index.counterparts import similarity
from index.stores.base import Passage
from kaynak.config import Settings

pytestmark = pytest.mark.slow
HANDBOOK_HTML = Path("/usr/share/doc/debian-handbook/html")  # the handbook_pages fixture skips without it
LOCALES = ("tr-TR", "ru-RU", "en-US")
PAGES = 6


@pytest.fixture(scope="module")
def engine(handbook_pages: list[str], tmp_path_factory: pytest.TempPathFactory, model_path: Path):
    from app.engine import Engine

    eng = Engine(Settings(data_dir=tmp_path_factory.mktemp("parallel") / "data"))
    report = eng.ingest([HANDBOOK_HTML / loc / page for page in handbook_pages[:PAGES] for loc in LOCALES])
    assert not report.failed, report.failed
    return eng


def test_turkish_passages_find_their_russian_and_english_versions_first(engine) -> None:
    pages = ParallelPages(engine.chunks())
    right: dict[str, list[bool]] = defaultdict(list)
    for src in (c for c in pages.chunks if c.lang == "tr"):
        chunk, found = engine.lookup_id(src.id, ["ru", "en"], k=2)
        assert chunk == src
        for lang, hits in found.items():
            assert hits and all(h.chunk.lang == lang and 0 < h.score <= 1.0001 for h in hits)
            assert hits[0].score >= hits[-1].score
            truth = pages.counterparts(src, lang)
            if truth:
                right[lang].append(hits[0].chunk.id in truth)
    assert len(right["ru"]) >= 20 and len(right["en"]) >= 20, {k: len(v) for k, v in right.items()}
    assert np.mean(right["ru"]) >= 0.9 and np.mean(right["en"]) >= 0.9, {k: np.mean(v) for k, v in right.items()}


def test_similarity_is_one_for_the_same_passage_and_lower_for_another(engine) -> None:
    chunks = [c for c in engine.chunks() if c.lang == "tr"][:2]
    passages: dict[str, Passage] = engine.store.passages([c.id for c in chunks])
    a, b = (passages[c.id] for c in chunks)
    assert similarity(a, a) == pytest.approx(1.0, abs=1e-4)
    assert similarity(a, b) == pytest.approx(similarity(b, a), abs=1e-6)
    assert similarity(a, b) < 0.99


def test_a_counterpart_is_scored_with_its_neighbours(engine) -> None:
    """The leading candidates' scores mix in how well their neighbours say what the source's neighbours say;
    a source with no neighbour in its section keeps the plain similarity."""
    from index.counterparts import CONTEXT_WEIGHT, in_context

    store = engine.store
    src = next(c for c in engine.chunks() if c.lang == "tr" and all(store.neighbours(c.id)))
    source = store.passages([src.id])[src.id]
    ranked = sorted(((p.chunk, similarity(source, p)) for p in store.passages(
        [c.id for c in engine.chunks() if c.lang == "ru"]).values()), key=lambda x: -x[1])[:5]
    first, plain = ranked[0]
    mixed = {c.id: s for c, s in in_context(store, source, ranked)}
    around = [store.passages([c.id])[c.id] if c else None for c in store.neighbours(src.id)]
    theirs = [store.passages([c.id])[c.id] if c else None for c in store.neighbours(first.id)]
    met = [similarity(a, b) for a, b in zip(around, theirs) if a is not None and b is not None]
    context = sum(met) / len(met) if met else plain
    assert mixed[first.id] == pytest.approx((1 - CONTEXT_WEIGHT) * plain + CONTEXT_WEIGHT * context, abs=1e-6)
    alone = next(c for c in engine.chunks() if store.neighbours(c.id) == (None, None))
    lone = store.passages([alone.id])[alone.id]
    assert in_context(store, lone, ranked) == ranked
