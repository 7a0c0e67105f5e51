"""Retrieval quality, latency and ingest time: kaynak (hybrid, dense, lexical) beside the naive recipe.

Naive recipe (the baseline, built in the same run with the same embedder run as plain sentence-transformers
fp32): LangChain's RecursiveCharacterTextSplitter 1000/200 on each document's text (a plain-text file as it is;
for HTML, Word and PDF the text kaynak's readers extract, so both read the same words) + multilingual-e5-small
+ FAISS flat.

Prints recall@1/5/10, MRR@10 and nDCG@10 per question language (a hit = a returned passage holds a whole
evidence quote, the scorer's rule), search latency p50/p95 with query embedding included, cold ingest of the
corpus with embedding, tokens embedded by each, and re-ingest of the unchanged corpus.

    .venv/bin/python benchmarks/retrieval.py [--qa kaynak/data/dev_qa.jsonl] [--corpus FILE_OR_DIR ...] [--skip-naive]

The Debian Handbook set: --qa benchmarks/data/handbook_qa.jsonl --corpus /usr/share/doc/debian-handbook/html/
{tr-TR,ru-RU,en-US}/<each page of benchmarks/data/handbook_pages.txt> (--handbook says that for you).
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
from ingest.pipeline import iter_files, parse_document  # noqa: E402
from kaynak.config import BUNDLED_CORPUS, BUNDLED_DEV_QA, Settings  # noqa: E402
from kaynak.text import contains_quote  # noqa: E402

HANDBOOK = Path("/usr/share/doc/debian-handbook/html")
HANDBOOK_PAGES = ROOT / "benchmarks" / "data" / "handbook_pages.txt"


def handbook_files() -> list[Path]:
    pages = HANDBOOK_PAGES.read_text(encoding="utf-8").split()
    return [HANDBOOK / locale / page for locale in ("tr-TR", "ru-RU", "en-US") for page in pages]


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
    ap.add_argument("--corpus", nargs="+", type=Path, default=[BUNDLED_CORPUS])
    ap.add_argument("--handbook", action="store_true", help="the corpus is the Handbook's 75 parallel pages")
    ap.add_argument("--skip-naive", action="store_true")
    a = ap.parse_args()
    corpus = handbook_files() if a.handbook else iter_files(a.corpus)
    qa = [json.loads(line) for line in Path(a.qa).read_text(encoding="utf-8").splitlines() if line.strip()]
    qa = [q for q in qa if q["evidence"]]
    questions = [q["question"] for q in qa]

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), auto_ingest=False)
        eng = Engine(settings)
        eng.embedder.warm_up()  # model load is not ingest time
        t = time.perf_counter()
        report = eng.ingest(corpus)
        cold = time.perf_counter() - t
        tokens = _tokens(eng)
        t = time.perf_counter()
        again = eng.ingest(corpus)
        warm = time.perf_counter() - t
        print(f"cold ingest (parse + embed {report.embedded} chunks + {report.sentences} sentences + index): "
              f"{cold:.1f} s, {tokens} tokens through the model")
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

    from sentence_transformers import SentenceTransformer

    from index.model_build import ensure_model, local_folder

    naive = SentenceTransformer(str(local_folder(ensure_model(Settings()))), device="cpu")  # as it comes: fp32
    t = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    pieces = [p for path in corpus for p in splitter.split_text(_plain_text(path))]
    vecs = naive.encode(pieces, prompt="passage: ", batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    naive_ingest = time.perf_counter() - t
    _, ids = index.search(naive.encode(questions, prompt="query: ", normalize_embeddings=True, convert_to_numpy=True), 10)
    texts = [[pieces[i] for i in row] for row in ids]
    rels = [[any(contains_quote(t, e) for e in q["evidence"]) for t in ts] for q, ts in zip(qa, texts)]
    table("naive", qa, [first_rank(ts, q["evidence"]) for q, ts in zip(qa, texts)], rels)
    naive_tokens = sum(len(ids) for ids in naive.tokenizer(["passage: " + p for p in pieces])["input_ids"])
    print(f"\nnaive ingest (split + embed {len(pieces)} pieces, {naive_tokens} tokens, + FAISS flat): "
          f"{naive_ingest:.1f} s; kaynak cold ingest {cold:.1f} s = {cold / naive_ingest:.2f} of it")


def _plain_text(path: Path) -> str:
    """A plain-text file as it is; another format as kaynak's reader extracts it."""
    if path.suffix.lower() in (".txt", ".md"):
        return path.read_text(encoding="utf-8")
    return parse_document(path, Settings()).text


def _tokens(eng: Engine) -> int:
    """Tokens kaynak ran through the model at ingest: those of its chunks (stored token states) and, when its
    sentences are embedded apart, those again."""
    passages = eng.store.passages(c.id for c in eng.store.iter_chunks())
    chunk_tokens = sum(len(p.tokens) for p in passages.values() if p.tokens is not None)
    if eng.settings.embedder.sentence_vectors != "separate":
        return chunk_tokens
    sentences = [p.chunk.text[a:b] for p in passages.values() for a, b in p.sentences]
    return chunk_tokens + sum(len(ids) - 2 for ids in eng.embedder.tokenizer(sentences)["input_ids"])

if __name__ == "__main__":
    main()
