"""Choose the chunk size and overlap by measurement: chunk count, evidence containment, mean length.

    .venv/bin/python benchmarks/chunking.py [--sizes 500,700,900,1200,1500] [--overlaps 0,1,2]

Containment is the share of dev-set evidence quotes that lie whole inside at least one chunk (match_norm,
the scorer's rule). The default is the smallest size that keeps containment >= 0.98 with margin, and stays
under ~250 model tokens (about 900-1000 characters). The naive baseline beside it is fixed character windows
over the unwrapped text with no overlap.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.pipeline import parse_document  # noqa: E402
from kaynak.config import BUNDLED_CORPUS, BUNDLED_DEV_QA, ChunkSettings, Settings  # noqa: E402
from kaynak.text import contains_quote  # noqa: E402

DEV = BUNDLED_DEV_QA


def _ints(s: str) -> list[int]:
    return [int(x) for x in s.split(",") if x.strip()]


def containment(texts: list[str], quotes: list[str]) -> float:
    return sum(any(contains_quote(t, q) for t in texts) for q in quotes) / len(quotes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=_ints, default=[500, 700, 900, 1200, 1500])
    ap.add_argument("--overlaps", type=_ints, default=[0, 1, 2])
    args = ap.parse_args()
    items = [json.loads(l) for l in DEV.read_text(encoding="utf-8").splitlines() if l.strip()]
    quotes = [q for it in items for q in it["evidence"]]
    print(f"{len(quotes)} evidence quotes from {DEV.name}")
    print(f"{'size':>5} {'overlap':>7} {'chunks':>7} {'contain':>8} {'mean chars':>10} {'p95 chars':>9}")
    flat = " ".join(BUNDLED_CORPUS.read_text(encoding="utf-8").split())
    for size in args.sizes:
        naive = [flat[i : i + size] for i in range(0, len(flat), size)]
        mean = statistics.mean(len(t) for t in naive)
        print(f"{size:>5} {'naive':>7} {len(naive):>7} {containment(naive, quotes):>8.3f} {mean:>10.0f} {'':>9}")
        for overlap in args.overlaps:
            settings = Settings(chunking=ChunkSettings(size=size, overlap=overlap))
            texts = [c.text for c in parse_document(BUNDLED_CORPUS, settings).chunks]
            lengths = sorted(len(t) for t in texts)
            p95 = lengths[int(0.95 * (len(lengths) - 1))]
            print(
                f"{size:>5} {overlap:>7} {len(texts):>7} {containment(texts, quotes):>8.3f} "
                f"{statistics.mean(lengths):>10.0f} {p95:>9}"
            )


if __name__ == "__main__":
    main()
