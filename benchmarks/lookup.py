"""Cross-language lookup of a stored passage (`kaynak lookup --id`): is its translation the first hit?

Needs documents ingested as parallel pages: the same file in one folder per language (the Debian Administrator's
Handbook's `tr-TR/`, `ru-RU/`, `en-US/` pages, as `tests/conftest.py` ingests them). A source passage's true
counterparts in another language are the passages of the same page, in any language folder, under the heading
at the same place in the page (the n-th heading of the page in both), in that language; pages whose language
versions have different numbers of headings are left out, as are targets with no passage in that language (a
page left untranslated). Prints, per target language, the share of source passages whose first hit is a true
counterpart, for `Engine.lookup_id` and for the passage's text searched as a query (`Engine.lookup`, what
`lookup_id` did before it aligned sentences), in the same run.

    .venv/bin/python benchmarks/lookup.py --data-dir DIR [--source tr] [--to ru,en] [--sample N]
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.engine import Engine  # noqa: E402
from evaluation.parallel import ParallelPages  # noqa: E402
from kaynak.config import Settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--source", default="tr")
    ap.add_argument("--to", default="ru,en")
    ap.add_argument("--sample", type=int, default=0, help="this many source passages, drawn with seed 0 (0: all)")
    args = ap.parse_args()
    engine = Engine(Settings(data_dir=args.data_dir))
    engine.warm_up()
    pages = ParallelPages(engine.chunks())
    targets = [t.strip() for t in args.to.split(",")]
    sources = [c for c in pages.chunks if c.lang == args.source]
    if args.sample:
        sources = random.Random(0).sample(sources, min(args.sample, len(sources)))
    right: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for src in sources:
        by_text = engine.lookup(src.text, targets, k=1, exclude=src.id)
        _, by_id = engine.lookup_id(src.id, targets, k=1)
        for lang in targets:
            truth = pages.counterparts(src, lang)
            if not truth:
                continue
            for method, hits in (("text as a query", by_text[lang]), ("lookup --id", by_id[lang])):
                right[(method, lang)].append(bool(hits) and hits[0].chunk.id in truth)
    print(f"{len(sources)} {args.source} passages; first hit is the counterpart:")
    print(f"{'method':<18}" + "".join(f"{lang:>14}" for lang in targets))
    for method in ("text as a query", "lookup --id"):
        cells = [right[(method, lang)] for lang in targets]
        print(f"{method:<18}" + "".join(f"{sum(r) / max(1, len(r)):>8.3f} ({len(r):>3})" for r in cells))


if __name__ == "__main__":
    main()
