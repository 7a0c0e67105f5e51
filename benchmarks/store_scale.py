"""The stores at scale, end to end through `index.stores` (`benchmarks/scale.py --store files,milvus`).

Per store, on the same synthetic passages: the commit (insert rate; for files that includes building FAISS and
BM25, for Milvus the engine indexes as it goes and `index ready` is the wait after the commit until it reports
every row indexed), the memory it serves from (files: RSS this process gains by loading the generation; Milvus:
RSS of the engine's process), single-query latency p50/p95 of `dense_search` (k=10) with recall@10 against exact
inner product, and of `lexical_search` (k=10) with its overlap@10 with the files store's BM25 (the same tokens:
the two should agree).

The passages: vectors from `scale.clustered_embeddings`; texts of ~60 words drawn Zipf-like from a vocabulary of
pseudo-words (so BM25 has rare and common terms); each with one sentence and one token state, not ~130: the
search path is what is measured here, and real token states take ~50 kB a passage (50 GB at 1M) in either store.
"""
from __future__ import annotations

import argparse
import gc
import json
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

from index.embedder import TokenStates
from index.store import DocRecord, Manifest
from index.stores.base import Passage, Store
from index.stores.factory import create_store
from kaynak.config import Settings
from kaynak.types import Chunk

K = 10
DOC_CHUNKS = 1000  # passages per synthetic document


def vocabulary(n: int, rng: np.random.Generator) -> list[str]:
    letters = list(string.ascii_lowercase + "çğıöşü")
    return ["".join(rng.choice(letters, size=rng.integers(4, 11))) for _ in range(n)]


def passages(vectors: np.ndarray, words: list[str], rng: np.random.Generator) -> list[Passage]:
    ranks = np.minimum(rng.zipf(1.2, size=(len(vectors), 60)), len(words)) - 1
    out = []
    for i, v in enumerate(vectors):
        text = " ".join(words[j] for j in ranks[i]) + "."
        doc = f"doc{i // DOC_CHUNKS:05d}.txt"
        start = (i % DOC_CHUNKS) * 1000
        chunk = Chunk(f"{i:016x}", doc, text, (f"Section {i // 50}",), 1, 1, "tr", start, start + len(text))
        one = v.reshape(1, -1)
        out.append(Passage(chunk, v, [(0, len(text))], one, TokenStates(one, np.array([[0, 4]], np.int32), np.array([True]))))
    return out


def manifest(ps: list[Passage], dim: int) -> Manifest:
    docs: dict[str, DocRecord] = {}
    for p in ps:
        d = docs.setdefault(p.chunk.doc_id, DocRecord(p.chunk.doc_id, "/synthetic/" + p.chunk.doc_id, "-", "text", "-", 0, {"tr": 0}, ""))
        d.n_chunks += 1
        d.langs["tr"] += 1
    return Manifest(model="synthetic", dim=dim, chunker_version="-", index_backend="", docs=docs)


def timed(fn, queries) -> tuple[dict[str, float], list]:
    fn(queries[0])  # warm
    wall, out = [], []
    for q in queries:
        t0 = time.perf_counter()
        out.append(fn(q))
        wall.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(float(np.percentile(wall, 50)), 2), "p95_ms": round(float(np.percentile(wall, 95)), 2)}, out


def engine_rss_mb() -> float:
    """RSS of milvus-lite's engine processes (children of this one)."""
    kids = [p for p in psutil.Process().children(recursive=True) if "milvus" in p.name()]
    return round(sum(p.memory_info().rss for p in kids) / 2**20, 1)


def wait_indexed(store: Store, timeout: float = 1800) -> float | None:
    """Seconds until Milvus reports every row of the chunks collection indexed (None: it does not say)."""
    client = store.client  # type: ignore[attr-defined]
    name = store.chunks_name  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    client.flush(name)
    while time.perf_counter() - t0 < timeout:
        info = client.describe_index(name, "vector")
        if "pending_index_rows" not in info:
            return None
        if int(info["pending_index_rows"]) == 0 and int(info.get("indexed_rows", 0)) >= int(info.get("total_rows", 0)):
            return round(time.perf_counter() - t0, 1)
        time.sleep(1)
    return None


def run_store(backend: str, ps: list[Passage], queries: np.ndarray, texts: list[str], truth: list[list[str]], args, root: Path) -> dict:
    data_dir = root / backend
    store_cfg = {"backend": backend, "uri": str(data_dir / "kaynak.db"),
                 "milvus": {"dense_index": args.milvus_index, "nlist": args.milvus_nlist, "nprobe": args.milvus_nprobe, "batch": 2000}}
    settings = Settings(data_dir=data_dir, store=store_cfg)
    store = create_store(settings)
    before = psutil.Process().memory_info().rss
    t0 = time.perf_counter()
    with store.writer():
        store.commit(manifest(ps, queries.shape[1]), ps, [])
    commit_s = time.perf_counter() - t0
    r: dict = {"commit_s": round(commit_s, 1), "insert_rows_per_s": round(len(ps) / commit_s)}
    if backend == "milvus":
        r["index_ready_s"] = wait_indexed(store)
    else:
        store.close()
        gc.collect()
        before = psutil.Process().memory_info().rss
        store = create_store(settings)
        t1 = time.perf_counter()
        store.count()  # loads the generation
        r["load_s"] = round(time.perf_counter() - t1, 1)
    dense, found = timed(lambda q: store.dense_search(q.reshape(1, -1), K)[0], queries)
    r["dense"] = {**dense, "recall@10": round(float(np.mean([len({c for c, _ in f} & set(t)) / K for f, t in zip(found, truth)])), 3)}
    lexical, lfound = timed(lambda q: store.lexical_search([q], K, ["tr"])[0], texts)
    r["lexical"] = lexical
    r["lexical_ids"] = [[c for c, _ in f] for f in lfound]
    r["rss_mb"] = engine_rss_mb() if backend == "milvus" else round((psutil.Process().memory_info().rss - before) / 2**20, 1)
    r["disk_mb"] = round(sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file()) / 2**20, 1)
    store.close()
    return r


def run(args: argparse.Namespace) -> int:
    from scale import clustered_embeddings, exact_top

    root = Path(args.tmp or tempfile.mkdtemp(prefix="kaynak-store-scale-"))
    results: dict = {}
    for n in [int(x) for x in args.sizes.split(",")]:
        rng = np.random.default_rng(0)
        data, queries = clustered_embeddings(n, args.queries, centres=args.centres)
        words = vocabulary(50_000, rng)
        ps = passages(data, words, rng)
        texts = [" ".join(words[j] for j in rng.integers(0, 3000, 3)) for _ in range(args.queries)]
        truth = [[f"{i:016x}" for i in row] for row in exact_top(data, queries, K)]
        print(f"n={n:,}: {len(ps):,} passages, {args.queries} queries", flush=True)
        row = {}
        for backend in [b.strip() for b in args.store.split(",") if b.strip()]:
            shutil.rmtree(root / backend, ignore_errors=True)
            row[backend] = run_store(backend, ps, queries, texts, truth, args, root)
            shutil.rmtree(root / backend, ignore_errors=True)
            print(f"  {backend:>6}: " + json.dumps({k: v for k, v in row[backend].items() if k != "lexical_ids"}), flush=True)
        if {"files", "milvus"} <= set(row):
            overlap = [len(set(a) & set(b)) / max(1, len(a)) for a, b in zip(row["files"]["lexical_ids"], row["milvus"]["lexical_ids"]) if a]
            row["lexical_overlap@10"] = round(float(np.mean(overlap)), 3)
            print(f"  BM25 top-10 overlap, milvus vs files: {row['lexical_overlap@10']}", flush=True)
        for r in row.values():
            if isinstance(r, dict):
                r.pop("lexical_ids", None)
        results[n] = row
        del ps, data
        gc.collect()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--store", help="compare stores end to end instead of FAISS indexes: files,milvus")
    ap.add_argument("--sizes", default="100000,1000000", help="with --store: passages per run")
    ap.add_argument("--milvus-index", default="IVF_FLAT", help="with --store: the Milvus dense index")
    ap.add_argument("--milvus-nlist", type=int, default=1024)
    ap.add_argument("--milvus-nprobe", type=int, default=16)
    ap.add_argument("--tmp", help="with --store: where the stores are written (default: a temp dir)")


if __name__ == "__main__":
    sys.exit("run it as benchmarks/scale.py --store files,milvus")
