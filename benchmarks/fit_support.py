"""Fit the offline answerer's support model (`assistant.extractive.support`) and estimate it honestly.

Each answerable question of the QA set gives a positive case (the passages retrieval returns) and a simulated
negative (the same question with its evidence passages removed, as in benchmarks/answer.py); unanswerable
questions give real negatives. The features are those of the answerer's best sentence: its cosine to the
question, the idf-weighted coverage of the question's terms by its passage, the share of the question's
numbers in it, and whether it is in the question's language. Cases the answerer refuses whatever the threshold
(no value of the asked kind, a name or number the passages never mention) are left out of the fit and count
as refused.

Prints the coefficients (raw feature scale, as `SUPPORT_COEF` and `SUPPORT_BIAS` take them), the refusal /
false-refusal curve of the fit on all cases, and a nested leave-one-question-out estimate: each question is
scored by a model fitted without it, at the threshold chosen on the other questions (the highest that adds at
most --max-fr of false refusal there to what the other checks cost).

    .venv/bin/python benchmarks/fit_support.py [--qa FILE ...] [--data-dir DIR]

Several --qa files are pooled (say the dev set and questions written apart from it).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from answer import without_evidence  # noqa: E402
from app.engine import Engine  # noqa: E402
from assistant.extractive import ExtractiveAnswerer, support_features  # noqa: E402
from kaynak.config import BUNDLED_DEV_QA, Settings  # noqa: E402
from kaynak.lang import detect_lang  # noqa: E402

THRESHOLDS = np.round(np.arange(0.0, 0.951, 0.005), 3)


def cases(eng: Engine, answerer: ExtractiveAnswerer, qa: list[dict], depth: int) -> list[dict]:
    """One entry per case: question id, label (1 = answerable), and the best sentence's features (None when
    another check refuses the case whatever the threshold)."""
    out = []
    for q in qa:
        lang = detect_lang(q["question"])
        hits = list(eng.ask(q["question"]).hits)
        sets = [(1, hits), (0, without_evidence(hits, q["evidence"]))] if q["evidence"] else [(0, hits)]
        for label, hs in sets:
            v = answerer.verdict(q["question"], hs[:depth], lang)
            x = None
            if v is not None and v.reason is None:
                best = v.chosen[0]
                x = list(support_features(best, hs[best.hit_index].chunk.lang == lang))
            out.append({"id": q["id"], "label": label, "x": x})
    return out


def fit(cases_: list[dict], c: float) -> LogisticRegression:
    kept = [k for k in cases_ if k["x"] is not None]
    return LogisticRegression(C=c, max_iter=10000).fit(np.array([k["x"] for k in kept]), np.array([k["label"] for k in kept]))


def decisions(model: LogisticRegression, cases_: list[dict]) -> np.ndarray:
    """Each case's support under the model (0 when another check refuses it)."""
    return np.array([model.predict_proba(np.array([k["x"]]))[0, 1] if k["x"] is not None else 0.0 for k in cases_])


def threshold_for(p: np.ndarray, y: np.ndarray, max_fr: float) -> float:
    """The highest threshold that refuses at most max_fr more of the answerable cases than the other checks
    already do (those have support 0)."""
    base = (p[y == 1] <= 0.0).mean()
    return max(t for t in THRESHOLDS if (p[y == 1] < t).mean() <= base + max_fr)


def nested_estimate(cases_: list[dict], c: float, max_fr: float) -> tuple[float, float, float]:
    """(refusal of negatives, false refusal, median threshold) with each question scored out of sample."""
    labels = np.array([k["label"] for k in cases_])
    refused = np.zeros(len(cases_), dtype=bool)
    chosen = []
    for qid in sorted({k["id"] for k in cases_}):
        train = [k for k in cases_ if k["id"] != qid]
        test = [i for i, k in enumerate(cases_) if k["id"] == qid]
        model = fit(train, c)
        t = threshold_for(decisions(model, train), np.array([k["label"] for k in train]), max_fr)
        chosen.append(t)
        refused[test] = decisions(model, [cases_[i] for i in test]) < t
    return float(refused[labels == 0].mean()), float(refused[labels == 1].mean()), float(np.median(chosen))


def curve(p: np.ndarray, y: np.ndarray) -> None:
    for t in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        print(f"  {t:.2f}  refusal {(p[y == 0] < t).mean():.3f}  false refusal {(p[y == 1] < t).mean():.3f}"
              f" ({int((p[y == 1] < t).sum())}/{int((y == 1).sum())})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qa", action="append", help="QA file(s) in the dev-set format (default: kaynak/data/dev_qa.jsonl)")
    ap.add_argument("--data-dir")
    ap.add_argument("--c", type=float, default=1000.0, help="inverse L2 strength of the logistic regression")
    ap.add_argument("--max-fr", type=float, default=0.03, help="false refusal the threshold may add (nested estimate)")
    a = ap.parse_args()
    settings = Settings(**({"data_dir": Path(a.data_dir)} if a.data_dir else {}))
    eng = Engine(settings)
    eng.warm_up()
    answerer = eng.answerer()
    assert isinstance(answerer, ExtractiveAnswerer)
    qa = [json.loads(line) for path in a.qa or [BUNDLED_DEV_QA]
          for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]

    all_cases = cases(eng, answerer, qa, settings.answer.passages)
    labels = np.array([k["label"] for k in all_cases])
    model = fit(all_cases, a.c)
    gated = sum(k["x"] is None for k in all_cases)
    print(f"cases {len(all_cases)} ({int(labels.sum())} answerable, {int((labels == 0).sum())} negatives, {gated} refused"
          " whatever the threshold)")
    print(f"SUPPORT_COEF = ({', '.join(f'{v:.2f}' for v in model.coef_[0])})  # sim, coverage, numbers, same language")
    print(f"SUPPORT_BIAS = {model.intercept_[0]:.2f}")
    print("fit on all cases:")
    curve(decisions(model, all_cases), labels)
    rr, fr, t = nested_estimate(all_cases, a.c, a.max_fr)
    print(f"nested leave-one-question-out (threshold: false refusal <= {a.max_fr} on the other questions, median {t:.3f}):"
          f" refusal {rr:.3f}, false refusal {fr:.3f}")


if __name__ == "__main__":
    main()
