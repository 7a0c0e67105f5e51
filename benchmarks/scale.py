"""The dense index at scale: IVF+SQ8 (and HNSW+SQ8) beside exact flat search, on synthetic embeddings.

    .venv/bin/python benchmarks/scale.py [--n 1000000] [--queries 1000] [--backends ivf,hnsw]
                                         [--hnsw-budget 600] [--nprobe 8,16,32] [--json out.json]
    .venv/bin/python benchmarks/scale.py --store files,milvus [--sizes 100000,1000000] [--queries 200]

With `--store`, the stores are compared end to end instead (`benchmarks/store_scale.py`).

What it measures, per backend, through kaynak's own `index.dense` classes and `IndexSettings` defaults:
build time (train + add), memory (RSS delta of the building process, the serialised FAISS index size, and
the RSS a fresh process gains by loading the saved index: what serving costs), single-query latency p50/p95
over `--queries` queries (one `search()` call each, k=10, as the retriever issues them; wall and CPU time),
and recall@10 against exact inner-product search (flat, computed in batches). Flat is the baseline: its
memory and latency are what the approximate indexes are meant to beat.

The data (`clustered_embeddings`): real sentence embeddings are neither uniform on the sphere (too hard for
any ANN index) nor a handful of tight blobs (too easy). The generator mixes
- a shared mean direction (e5 vectors are anisotropic: random pairs have cosine ~0.7-0.8 in real e5 data),
- `--centres` (1000) topic centres, each drawn around that mean, with Zipf-like sizes (some topics large),
- within a topic, variation mostly along a topic's own `local_dim` (24) directions plus small isotropic noise,
  so the intrinsic dimension is low, as it is for text embeddings,
all L2-normalised, float32, 384-d. Queries are fresh draws from the same mixture (not stored rows).
Goals: <= 5 ms per query, recall@10 >= 0.95, <= 700 MB for 1M vectors.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import faiss  # noqa: E402
import numpy as np  # noqa: E402
import psutil  # noqa: E402
import store_scale  # noqa: E402

from index.dense import BACKENDS, VectorIndex, _training_sample, create_index  # noqa: E402
from kaynak.config import IndexSettings  # noqa: E402

DIM = 384
K = 10


def clustered_embeddings(
    n: int, n_queries: int, dim: int = DIM, centres: int = 1000, local_dim: int = 24, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """`n` stored vectors and `n_queries` query vectors from one clustered mixture (see the module doc)."""
    rng = np.random.default_rng(seed)
    mean = rng.standard_normal(dim).astype("float32")
    mean /= np.linalg.norm(mean)
    c = rng.standard_normal((centres, dim)).astype("float32")
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    c = 1.0 * mean + c  # topics share a common direction (anisotropy): centre-centre cosine ~0.5
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    sizes = 1.0 / np.arange(1, centres + 1) ** 0.5  # Zipf-like topic sizes
    p = sizes / sizes.sum()
    total = n + n_queries
    labels = rng.choice(centres, size=total, p=p)
    out = np.empty((total, dim), dtype="float32")
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(centres + 1))
    for t in range(centres):
        rows = order[bounds[t]:bounds[t + 1]]
        if len(rows) == 0:
            continue
        basis = rng.standard_normal((local_dim, dim)).astype("float32") / np.sqrt(dim)
        # |local| ~ 0.45, |iso| ~ 0.12 against a unit centre: two points of a topic have cosine ~0.8
        z = rng.standard_normal((len(rows), local_dim)).astype("float32") * (0.45 / np.sqrt(local_dim))
        iso = rng.standard_normal((len(rows), dim)).astype("float32") * (0.12 / np.sqrt(dim))
        out[rows] = c[t] + z @ basis + iso
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    perm = rng.permutation(total)  # queries are not the rows of one topic
    out = out[perm]
    return out[:n], out[n:]


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def index_bytes(index: VectorIndex) -> int:
    return int(faiss.serialize_index(index._index).nbytes)


def serving_rss_mb(index: VectorIndex, tmp: Path) -> float:
    """RSS a fresh process gains by loading the saved index, as the store loads dense.faiss to serve.

    The builder's own RSS delta also holds training copies the allocator keeps; this is what serving costs.
    """
    path = tmp / f"scale-{index.name}.faiss"
    index.save(path)
    code = (
        "import faiss, psutil, sys; p = psutil.Process(); before = p.memory_info().rss; "
        "ix = faiss.read_index(sys.argv[1]); print((p.memory_info().rss - before) / 2**20)"
    )
    import subprocess

    try:
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        return round(float(out.stdout.strip()), 1)
    finally:
        path.unlink(missing_ok=True)


def exact_top(data: np.ndarray, queries: np.ndarray, k: int, batch: int = 100) -> np.ndarray:
    """Exact top-k by inner product, in query batches (a flat FAISS index over `data`)."""
    flat = faiss.IndexFlatIP(data.shape[1])
    flat.add(data)
    out = np.empty((len(queries), k), dtype="int64")
    for i in range(0, len(queries), batch):
        out[i:i + batch] = flat.search(queries[i:i + batch], k)[1]
    del flat
    return out


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[f >= 0].tolist()) & set(t.tolist())) / len(t) for f, t in zip(found, truth)]))


def latency(index: VectorIndex, queries: np.ndarray, k: int = K) -> tuple[dict[str, float], np.ndarray]:
    """Wall-clock and CPU time of one `search()` per query, one FAISS thread (a single query's scan runs on
    one thread anyway; idle OpenMP workers would only add spin time). CPU time is what a loaded machine cannot
    inflate, wall time is what a user waits."""
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return _latency(index, queries, k)
    finally:
        faiss.omp_set_num_threads(threads)


def _latency(index: VectorIndex, queries: np.ndarray, k: int) -> tuple[dict[str, float], np.ndarray]:
    index.search(queries[:5], k)  # warm caches
    wall = np.empty(len(queries))
    cpu = np.empty(len(queries))
    ids = np.empty((len(queries), k), dtype="int64")
    for i in range(len(queries)):
        c0, t0 = time.process_time(), time.perf_counter()
        _, found = index.search(queries[i], k)
        wall[i], cpu[i] = time.perf_counter() - t0, time.process_time() - c0
        ids[i] = found[0]
    wall, cpu = wall * 1000, cpu * 1000
    return {"p50_ms": float(np.percentile(wall, 50)), "p95_ms": float(np.percentile(wall, 95)),
            "mean_ms": float(wall.mean()), "cpu_p50_ms": float(np.percentile(cpu, 50)),
            "cpu_p95_ms": float(np.percentile(cpu, 95))}, ids


def build(backend: str, data: np.ndarray, settings: IndexSettings, budget: float, batch: int = 20_000) -> tuple[VectorIndex | None, dict]:
    """kaynak's build (train on its sample, then add), in batches so a build over `budget` seconds stops."""
    vi = create_index(data.shape[1], settings, len(data), backend=backend)
    before = rss()
    t0 = time.perf_counter()
    index = vi._make(len(data))
    info: dict = {}
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        info["nlist"] = int(ivf.nlist)
    if not index.is_trained:
        sample = _training_sample(data, index)
        info["train_points"] = len(sample)
        index.train(sample)
        info["train_s"] = round(time.perf_counter() - t0, 1)
    for i in range(0, len(data), batch):
        index.add(data[i:i + batch])
        elapsed = time.perf_counter() - t0
        if elapsed > budget and i + batch < len(data):
            done = i + batch
            return None, {**info, "skipped": f"over the {budget:.0f} s budget after {done:,} of {len(data):,} "
                          f"vectors ({elapsed:.0f} s; ~{elapsed * len(data) / done / 60:.0f} min projected)"}
    vi._index = index
    info["build_s"] = round(time.perf_counter() - t0, 1)
    info["rss_delta_mb"] = round((rss() - before) / 2**20, 1)
    info["index_mb"] = round(index_bytes(vi) / 2**20, 1)
    info["serve_rss_mb"] = serving_rss_mb(vi, tmp_dir())
    return vi, info


def tmp_dir() -> Path:
    import tempfile

    return Path(os.environ.get("KAYNAK_BENCH_TMP") or tempfile.gettempdir())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="stored vectors")
    ap.add_argument("--queries", type=int, default=1000, help="queries for latency and recall")
    ap.add_argument("--flat-queries", type=int, default=200, help="queries timed on flat (slow, exact)")
    ap.add_argument("--centres", type=int, default=1000)
    ap.add_argument("--backends", default="ivf,hnsw", help="approximate backends to compare with flat")
    ap.add_argument("--hnsw-budget", type=float, default=600.0, help="seconds before an HNSW build is abandoned")
    ap.add_argument("--nprobe", default="", help="also report IVF at these nprobe values, e.g. 8,16,32")
    ap.add_argument("--ef-search", default="", help="also report HNSW at these efSearch values, e.g. 32,64,128")
    ap.add_argument("--threads", type=int, default=0, help="FAISS threads (default: all usable cores)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override an IndexSettings field, e.g. --set ivf_nlist=2048 (repeatable)")
    ap.add_argument("--json", type=Path, help="write the results here too")
    store_scale.add_arguments(ap)
    args = ap.parse_args(argv)
    if args.store:
        return store_scale.run(args)

    from index.embedder import available_cpus

    threads = args.threads or available_cpus()
    faiss.omp_set_num_threads(threads)
    settings = IndexSettings(**dict(kv.split("=", 1) for kv in args.set))
    t_start = time.perf_counter()
    print(f"kaynak dense index at scale: n={args.n:,} dim={DIM} queries={args.queries} k={K} threads={threads} "
          f"faiss={faiss.__version__} python={platform.python_version()}")
    print(f"defaults: {settings.model_dump()}")

    t0 = time.perf_counter()
    data, queries = clustered_embeddings(args.n, args.queries, centres=args.centres)
    print(f"data: {args.n:,} x {DIM} clustered unit vectors ({data.nbytes / 2**20:.0f} MB) in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    truth = exact_top(data, queries, K)
    print(f"exact top-{K} for {len(queries)} queries in {time.perf_counter() - t0:.1f} s")
    sims = queries[:200] @ data[:2000].T
    print(f"cosine of random pairs: mean {sims.mean():.2f}; nearest neighbour: mean "
          f"{float(np.mean(np.sort(queries[:200] @ data.T[:, :200_000], axis=1)[:, -1])):.2f} (first 200k)")

    results: dict[str, dict] = {}
    flat, info = build("flat", data, settings, budget=float("inf"))
    lat, ids = latency(flat, queries[: args.flat_queries])
    results["flat"] = {**info, **lat, "recall@10": recall_at(ids, truth[: args.flat_queries]), "timed_queries": args.flat_queries}
    del flat
    gc.collect()
    print(_row("flat", results["flat"]))

    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend not in BACKENDS or backend == "flat":
            raise SystemExit(f"unknown approximate backend {backend!r}; valid: ivf, hnsw")
        budget = args.hnsw_budget if backend == "hnsw" else float("inf")
        vi, info = build(backend, data, settings, budget)
        if vi is None:
            results[backend] = info
            print(f"{backend:>10}: skipped: {info['skipped']}")
            continue
        lat, ids = latency(vi, queries)
        results[backend] = {**info, **lat, "recall@10": recall_at(ids, truth)}
        print(_row(backend, results[backend]))
        sweep = [int(x) for x in (args.nprobe if backend == "ivf" else args.ef_search).split(",") if x.strip()]
        for value in sweep:
            knob = {"ivf_nprobe": value} if backend == "ivf" else {"hnsw_ef_search": value}
            vi.settings = settings.model_copy(update=knob)
            vi._configure(vi._index)
            lat, ids = latency(vi, queries)
            name = f"{backend}@{value}"
            results[name] = {**knob, **lat, "recall@10": recall_at(ids, truth)}
            print(_row(name, results[name]))
        del vi
        gc.collect()

    print("\ngoal: <= 5 ms/query (p95), recall@10 >= 0.95, <= 700 MB")
    for name, r in results.items():
        if "p95_ms" in r and name != "flat":
            ok = r["p95_ms"] <= 5 and r["recall@10"] >= 0.95 and r.get("index_mb", 0) <= 700 and r.get("serve_rss_mb", 0) <= 700
            print(f"  {name}: {'meets' if ok else 'MISSES'} the goal")
    total = time.perf_counter() - t_start
    print(f"total {total / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps({"n": args.n, "dim": DIM, "threads": threads, "settings": settings.model_dump(),
                                         "results": results, "seconds": round(total, 1)}, indent=1), encoding="utf-8")
    return 0


def _row(name: str, r: dict) -> str:
    parts = [f"{name:>10}:"]
    for key, fmt in (("build_s", "build {:.1f} s"), ("nlist", "nlist {}"), ("rss_delta_mb", "RSS +{:.0f} MB"),
                     ("index_mb", "index {:.0f} MB"), ("serve_rss_mb", "served RSS {:.0f} MB"), ("p50_ms", "p50 {:.2f} ms"), ("p95_ms", "p95 {:.2f} ms"),
                     ("cpu_p50_ms", "cpu p50 {:.2f} ms"), ("cpu_p95_ms", "cpu p95 {:.2f} ms"),
                     ("recall@10", "recall@10 {:.3f}")):
        if key in r:
            parts.append(fmt.format(r[key]))
    return "  ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
