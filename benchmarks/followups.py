"""Follow-up questions: two-turn conversations, the second turn answered with the first as history.

Each line of the set (`benchmarks/data/followups_qa.jsonl`) holds a first question, a follow-up that only makes
sense after it ("Peki kimler imzaladı?", "And in 2022?"), the follow-up's kind (`new_predicate`: another
thing about the same subject; `new_value`: the same thing for another year or country; `detail`) and verbatim
evidence for the follow-up. Both turns go through `Engine.ask` as the chat and `kaynak ask --history` do; the
follow-up is *right* when it is answered and one of its citations holds an evidence quote (score.py's rule).

    .venv/bin/python benchmarks/followups.py [--qa benchmarks/data/followups2_qa.jsonl] [--data-dir DIR]

A chat also holds questions that do not lean on the one before. `--after-unrelated SET` asks each question of a
question set (`benchmarks/fitting.qa_path`: "calibration", "handbook", a path) alone and again after an unrelated
answerable question of the same set (a fixed pairing), and counts right / wrong / refused for both: what
reading every question with the previous one in mind costs a question that stands alone.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before benchmarks/ (the script's folder): benchmarks/ingest.py is not the ingest package

from fitting import load_set  # noqa: E402

from app.engine import Engine  # noqa: E402
from kaynak.config import Settings  # noqa: E402
from kaynak.text import contains_quote  # noqa: E402
from kaynak.types import Answer  # noqa: E402

VERDICTS = ("right", "wrong", "refused")


def verdict(answer: Answer, evidence: list[str]) -> str:
    """right (a citation holds an evidence quote), wrong, or refused; a question with no evidence (not in the
    document) is right when refused."""
    if answer.refused:
        return "right" if not evidence else "refused"
    held = any(contains_quote(c.chunk.text, q) for c in answer.citations for q in evidence)
    return "right" if held else "wrong"


def after_unrelated(engine: Engine, name: str) -> None:
    qa = load_set(name)
    answerable = [d for d in qa if d["evidence"]]
    counts: Counter[tuple[str, str, str]] = Counter()
    for i, item in enumerate(qa):
        first = next(d for d in (answerable[(i * 7 + j) % len(answerable)] for j in (3, 4)) if d["id"] != item["id"])
        previous = engine.ask(first["question"])
        kind = "answerable" if item["evidence"] else "not in document"
        counts[(kind, "alone", verdict(engine.ask(item["question"]), item["evidence"]))] += 1
        after = engine.ask(item["question"], history=[(previous.query, previous.text)])
        counts[(kind, "after", verdict(after, item["evidence"]))] += 1
    print(f"{'question':<18}{'asked':<8}" + "".join(f"{v:>9}" for v in VERDICTS))
    for kind in ("answerable", "not in document"):
        for when in ("alone", "after"):
            print(f"{kind:<18}{when:<8}" + "".join(f"{counts[(kind, when, v)]:>9}" for v in VERDICTS))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qa", type=Path, default=ROOT / "benchmarks" / "data" / "followups_qa.jsonl")
    ap.add_argument("--data-dir", type=Path, help="index to ask (default: settings)")
    ap.add_argument("--after-unrelated", metavar="SET", help="ask a question set's questions after unrelated ones")
    a = ap.parse_args()
    settings = Settings(data_dir=a.data_dir, auto_ingest=False) if a.data_dir else Settings()
    engine = Engine(settings)
    engine.warm_up()
    if a.after_unrelated:
        after_unrelated(engine, a.after_unrelated)
        return
    rows = [json.loads(line) for line in a.qa.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        first = engine.ask(row["first"])
        follow = engine.ask(row["followup"], history=[(first.query, first.text)])
        said = verdict(follow, row["evidence"])
        counts[(row["kind"], said)] += 1
        counts[("all", said)] += 1
        if said != "right":
            print(f"{row['id']} {row['kind']} {said}: {row['followup']}  (read as: {follow.query})")
    print(f"\n{'kind':<14}" + "".join(f"{v:>9}" for v in VERDICTS))
    for kind in sorted({k for k, _ in counts} - {"all"}) + ["all"]:
        print(f"{kind:<14}" + "".join(f"{counts[(kind, v)]:>9}" for v in VERDICTS))


if __name__ == "__main__":
    main()
