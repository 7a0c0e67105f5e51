"""Parse + chunk time for the bundled thesis (goal: under 2 s), the chunks it yields, and the model build time.

    .venv/bin/python benchmarks/ingest.py [--runs 3] [--no-model] [FILE]

The first parse also loads the language-id model, so it is timed apart ("cold"); the goal is the median of
the warm runs. The naive baseline beside it is fixed-size character windows over the raw text: fast, but its
chunks carry page markers, blank lines and no section or language.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.pipeline import parse_document  # noqa: E402
from ingest.stats import chunk_stats, format_stats  # noqa: E402
from kaynak.config import BUNDLED_CORPUS, Settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=BUNDLED_CORPUS)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-model", action="store_true", help="skip timing the offline model build")
    args = ap.parse_args()
    settings = Settings()

    t0 = time.perf_counter()
    doc = parse_document(args.file, settings)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        doc = parse_document(args.file, settings)
        warm.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    raw = args.file.read_text(encoding="utf-8")
    naive = [raw[i : i + settings.chunking.size] for i in range(0, len(raw), settings.chunking.size)]
    naive_s = time.perf_counter() - t0

    size_kb = args.file.stat().st_size / 1024
    print(f"file: {args.file.name} ({size_kb:.0f} KB), size={settings.chunking.size} overlap={settings.chunking.overlap}")
    print(f"cold parse (loads language model): {cold:.2f} s")
    print(f"warm parse+chunk, median of {args.runs}: {statistics.median(warm):.2f} s  (runs: "
          + ", ".join(f"{t:.2f}" for t in warm) + ")  goal < 2 s")
    print(f"naive fixed windows: {naive_s * 1000:.1f} ms, {len(naive)} chunks (no sections, pages or languages)")
    if not args.no_model:
        import tempfile

        from index.model_build import build_e5_small

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            build_e5_small(Path(tmp) / "multilingual-e5-small")
            print(f"model build from the PyPI wheels (multilingual-e5-small): {time.perf_counter() - t0:.1f} s")
    print()
    print(format_stats(chunk_stats(doc.chunks)))


if __name__ == "__main__":
    main()
