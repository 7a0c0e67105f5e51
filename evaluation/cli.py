"""`kaynak eval`: run a QA file through the assistant and report, compare two runs, gate on floors."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evaluation.compare import compare_runs, format_comparison, write_comparison
from evaluation.metrics import HEADLINE
from evaluation.qa import QAFormatError, QAItem, load_qa
from evaluation.runner import run_eval
from kaynak.config import Settings
from kaynak.text import match_norm

MIN_QUOTE = 20  # characters: a shorter evidence quote is found in passages that do not answer (the dev set's are 40-250)


def check_floors(metrics: dict[str, dict], floors: dict[str, float]) -> list[str]:
    """What missed the gate, one line per metric: below its floor, above its ceiling (false_refusal is one: lower
    is better), or not measured in this run (faithfulness without an LLM answerer)."""
    missed = []
    for name, floor in floors.items():
        if name not in metrics:
            missed.append(f"{name}: no such metric (known: {', '.join(metrics)})")
            continue
        value = metrics[name]["value"]
        ceiling = name == "false_refusal"
        if value is None:
            missed.append(f"{name} not measured in this run ({'ceiling' if ceiling else 'floor'} {floor})")
        elif ceiling and value > floor:
            missed.append(f"{name} {round(value, 3)} above its ceiling {floor}")
        elif not ceiling and value < floor:
            missed.append(f"{name} {round(value, 3)} below its floor {floor}")
    return missed


def evidence_warnings(items: list[QAItem], passages: list[str]) -> list[str]:
    """What makes a QA file's scores say less than they seem: evidence quotes in no single passage of the ingested
    documents (a typo, or another document: such a question counts as kaynak's miss) and quotes too short to
    point at one passage ("a" is in nearly every passage)."""
    held = [match_norm(p) for p in passages]  # once, not once per quote (the rule of kaynak.text.contains_quote)
    missing = [i.id for i in items if any(not any(match_norm(q) in h for h in held) for q in i.evidence)]
    short = [i.id for i in items if any(len(q.strip()) < MIN_QUOTE for q in i.evidence)]
    out = []
    if missing:
        out.append(f"evidence of {len(missing)} question(s) is in no single passage of the ingested documents "
                   f"({', '.join(missing[:10])}{', …' if len(missing) > 10 else ''}): they are scored as misses")
    if short:
        out.append(f"evidence of {len(short)} question(s) has quotes under {MIN_QUOTE} characters "
                   f"({', '.join(short[:10])}{', …' if len(short) > 10 else ''}): they match passages that do not answer")
    return out


def read_gate(path: Path) -> dict[str, float]:
    """A gate file: a JSON object of metric -> floor, every name one `kaynak eval` reports (checked before the
    evaluation runs, not after)."""
    try:
        gate = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ValueError(f"cannot read gate file {path}: {e.strerror or e}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"gate file {path} is not JSON: {e}") from None
    if not isinstance(gate, dict) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in gate.values()):
        raise ValueError(f"gate file {path}: needs a JSON object of metric name -> number, e.g. {{\"recall@5\": 0.95}}")
    unknown = sorted(set(gate) - set(HEADLINE))
    if unknown:
        raise ValueError(f"gate file {path}: no such metric {', '.join(unknown)} (known: {', '.join(HEADLINE)})")
    return {k: float(v) for k, v in gate.items()}


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    if args.compare:
        a, b = (Path(p) for p in args.compare)
        for d in (a, b):
            if not (d / "results.jsonl").is_file():
                print(f"kaynak: error: {d} is not an evaluation run (no results.jsonl)", file=sys.stderr)
                return 2
        comparison = compare_runs(a, b)
        print(format_comparison(comparison))
        print(f"written: {write_comparison(comparison, b / 'compare.md')}")
        return 0
    try:
        items = load_qa(Path(args.qa))  # the whole file is checked before any model is loaded
    except QAFormatError as e:
        print(f"kaynak: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"kaynak: error: cannot read QA file {args.qa}: {e.strerror or e}", file=sys.stderr)
        return 2
    floors: dict[str, float] = {}
    if args.gate:
        try:
            floors.update(read_gate(Path(args.gate)))
        except ValueError as e:
            print(f"kaynak: error: {e}", file=sys.stderr)
            return 2
    if args.min_recall5 is not None:
        floors["recall@5"] = args.min_recall5
    if args.min_cite_precision is not None:
        floors["citation_precision"] = args.min_cite_precision

    from app.engine import Engine  # the model loads only after the file was accepted

    engine = Engine(settings)
    engine.warm_up(progress=not args.quiet)
    for line in evidence_warnings(items, [c.text for c in engine.chunks()]):
        print(f"kaynak: warning: {line}", file=sys.stderr)
    answerer = engine.answerer()
    meta = {
        "mode": settings.retrieval.mode,
        "model": settings.embedder.model,
        "answerer": answerer.name,
        "llm": settings.llm.model if settings.llm.enabled else None,
        "passages": settings.answer.passages,
        "qa_file": str(args.qa),
    }
    summary = run_eval(
        items,
        engine.ask,
        Path(args.out),
        progress=not args.quiet,
        label=Path(args.out).name,
        meta=meta,
        corpus=engine.chunks(),
        chat_model=getattr(answerer, "chat_model", None),
    )
    print(summary.headline())
    print(f"report: {Path(args.out) / 'report.html'} (also report.md, results.jsonl, summary.json)")
    missed = check_floors(summary.metrics, floors)
    for m in missed:
        print(f"gate missed: {m}", file=sys.stderr)
    return 1 if missed else 0
