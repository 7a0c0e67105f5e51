"""Offline answer quality and latency on the dev set, with the refusal / false-refusal curve.

Negatives: the dev set's unanswerable questions, plus every answerable question re-asked with the passages
that hold its evidence removed from what the answerer sees ("not in the document", simulated).
Prints citation precision, value match, refusal, false refusal, answer-language match and ask latency
p50/p95 (model loaded), then the curve of the support threshold.

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
from kaynak.types import Answer  # noqa: E402


def frame_lang(answer: str) -> str:
    """The scorer's rule: the answer's own words, quotes and markers removed."""
    frame = re.sub(r"[\"“«„].*?[\"”»“]|\[\d+\]", " ", answer)
    return py3langid.classify(frame if len(frame.split()) >= 3 else answer)[0]


def decision(answerer: ExtractiveAnswerer, question: str, hits: list, lang: str) -> tuple[float, Answer]:
    """The support the refusal threshold is compared with (0 when the answerer refuses whatever the threshold:
    no passage, no value of the asked kind, a name or number the passages never mention), and the answer given
    at threshold 0."""
    threshold, answerer.threshold = answerer.threshold, 0.0
    try:
        ans = answerer.answer(question, hits, lang)
    finally:
        answerer.threshold = threshold
    v = answerer.verdict(question, hits, lang)
    return (v.support if v is not None and v.reason is None else 0.0), ans


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
    depth = settings.answer.passages

    lat, cite_prec, value, lang_ok, refused_real, false_ref = [], [], [], [], [], []
    failures: dict[str, list[str]] = {"citation": [], "value": [], "language": [], "refusal": [], "false refusal": []}
    pos_support, neg_support = [], []
    still_answerable: list[int] = []  # simulated negatives answered with the reference value from elsewhere
    for q in qa:
        t = time.perf_counter()
        ans = eng.ask(q["question"])
        lat.append(time.perf_counter() - t)
        lang = detect_lang(q["question"])
        hits = list(ans.hits)
        if not q["evidence"]:
            refused_real.append(ans.refused)
            if not ans.refused:
                failures["refusal"].append(q["id"])
            neg_support.append(decision(answerer, q["question"], hits[:depth], lang)[0])
            continue
        pos_support.append(decision(answerer, q["question"], hits[:depth], lang)[0])
        false_ref.append(ans.refused)
        lang_ok.append(frame_lang(ans.text) == q["lang"])
        if ans.refused:
            failures["false refusal"].append(q["id"])
        if not lang_ok[-1]:
            failures["language"].append(q["id"])
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
        # simulated "not in the document": the same question without its evidence passages
        rest = without_evidence(hits, q["evidence"])
        support, again = decision(answerer, q["question"], rest[:depth], lang)
        neg_support.append(support)
        # ... unless another passage states the same value (the summaries repeat the body): then an answer
        # holding every number of the reference ("29 Temmuz – 10 Ağustos 2020") is right, not a failure to refuse
        ref = set(digits(q["answer"])) if q["type"] in ("numeric", "date") else set()
        if support >= answerer.threshold and ref and ref <= set(digits(again.text)):
            still_answerable.append(len(neg_support) - 1)

    mean = lambda xs: sum(xs) / max(1, len(xs))  # noqa: E731
    neg = np.array(neg_support)
    pos = np.array(pos_support)
    thr = answerer.threshold
    print(f"questions {len(qa)} (answerable {len(pos)}, negatives {len(refused_real)} real + {len(pos)} simulated)")
    print(f"citation precision   {mean(cite_prec):.3f}")
    print(f"value match          {mean(value):.3f} ({sum(value)}/{len(value)})")
    print(f"refusal (real)       {mean(refused_real):.3f} ({sum(refused_real)}/{len(refused_real)})")
    print(f"refusal (all neg.)   {float((neg < thr).mean()):.3f} at threshold {thr}")
    true_neg = np.delete(neg, still_answerable)
    print(f"refusal (true neg.)  {float((true_neg < thr).mean()):.3f} ({len(still_answerable)} simulated negatives "
          "answered with the reference value from another passage left out)")
    print(f"false refusal        {mean(false_ref):.3f} ({sum(false_ref)}/{len(false_ref)})")
    print(f"answer language      {mean(lang_ok):.3f}")
    print(f"ask latency          p50 {1000 * statistics.median(lat):.0f} ms, p95 {1000 * float(np.percentile(lat, 95)):.0f} ms")
    for what, ids in failures.items():
        print(f"failed {what}: {' '.join(ids) or '-'}")
    print("\nsupport threshold -> refusal of negatives / false refusal of answerable")
    for t in [0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8]:
        print(f"  {t:.2f}  refusal {float((neg < t).mean()):.3f}  false refusal {float((pos < t).mean()):.3f}")


if __name__ == "__main__":
    main()
