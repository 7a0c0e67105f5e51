"""Fit the rerank's weights (index/params.py) and judge them leaving each question set out in turn.

For every answerable question, the fused candidates (dense + BM25, before the rerank) are read to
--depth, each with its rerank features (`index.retriever.rerank_features`); a conditional logit learns weights
that put the passages holding an evidence quote first. Each set is then ranked with weights fitted on the other
sets and its recall@1/@5 and MRR@10 are printed beside the weights in use and beside no rerank at all. Sets of
several corpora are pooled: each set names its own index (--set NAME=DATA_DIR; a bare NAME uses --data-dir).

    .venv/bin/python benchmarks/fit_rerank.py --data-dir ~/.local/share/kaynak \
        --set dev --set calibration --set check2 --set check3 --set train --set handbook=/path/to/handbook-index \
        [--write]

--write saves the weights fitted on all sets to index/fitted/rerank-<model>.json.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before benchmarks/ (the script's folder): benchmarks/ingest.py is not the ingest package

import numpy as np  # noqa: E402

from app.engine import Engine  # noqa: E402
from fitting import Standardiser, engine_for, fit_choice, leave_one_out, load_set, parse_set, ranks_summary, table  # noqa: E402
from index.params import RerankParams, params_path, rerank_params  # noqa: E402
from index.retriever import alignments, rerank_features  # noqa: E402
from kaynak.config import Settings  # noqa: E402
from kaynak.lang import detect_lang  # noqa: E402
from kaynak.text import contains_quote, stated_numbers  # noqa: E402

FEATURES = RerankParams.FEATURES


def candidates(engine: Engine, qa: list[dict], depth: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per answerable question: the features of its fused candidates (rows) and which hold evidence."""
    retriever = engine.retriever
    out = []
    for item in qa:
        if not item["evidence"]:
            continue
        question = item["question"]
        lang = detect_lang(question, engine.settings.chunking.languages)
        hits = retriever.search(question, k=depth, query_lang=lang)  # rerank_depth is 0 here: fused order
        qv, words = retriever.encode_query(question, lang)
        numbers = stated_numbers(question)
        passages = engine.store.passages(h.chunk.id for h in hits)
        read = [passages[h.chunk.id] for h in hits]
        rows = [rerank_features(p, qv, a, r, numbers) for r, (p, a) in enumerate(zip(read, alignments(read, words)))]
        x = np.array([[f[k] for k in FEATURES] for f in rows], dtype=float).reshape(-1, len(FEATURES))
        relevant = np.array([any(contains_quote(h.chunk.text, e) for e in item["evidence"]) for h in hits], dtype=bool)
        out.append((x, relevant))
    return out


def first_ranks(cases: list[tuple[np.ndarray, np.ndarray]], weights: np.ndarray | None) -> list[int | None]:
    """Rank of the first relevant passage after reranking by `weights` (None: fused order)."""
    ranks = []
    for x, rel in cases:
        order = np.arange(len(rel)) if weights is None else np.argsort(-(x @ weights), kind="stable")
        hit = np.flatnonzero(rel[order])
        ranks.append(int(hit[0]) + 1 if len(hit) else None)
    return ranks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, help="index of the thesis (default: settings)")
    ap.add_argument("--set", action="append", required=True, help="NAME or NAME=DATA_DIR")
    ap.add_argument("--depth", type=int, default=30)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    engines: dict[Path | None, Engine] = {}
    data: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for spec in a.set:
        name, data_dir = parse_set(spec, a.data_dir)
        engine = engine_for(data_dir, engines, lambda s: s.model_copy(update={"retrieval": replace_retrieval(s, a.depth)}))
        data[name] = candidates(engine, load_set(name), a.depth)
        print(f"{name}: {len(data[name])} answerable questions", file=sys.stderr)
    model = next(iter(engines.values())).settings.embedder.model
    current = rerank_params(model)
    w_current = np.array([current.weights.get(k, 0.0) for k in FEATURES])
    rows = []
    for held, fit_on in leave_one_out(data):
        x = np.vstack([c[0] for n in fit_on for c in data[n]])
        std = Standardiser.fit(x)
        cases = [(std(c[0]), c[1]) for n in fit_on for c in data[n]]
        groups, pos, off = [], [], 0
        for cx, rel in cases:
            groups.append(np.arange(off, off + len(rel)))
            pos.append(rel)
            off += len(rel)
        w = fit_choice(np.vstack([c[0] for c in cases]), groups, np.concatenate(pos), l2=a.l2)
        w_raw, _ = std.raw(w)
        for label, weights in (("fused", None), ("in use", w_current), ("fitted without it", w_raw)):
            rows.append({"set": held, "rerank": label, **ranks_summary(first_ranks(data[held], weights))})
    print(table(rows, ["set", "rerank", "R@1", "R@5", "MRR"]))
    x = np.vstack([c[0] for cs in data.values() for c in cs])
    std = Standardiser.fit(x)
    cases = [(std(c[0]), c[1]) for cs in data.values() for c in cs]
    groups, off = [], 0
    for _, rel in cases:
        groups.append(np.arange(off, off + len(rel)))
        off += len(rel)
    w = fit_choice(np.vstack([c[0] for c in cases]), groups, np.concatenate([c[1] for c in cases]), l2=a.l2)
    w_raw, _ = std.raw(w)
    # only differences within a question matter: scale so the sentence cosine weighs 1
    w_raw = w_raw / w_raw[FEATURES.index("sentence")]
    fitted = RerankParams(weights={k: round(float(v), 4) for k, v in zip(FEATURES, w_raw)}, model=model,
                          fitted_on=", ".join(data))
    print("fitted on all sets:", fitted.weights)
    if a.write:
        path = params_path(model)
        fitted.save(path)
        print("wrote", path)


def replace_retrieval(settings: Settings, depth: int):
    """Retrieval settings that return the fused order to `depth` (no rerank)."""
    return settings.retrieval.model_copy(update={"rerank_depth": 0, "k": depth})


if __name__ == "__main__":
    main()
