"""BM25 recall on the dev set: bm25s' default tokenizer (the naive baseline) vs kaynak's tokenizer.

    .venv/bin/python benchmarks/lexical.py [--size 800] [--overlap 250]

Passages are the thesis with its blank lines dropped and lines joined, cut into ~`size`-char pieces at
spaces, each overlapping the previous by ~`overlap` chars (evidence quotes are <= 250 chars, so each lies
whole in some piece). A question is found at k when one of its evidence quotes lies whole (match_norm) in
one of the first k pieces. Only answerable questions count.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bm25s  # noqa: E402
import numpy as np  # noqa: E402

from index.lexical import BM25Index  # noqa: E402
from kaynak.config import BUNDLED_CORPUS, BUNDLED_DEV_QA  # noqa: E402
from kaynak.lang import detect_lang  # noqa: E402
from kaynak.text import match_norm  # noqa: E402

KS = (1, 5, 10)


def pieces(text: str, size: int = 800, overlap: int = 250) -> list[str]:
    """The thesis lines joined (each is followed by a blank line), cut into overlapping ~size-char pieces."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    flat = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap, separators=[" ", ""]).split_text(flat)


def load_qa() -> list[dict]:
    lines = BUNDLED_DEV_QA.read_text(encoding="utf-8").splitlines()
    return [q for q in map(json.loads, filter(str.strip, lines)) if q["evidence"]]


def gold(qa: list[dict], texts: list[str]) -> list[set[int]]:
    normed = [match_norm(t) for t in texts]
    return [{i for i, t in enumerate(normed) if any(match_norm(e) in t for e in q["evidence"])} for q in qa]


class DefaultBM25:
    """The naive baseline: bm25s.tokenize defaults (lower-case, \\w\\w+ tokens, English stopwords)."""

    def build(self, texts: list[str], langs: list[str]) -> None:
        self.bm25 = bm25s.BM25()  # k1=1.5, b=0.75, as BM25Index
        self.bm25.index(bm25s.tokenize(texts, return_ids=False, show_progress=False), show_progress=False)

    def search(self, query: str, k: int, query_lang: str | None = None) -> list[tuple[int, float]]:
        toks = bm25s.tokenize([query], return_ids=False, show_progress=False)[0]
        ids = self.bm25.get_tokens_ids(toks)
        if not ids:
            return []
        s = self.bm25.get_scores_from_ids(ids)
        top = np.argsort(-s, kind="stable")[:k]
        return [(int(i), float(s[i])) for i in top if s[i] > 0]


def evaluate(index, qa: list[dict], golds: list[set[int]]) -> tuple[dict, list[float]]:
    found: dict[str, list[list[bool]]] = defaultdict(list)
    lat = []
    for q, g in zip(qa, golds):
        t0 = time.perf_counter()
        hits = index.search(q["question"], max(KS), query_lang=q["lang"])
        lat.append((time.perf_counter() - t0) * 1000)
        ranked = [p for p, _ in hits]
        row = [bool(set(ranked[:k]) & g) for k in KS]
        found[q["lang"]].append(row)
        found["all"].append(row)
    return {lang: (len(rows), np.mean(rows, axis=0)) for lang, rows in found.items()}, lat


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=800)
    ap.add_argument("--overlap", type=int, default=250)
    a = ap.parse_args()

    texts = pieces(BUNDLED_CORPUS.read_text(encoding="utf-8"), a.size, a.overlap)
    langs = [detect_lang(t) for t in texts]
    qa = load_qa()
    golds = gold(qa, texts)
    missing = sum(not g for g in golds)
    print(f"{len(texts)} pieces (~{a.size} chars, overlap ~{a.overlap}); {len(qa)} answerable questions"
          + (f", {missing} with no piece holding an evidence quote" if missing else ""))
    print(f"piece languages: {dict(sorted(((l, langs.count(l)) for l in set(langs)), key=lambda x: -x[1]))}\n")

    header = f"{'tokenizer':<26}{'lang':<6}{'n':>3}" + "".join(f"{'R@' + str(k):>8}" for k in KS)
    print(header + f"{'build s':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for name, index in [("bm25s default (baseline)", DefaultBM25()), ("kaynak", BM25Index()),
                        ("kaynak, no cross-stem", BM25Index(cross_stem=False))]:
        t0 = time.perf_counter()
        index.build(texts, langs)
        build = time.perf_counter() - t0
        res, lat = evaluate(index, qa, golds)
        p50, p95 = statistics.median(lat), float(np.percentile(lat, 95))
        for i, lang in enumerate(["all", "tr", "en", "ru", "ky"]):
            if lang not in res:
                continue
            n, r = res[lang]
            extra = f"{build:>10.2f}{p50:>9.2f}{p95:>9.2f}" if i == 0 else ""
            print(f"{name if i == 0 else '':<26}{lang:<6}{n:>3}" + "".join(f"{x:>8.2f}" for x in r) + extra)
        print()


if __name__ == "__main__":
    main()
