"""Follow-up questions: two-turn conversations, the second turn answered with the first as history.

Each line of the set (`benchmarks/data/followups_qa.jsonl`) holds a first question, a follow-up that only makes
sense after it ("Peki kimler imzaladı?", "And in 2022?"), the follow-up's kind (`new_predicate`: another
thing about the same subject; `new_value`: the same thing for another year or country; `detail`) and verbatim
evidence for the follow-up. Both turns go through `Engine.ask` as the chat and `kaynak ask --history` do; the
follow-up is *right* when it is answered and one of its citations holds an evidence quote (score.py's rule).

    .venv/bin/python benchmarks/followups.py [--qa benchmarks/data/followups2_qa.jsonl] [--data-dir DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before benchmarks/ (the script's folder): benchmarks/ingest.py is not the ingest package

from app.engine import Engine  # noqa: E402
from kaynak.config import Settings  # noqa: E402
from kaynak.text import contains_quote  # noqa: E402

VERDICTS = ("right", "wrong", "refused")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qa", type=Path, default=ROOT / "benchmarks" / "data" / "followups_qa.jsonl")
    ap.add_argument("--data-dir", type=Path, help="index to ask (default: settings)")
    a = ap.parse_args()
    rows = [json.loads(line) for line in a.qa.read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = Settings(data_dir=a.data_dir, auto_ingest=False) if a.data_dir else Settings()
    engine = Engine(settings)
    engine.warm_up()
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        first = engine.ask(row["first"])
        follow = engine.ask(row["followup"], history=[(first.query, first.text)])
        if follow.refused:
            verdict = "refused"
        else:
            held = any(contains_quote(c.chunk.text, q) for c in follow.citations for q in row["evidence"])
            verdict = "right" if held else "wrong"
        counts[(row["kind"], verdict)] += 1
        counts[("all", verdict)] += 1
        if verdict != "right":
            print(f"{row['id']} {row['kind']} {verdict}: {row['followup']}  (read as: {follow.query})")
    print(f"\n{'kind':<14}" + "".join(f"{v:>9}" for v in VERDICTS))
    for kind in sorted({k for k, _ in counts} - {"all"}) + ["all"]:
        print(f"{kind:<14}" + "".join(f"{counts[(kind, v)]:>9}" for v in VERDICTS))


if __name__ == "__main__":
    main()
