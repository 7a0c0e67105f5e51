"""Offline answer quality and latency on a question set, with the refusal / false-refusal curve.

Negatives: the set's unanswerable questions, plus every answerable question re-asked with the passages that hold
its evidence removed from what the answerer sees ("not in the document", simulated; such a case whose passages
still state the reference answer's number is counted apart: a summary repeating the body answers it).
Prints citation precision, value match, refusal, false refusal, answer-language match, the share of summary
questions answered with an evidence passage and two or more quotes, and ask latency p50/p95 (model loaded),
then the curve of the answerability threshold (assistant/answerability.py).

    .venv/bin/python benchmarks/answer.py [--qa kaynak/data/dev_qa.jsonl] [--data-dir DIR]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import py3langid  # noqa: E402

from app.engine import Engine  # noqa: E402
from assistant.extractive import ExtractiveAnswerer  # noqa: E402
from kaynak.config import BUNDLED_DEV_QA, Settings  # noqa: E402
from kaynak.lang import detect_lang  # noqa: E402
from kaynak.text import contains_quote, digits  # noqa: E402

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def frame_lang(answer: str) -> str:
    """The scorer's rule: the answer's own words, quotes and markers removed."""
    frame = re.sub(r"[\"“«„].*?[\"”»“]|\[\d+\]", " ", answer)
    return py3langid.classify(frame if len(frame.split()) >= 3 else answer)[0]


def without_evidence(hits: list, evidence: list[str]) -> list:
    """The hits with every passage that holds an evidence quote removed: "not in the document", simulated."""
    return [h for h in hits if not any(contains_quote(h.chunk.text, e) for e in evidence)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qa", default=str(BUNDLED_DEV_QA))
    ap.add_argument("--data-dir")
    a = ap.parse_args()
    py3langid.set_languages(["tr", "en", "ru", "ky"])
    settings = Settings(**({"data_dir": Path(a.data_dir)} if a.data_dir else {}))
    eng = Engine(settings)
    eng.warm_up()
    answerer = eng.answerer()
    assert isinstance(answerer, ExtractiveAnswerer)
    qa = [json.loads(line) for line in Path(a.qa).read_text(encoding="utf-8").splitlines() if line.strip()]
    eng.ask(qa[0]["question"])  # warm caches
    n = settings.answer.passages
    lat, cite_prec, value, lang_ok, refused_real, false_ref, summary_ok = [], [], [], [], [], [], []
    failures: dict[str, list[str]] = {"citation": [], "value": [], "language": [], "refusal": [], "false refusal": []}
    pos, neg, answered_elsewhere = [], [], 0
    for q in qa:
        t = time.perf_counter()
        ans = eng.ask(q["question"])
        lat.append(time.perf_counter() - t)
        lang = detect_lang(q["question"])
        p = answerer.assess(q["question"], eng.passages(q["question"], lang)[:n], lang).probability or 0.0
        if not q["evidence"]:
            refused_real.append(ans.refused)
            neg.append(p)
            if not ans.refused:
                failures["refusal"].append(q["id"])
            continue
        pos.append(p)
        false_ref.append(ans.refused)
        lang_ok.append(frame_lang(ans.text) == q["lang"])
        if ans.refused:
            failures["false refusal"].append(q["id"])
        if not lang_ok[-1]:
            failures["language"].append(q["id"])
        if q["type"] == "summary":  # issue 16's criterion: cites an evidence passage and quotes >= 2 sentences
            summary_ok.append(len(ans.citations) >= 2 and any(
                contains_quote(c.chunk.text, e) for c in ans.citations for e in q["evidence"]))
        if not ans.refused:
            held = [any(contains_quote(c.chunk.text, e) for e in q["evidence"]) for c in ans.citations]
            cite_prec.append(sum(held) / len(held) if held else 0.0)
            if cite_prec[-1] < 1:
                failures["citation"].append(q["id"])
            if q["type"] in ("numeric", "date"):
                ref = max(digits(q["answer"]), key=len, default="")
                if ref:
                    value.append(ref in digits(ans.text))
                    if not value[-1]:
                        failures["value"].append(q["id"])
        rest = without_evidence(eng.search(q["question"], k=30), q["evidence"])[:n]
        ref = max(digits(q["answer"]), key=len, default="") if q["type"] in ("numeric", "date") else ""
        if ref and len(ref) >= 2 and any(ref in digits(h.chunk.text) for h in rest):
            answered_elsewhere += 1
            continue
        neg.append(answerer.assess(q["question"], rest, lang).probability or 0.0)
    mean = lambda xs: sum(xs) / max(1, len(xs))  # noqa: E731
    negs, poss = np.array(neg), np.array(pos)
    thr = answerer.params.threshold
    print(f"questions {len(qa)} (answerable {len(poss)}; negatives {len(refused_real)} real + "
          f"{len(negs) - len(refused_real)} simulated, {answered_elsewhere} more left out: another passage read "
          "states the reference number)")
    print(f"citation precision   {mean(cite_prec):.3f}")
    print(f"value match          {mean(value):.3f} ({sum(value)}/{len(value)})")
    print(f"refusal (real)       {mean(refused_real):.3f} ({sum(refused_real)}/{len(refused_real)})")
    print(f"refusal (all neg.)   {float((negs < thr).mean()):.3f} at threshold {thr}")
    print(f"false refusal        {mean(false_ref):.3f} ({sum(false_ref)}/{len(false_ref)})")
    print(f"answer language      {mean(lang_ok):.3f}")
    print(f"summary questions    {mean(summary_ok):.3f} ({sum(summary_ok)}/{len(summary_ok)} cite evidence and quote 2+ sentences)")
    print(f"ask latency          p50 {1000 * statistics.median(lat):.0f} ms, p95 {1000 * float(np.percentile(lat, 95)):.0f} ms")
    for what, ids in failures.items():
        print(f"failed {what}: {' '.join(ids) or '-'}")
    print("\nanswerability threshold -> negatives refused (real + simulated) / answerable refused")
    for t in THRESHOLDS:
        print(f"  {t:.2f}  refused {float((negs < t).mean()):.3f}  false refusal {float((poss < t).mean()):.3f}")


if __name__ == "__main__":
    main()
