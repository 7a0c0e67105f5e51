"""Fit the offline answerer's answerability model (assistant/answerability.py) and judge it leaving each question
set out in turn.

Cases: every question of each set as asked (the passages `kaynak ask` reads), and each answerable question once
more with its evidence passages removed (a simulated "not in the document"; left out when a passage still read
states the reference answer's number, as a summary repeating the body does). For each held-out set:

1. the choice (a conditional logit over the candidate sentences) is fitted on the answerable cases of the other
   sets: positives are the sentences that overlap an evidence quote;
2. the answer model (a logistic regression on the chosen sentence) is fitted on all cases of the other sets:
   it should answer when the chosen sentence's passage holds evidence, and refuse otherwise;
3. the threshold is the highest that refuses at most --max-false-refusal of the other sets' answerable questions
   (a refusal of a question the document answers is the failure users reported first; below it, the model
   refuses what it can);
4. the held-out set is scored: false refusal, real negatives refused, simulated negatives refused, citation
   precision (the chosen sentence's passage holds evidence) and value match (the reference's number is in the
   chosen sentence).

Then everything is fitted on all sets and, with --write, saved to assistant/fitted/answerability-<model>.json
with the held-out numbers beside it.

    .venv/bin/python benchmarks/fit_answerability.py --set dev --set calibration --set check2 --set check3 \
        --set train [--set handbook=/path/to/handbook-index] [--data-dir DIR] [--cache FILE] [--write]
"""
from __future__ import annotations

import argparse
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # before benchmarks/ (the script's folder): benchmarks/ingest.py is not the ingest package

import numpy as np  # noqa: E402

from app.engine import Engine  # noqa: E402
from assistant.answerability import ANSWER_FEATURES, CHOICE_FEATURES, Params, answer_features, params_path  # noqa: E402
from assistant.citations import find_span  # noqa: E402
from assistant.extractive import ExtractiveAnswerer, retrieval_margin  # noqa: E402
from fitting import Standardiser, engine_for, fit_choice, fit_logistic, leave_one_out, load_set, parse_set, table  # noqa: E402
from kaynak.config import Settings  # noqa: E402
from kaynak.lang import detect_lang  # noqa: E402
from kaynak.text import contains_quote, digits  # noqa: E402


@dataclass
class Case:
    set: str
    id: str
    kind: str  # "answerable", "negative" (the document does not say), "simulated" (evidence removed)
    retrieval_margin: float
    x: np.ndarray  # candidate sentences x CHOICE_FEATURES
    positive: np.ndarray  # the sentence overlaps an evidence quote
    right: np.ndarray  # the sentence's passage holds an evidence quote
    value_ok: np.ndarray  # the sentence states the reference answer's number (True when it has none)


def reference_number(item: dict) -> str:
    """The reference answer's longest number (how score.py checks a value), "" when it has none."""
    return max(digits(item["answer"]), key=len, default="") if item["type"] in ("numeric", "date") else ""


def collect(engine: Engine, answerer: ExtractiveAnswerer, name: str, qa: list[dict], depth: int) -> list[Case]:
    n = engine.settings.answer.passages
    cases = []
    for item in qa:
        question, evidence = item["question"], item["evidence"]
        lang = detect_lang(question, engine.settings.chunking.languages)
        ref = reference_number(item)
        variants = [("answerable" if evidence else "negative", engine.passages(question, lang)[:n])]
        if evidence:
            deeper = engine.search(question, k=depth)
            rest = [h for h in deeper if not any(contains_quote(h.chunk.text, e) for e in evidence)][:n]
            if not (ref and len(ref) >= 2 and any(ref in digits(h.chunk.text) for h in rest)):
                variants.append(("simulated", rest))
        for kind, passages in variants:
            _, passages, cands = answerer.read(question, passages, lang)
            if not cands:
                continue
            x = np.array([[c.features[f] for f in CHOICE_FEATURES] for c in cands], dtype=float)
            spans = [[find_span(passages[c.hit_index].chunk.text, e) for e in evidence] for c in cands]
            positive = np.array([kind == "answerable" and any(s and s[0] < c.end and c.start < s[1] for s in sp)
                                 for c, sp in zip(cands, spans)])
            right = np.array([kind == "answerable" and any(s for s in sp) for sp in spans])
            value_ok = np.array([not ref or ref in digits(c.text) for c in cands])
            cases.append(Case(name, item["id"], kind, retrieval_margin(passages), x, positive, right, value_ok))
    return cases


def answer_rows(cases: list[Case], w_choice: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case: the answer model's features for the chosen sentence, whether answering is right, and the
    chosen sentence's index."""
    rows, labels, chosen = [], [], []
    for c in cases:
        s = c.x @ w_choice
        order = np.argsort(-s)
        best = order[0]
        f = dict(zip(CHOICE_FEATURES, c.x[best]))
        weakest = float(c.x[:, CHOICE_FEATURES.index("weakest_passage")].max())
        feats = answer_features(float(s[best]), float(s[order[1]]) if len(order) > 1 else None, weakest, c.retrieval_margin, f)
        rows.append([feats[k] for k in ANSWER_FEATURES])
        labels.append(c.kind == "answerable" and c.right[best])
        chosen.append(best)
    return np.array(rows), np.array(labels, dtype=float), np.array(chosen)


def fit(cases: list[Case], l2: float, max_false_refusal: float) -> tuple[Params, dict]:
    """Choice, answer model and threshold fitted on these cases (raw-scale weights)."""
    x_all = np.vstack([c.x for c in cases])
    std = Standardiser.fit(x_all)
    groups, positive, off = [], [], 0
    for c in cases:
        if c.kind == "answerable" and c.positive.any():
            groups.append(np.arange(off, off + len(c.x)))
        positive.append(c.positive)
        off += len(c.x)
    w_choice = fit_choice(std(x_all), groups, np.concatenate(positive), l2=l2)
    w_choice, _ = std.raw(w_choice)
    rows, labels, _ = answer_rows(cases, w_choice)
    std2 = Standardiser.fit(rows)
    weights = np.array([0.5 if c.kind == "simulated" else 1.0 for c in cases])  # simulated negatives are noisier
    w, b = fit_logistic(std2(rows), labels, l2=l2, weights=weights)
    w, b = std2.raw(w, b)
    probs = 1 / (1 + np.exp(-(rows @ w + b)))
    threshold = highest_threshold(cases, probs, max_false_refusal)
    return Params(
        choice={k: round(float(v), 5) for k, v in zip(CHOICE_FEATURES, w_choice)},
        answer={k: round(float(v), 5) for k, v in zip(ANSWER_FEATURES, w)},
        bias=round(b, 5),
        threshold=round(threshold, 4),
    ), {}


def highest_threshold(cases: list[Case], probs: np.ndarray, max_false_refusal: float) -> float:
    """The highest threshold (0.01 steps) that refuses at most this share of the answerable questions."""
    answerable = np.array([c.kind == "answerable" for c in cases])
    grid = np.round(np.arange(0.01, 0.951, 0.01), 2)
    ok = [t for t in grid if (probs[answerable] < t).mean() <= max_false_refusal]
    return float(max(ok)) if ok else float(grid[0])


def score(cases: list[Case], params: Params) -> dict[str, float]:
    w_choice = np.array([params.choice[k] for k in CHOICE_FEATURES])
    rows, labels, chosen = answer_rows(cases, w_choice)
    w = np.array([params.answer[k] for k in ANSWER_FEATURES])
    probs = 1 / (1 + np.exp(-(rows @ w + params.bias)))
    answered = probs >= params.threshold
    kinds = np.array([c.kind for c in cases])
    ans = kinds == "answerable"
    value = [c.value_ok[i] for c, i, a, k in zip(cases, chosen, answered, kinds) if a and k == "answerable"]
    return {
        "n": int(ans.sum()),
        "false refusal": float((~answered[ans]).mean()) if ans.any() else float("nan"),
        "negatives refused": float((~answered[kinds == "negative"]).mean()) if (kinds == "negative").any() else float("nan"),
        "simulated refused": float((~answered[kinds == "simulated"]).mean()) if (kinds == "simulated").any() else float("nan"),
        "citation precision": float(labels[ans & answered].mean()) if (ans & answered).any() else float("nan"),
        "value": float(np.mean(value)) if value else float("nan"),
        "chose right": float(np.mean([c.right[i] for c, i, k in zip(cases, chosen, kinds) if k == "answerable"])),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, help="index of the thesis (default: settings)")
    ap.add_argument("--set", action="append", required=True, help="NAME or NAME=DATA_DIR")
    ap.add_argument("--depth", type=int, default=30)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--max-false-refusal", type=float, default=0.15, help="share of answerable questions the threshold may refuse")
    ap.add_argument("--cache", type=Path, help="read cases from / write them to this file")
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    cases: dict[str, list[Case]] = pickle.loads(a.cache.read_bytes()) if a.cache and a.cache.is_file() else {}
    engines: dict[Path | None, Engine] = {}
    model = Settings().embedder.model
    for spec in a.set:
        name, data_dir = parse_set(spec, a.data_dir)
        if name in cases:
            continue
        engine = engine_for(data_dir, engines)
        answerer = ExtractiveAnswerer(engine.settings, engine.embedder, engine.store, params=Params())
        cases[name] = collect(engine, answerer, name, load_set(name), a.depth)
        print(f"{name}: {len(cases[name])} cases", file=sys.stderr)
    if a.cache:
        a.cache.write_bytes(pickle.dumps(cases))
    names = [parse_set(spec, a.data_dir)[0] for spec in a.set]
    rows, held_out = [], {}
    for held, fit_on in leave_one_out(names):
        params, _ = fit([c for n in fit_on for c in cases[n]], a.l2, a.max_false_refusal)
        result = score(cases[held], params)
        held_out[held] = {k: round(v, 4) for k, v in result.items()}
        rows.append({"held out": held, "threshold": params.threshold, **result})
    columns = ["held out", "n", "threshold", "false refusal", "negatives refused", "simulated refused",
               "citation precision", "value", "chose right"]
    print(table(rows, columns))
    params, _ = fit([c for n in names for c in cases[n]], a.l2, a.max_false_refusal)
    params = Params(**{**params.__dict__, "model": model, "fitted_on": ", ".join(names), "held_out": held_out})
    print("choice:", params.choice)
    print("answer:", params.answer, "bias", params.bias, "threshold", params.threshold)
    if a.write:
        path = params_path(model)
        params.save(path)
        print("wrote", path)


if __name__ == "__main__":
    main()
