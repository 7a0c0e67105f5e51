"""Retrieval quality, latency and ingest time: kaynak (hybrid, dense, lexical) beside the naive recipe.

Naive recipe (the baseline, built in the same run with the same embedder): LangChain's
RecursiveCharacterTextSplitter 1000/200 on the raw thesis file + multilingual-e5-small + FAISS flat.

Prints recall@1/5/10, MRR@10 and nDCG@10 per question language (a hit = a returned passage holds a whole
evidence quote, the scorer's rule), search latency p50/p95 with query embedding included, cold ingest of the
thesis with embedding, and re-ingest of the unchanged thesis.

    .venv/bin/python benchmarks/retrieval.py [--qa kaynak/data/dev_qa.jsonl] [--skip-naive]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from app.engine import Engine  # noqa: E402
from index.embedder import Embedder  # noqa: E402
from kaynak.config import BUNDLED_CORPUS, BUNDLED_DEV_QA, Settings  # noqa: E402
from kaynak.text import contains_quote  # noqa: E402


def first_rank(texts: list[str], evidence: list[str]) -> int | None:
    return next((r for r, t in enumerate(texts[:10], 1) if any(contains_quote(t, e) for e in evidence)), None)


def table(name: str, qa: list[dict], ranks: list[int | None], rels: list[list[bool]]) -> None:
    groups = defaultdict(list)
    for q, r, rel in zip(qa, ranks, rels):
        for key in ("all", q["lang"]):
            groups[key].append((r, rel))
    for key in ["all", "tr", "en", "ru", "ky"]:
        rows = groups.get(key)
        if not rows:
            continue
        n = len(rows)
        r1 = sum(r == 1 for r, _ in rows) / n
        r5 = sum(r is not None and r <= 5 for r, _ in rows) / n
        r10 = sum(r is not None for r, _ in rows) / n
        mrr = sum(1 / r for r, _ in rows if r) / n
        ndcg = sum(ndcg10(rel) for _, rel in rows) / n
        print(f"{name:<10}{key:<5}{n:>4}{r1:>7.3f}{r5:>7.3f}{r10:>7.3f}{mrr:>7.3f}{ndcg:>8.3f}")


def ndcg10(rel: list[bool]) -> float:
    """Binary-relevance nDCG@10 over the returned list (ideal = all relevant returned first)."""
    dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(rel[:10]) if r)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, sum(rel)) or 1))
    return dcg / ideal if any(rel) else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qa", default=str(BUNDLED_DEV_QA))
    ap.add_argument("--skip-naive", action="store_true")
    a = ap.parse_args()
    qa = [json.loads(line) for line in Path(a.qa).read_text(encoding="utf-8").splitlines() if line.strip()]
    qa = [q for q in qa if q["evidence"]]
    questions = [q["question"] for q in qa]

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), auto_ingest=False)
        eng = Engine(settings)
        eng.embedder.warm_up()  # model load is not ingest time
        t = time.perf_counter()
        report = eng.ingest([BUNDLED_CORPUS])
        cold = time.perf_counter() - t
        t = time.perf_counter()
        again = eng.ingest([BUNDLED_CORPUS])
        warm = time.perf_counter() - t
        print(f"cold ingest (parse + embed {report.embedded} chunks + index): {cold:.1f} s")
        print(f"re-ingest unchanged: {warm:.2f} s (embedded {again.embedded})")

        print(f"\n{'system':<10}{'lang':<5}{'n':>4}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR':>7}{'nDCG@10':>8}")
        for mode in ("hybrid", "dense", "lexical"):
            results = eng.search_many(questions, k=10, mode=mode)
            texts = [[h.chunk.text for h in hits] for hits in results]
            rels = [[any(contains_quote(t, e) for e in q["evidence"]) for t in ts] for q, ts in zip(qa, texts)]
            table(mode, qa, [first_rank(ts, q["evidence"]) for q, ts in zip(qa, texts)], rels)

        lat = []
        for q in questions * 2:
            t = time.perf_counter()
            eng.search(q, k=10)
            lat.append(time.perf_counter() - t)
        print(f"\nhybrid search latency (query embedding included): p50 {1000 * statistics.median(lat):.1f} ms, "
              f"p95 {1000 * float(np.percentile(lat, 95)):.1f} ms over {len(lat)} queries")

    if a.skip_naive:
        return
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    emb = Embedder(Settings())
    emb.warm_up()
    t = time.perf_counter()
    pieces = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(
        BUNDLED_CORPUS.read_text(encoding="utf-8"))
    vecs = emb.embed_passages(pieces)
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    naive_ingest = time.perf_counter() - t
    _, ids = index.search(emb.embed_queries(questions), 10)
    texts = [[pieces[i] for i in row] for row in ids]
    rels = [[any(contains_quote(t, e) for e in q["evidence"]) for t in ts] for q, ts in zip(qa, texts)]
    table("naive", qa, [first_rank(ts, q["evidence"]) for q, ts in zip(qa, texts)], rels)
    print(f"\nnaive ingest (split + embed {len(pieces)} pieces + FAISS flat): {naive_ingest:.1f} s; "
          f"kaynak cold ingest {cold:.1f} s = {cold / naive_ingest:.2f} of it")


if __name__ == "__main__":
    main()
