"""Answer-quality metrics as pure functions over per-question result records.

Definitions follow the project's yardstick, shared/eval/score.py, exactly:

- a passage *holds* a quote when the whole ``match_norm``-ed quote is inside the ``match_norm``-ed passage
  (score.py's ``coverage() == 1.0``);
- ``recall@k`` is the share of answerable questions with a passage holding an evidence quote in the top k
  (score.py's first-hit recall, ranx's ``hit_rate@k``); ``mrr@10`` uses the first such passage;
- citation precision, value match and answer language are measured on answered (not refused) answerable
  questions; an answer without citations has precision 0;
- refusal rate is over unanswerable questions, false-refusal rate over answerable ones.

Retrieval metrics are computed by ranx from a Qrels of relevant chunk ids and a Run whose scores strictly
decrease with kaynak's rank, so ranx never re-orders tied scores.
"""
from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from kaynak.text import match_norm, tr_lower

K = 10  # retrieval depth scored, as score.py's `search --k 10`
RETRIEVAL = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
RANX_NAMES = {"recall@1": "hit_rate@1", "recall@5": "hit_rate@5", "recall@10": "hit_rate@10",
         "mrr@10": "mrr@10", "ndcg@10": "ndcg@10"}
ANSWER = ("citation_precision", "citation_recall", "value_match", "token_f1", "refusal", "false_refusal",
          "lang_match", "faithfulness")
HEADLINE = (*RETRIEVAL, *ANSWER)
LABELS = {
    "recall@1": "Recall@1", "recall@5": "Recall@5", "recall@10": "Recall@10", "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10", "citation_precision": "Citation precision", "citation_recall": "Citation recall",
    "value_match": "Value match", "token_f1": "Token F1", "refusal": "Refusal (unanswerable)",
    "false_refusal": "False refusal (answerable)", "lang_match": "Answer language",
    "faithfulness": "Faithfulness (LLM-judged)",
}
LOWER_IS_BETTER = {"false_refusal"}
NUMERIC_TYPES = ("numeric", "date")
N_BOOT = 1000
SEED = 20240501
MISSING = "__no_relevant_chunk__"  # qrels placeholder for a question none of whose quotes any known chunk holds


# ---------------------------------------------------------------- per-question verdicts


def holds(passage: str, quote: str) -> bool:
    """The passage holds the whole quote after layout-blind normalisation (score.py: coverage == 1.0)."""
    q = match_norm(quote)
    return bool(q) and q in match_norm(passage)


def holds_any(passage: str, evidence: Sequence[str]) -> bool:
    return any(holds(passage, e) for e in evidence)


def relevant_ids(evidence: Sequence[str], chunks: Iterable[tuple[str, str]]) -> list[str]:
    """Ids of the ``(id, text)`` chunks that hold at least one evidence quote, first occurrence order."""
    out: list[str] = []
    for cid, text in chunks:
        if cid not in out and holds_any(text, evidence):
            out.append(cid)
    return out


def dedupe(ids: Iterable[str]) -> list[str]:
    """Keep each id's first (best) rank; a ranking holds a passage once."""
    return list(dict.fromkeys(ids))


def first_hit_rank(retrieved: Sequence[str], relevant: Iterable[str], k: int = K) -> int | None:
    """1-based rank of the first relevant id within the top k, else None."""
    rel = set(relevant)
    for r, cid in enumerate(retrieved[:k], 1):
        if cid in rel:
            return r
    return None


def citation_support(evidence: Sequence[str], cited_texts: Sequence[str]) -> list[bool]:
    """For each citation: does its chunk text hold an evidence quote."""
    return [holds_any(t, evidence) for t in cited_texts]


def citation_precision(evidence: Sequence[str], cited_texts: Sequence[str]) -> float:
    """Share of citations whose chunk holds an evidence quote; 0.0 when nothing is cited (score.py)."""
    if not cited_texts:
        return 0.0
    sup = citation_support(evidence, cited_texts)
    return sum(sup) / len(sup)


def citation_recall(evidence: Sequence[str], cited_texts: Sequence[str]) -> float | None:
    """Share of the evidence quotes held by at least one cited chunk; None for unanswerable items."""
    if not evidence:
        return None
    return sum(any(holds(t, e) for t in cited_texts) for e in evidence) / len(evidence)


def digits(s: str) -> list[str]:
    """Numbers in a text as digit strings: "1.250 kişi" -> ["1250"] (score.py)."""
    return [re.sub(r"\D", "", m) for m in re.findall(r"\d[\d.,\s]*\d|\d", s)]


def value_match(qtype: str, reference: str, answer: str) -> bool | None:
    """Numeric/date items: the reference's longest number appears among the answer's numbers; else None."""
    if qtype not in NUMERIC_TYPES:
        return None
    ref = max(digits(reference), key=len, default="")
    if not ref:
        return None
    return ref in digits(answer)


_MARKER = re.compile(r"\[\d+\]")


def _f1_tokens(s: str) -> list[str]:
    s = tr_lower(_MARKER.sub(" ", s))
    s = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in s)
    return s.split()


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1: Turkish-aware lower-case, [n] markers and punctuation removed, bag of tokens."""
    p, r = _f1_tokens(prediction), _f1_tokens(reference)
    if not p or not r:
        return float(p == r)
    common = sum((Counter(p) & Counter(r)).values())
    if common == 0:
        return 0.0
    prec, rec = common / len(p), common / len(r)
    return 2 * prec * rec / (prec + rec)


_QUOTED = re.compile(r"[\"“«„].*?[\"”»“]|\[\d+\]")


@lru_cache(maxsize=1)
def _langid() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    ident.set_languages(["tr", "en", "ru", "ky"])
    return ident


def framing_lang(answer: str) -> str:
    """Language of the answer's own words: quotes and [n] removed, py3langid over tr/en/ru/ky (score.py)."""
    frame = _QUOTED.sub(" ", answer)
    frame = frame if len(frame.split()) >= 3 else answer
    return _langid().classify(frame)[0]


def lang_match(answer: str, question_lang: str) -> bool:
    return framing_lang(answer) == question_lang


# ---------------------------------------------------------------- records


@dataclass
class Record:
    """What one question produced and how it was judged; one line of results.jsonl."""

    id: str
    question: str
    lang: str
    type: str
    evidence_lang: str
    answerable: bool
    retrieved: list[str]  # ranked chunk ids, top-K, duplicates removed
    relevant: list[str]  # ids of known chunks holding an evidence quote (qrels)
    first_hit: int | None
    answer: str
    refused: bool
    citations: list[dict[str, Any]]  # n, id, quote, supported, excerpt
    latency: float
    reference: str = ""
    section: str = ""
    verdicts: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in names})

    @property
    def failures(self) -> list[str]:
        """Why this question counts as a failure (empty: it passed)."""
        v = self.verdicts
        out = [f"error: {self.error}"] if self.error else []
        if not self.answerable:
            if not self.refused:
                out.append("answered an unanswerable question")
            return out
        if self.first_hit is None or self.first_hit > 5:
            out.append("no evidence in top 5" if self.first_hit is None else f"first evidence at rank {self.first_hit}")
        if self.refused:
            out.append("refused an answerable question")
            return out
        if v.get("citation_precision") is not None and v["citation_precision"] < 1.0:
            out.append("no citations" if not self.citations else "unsupported citation")
        if v.get("value_match") is not None and not v["value_match"]:
            out.append("reference value missing")
        if v.get("lang_match") is not None and not v["lang_match"]:
            out.append(f"answer language {v.get('answer_lang')} != {self.lang}")
        return out


def verdicts(rec: Record, evidence: Sequence[str], cited_texts: Sequence[str]) -> dict[str, Any]:
    """Per-question values of every metric; None where a metric does not apply (as score.py skips it)."""
    hit = rec.first_hit
    v: dict[str, Any] = {m: None for m in HEADLINE}
    v["answer_lang"] = None
    if rec.answerable:
        v["recall@1"] = float(hit is not None and hit <= 1)
        v["recall@5"] = float(hit is not None and hit <= 5)
        v["recall@10"] = float(hit is not None and hit <= 10)
        v["mrr@10"] = 1.0 / hit if hit is not None and hit <= 10 else 0.0
        v["false_refusal"] = float(rec.refused)
        v["token_f1"] = 0.0 if rec.refused else token_f1(rec.answer, rec.reference)
        if not rec.refused:
            v["citation_precision"] = citation_precision(evidence, cited_texts)
            v["citation_recall"] = citation_recall(evidence, cited_texts)
            vm = value_match(rec.type, rec.reference, rec.answer)
            v["value_match"] = None if vm is None else float(vm)
            v["answer_lang"] = framing_lang(rec.answer)
            v["lang_match"] = float(v["answer_lang"] == rec.lang)
    else:
        v["refusal"] = float(rec.refused)
    return v


# ---------------------------------------------------------------- retrieval metrics via ranx


def ranx_dicts(records: Sequence[Record]) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]:
    """Qrels and Run as plain dicts for the answerable records.

    Qrels: the relevant chunk ids (a never-retrieved placeholder when no known chunk holds a quote, so the
    question still counts, with 0). Run scores are ``K + 1 - rank``: strictly decreasing in kaynak's order, so
    ties in kaynak's own scores cannot be re-ordered by ranx (its numba argsort is not stable).
    """
    qrels, run = {}, {}
    for r in records:
        if not r.answerable:
            continue
        qrels[r.id] = {cid: 1 for cid in r.relevant} or {MISSING: 1}
        run[r.id] = {cid: float(K + 1 - i) for i, cid in enumerate(dedupe(r.retrieved)[:K])}
    return qrels, run


def ranx_inputs(records: Sequence[Record], name: str = "kaynak") -> tuple[Any, Any]:
    """``ranx.Qrels`` and ``ranx.Run`` built from ``ranx_dicts``."""
    from ranx import Qrels, Run

    qrels, run = ranx_dicts(records)
    return Qrels(qrels), Run(run, name=name)


def ranx_per_query(records: Sequence[Record]) -> dict[str, dict[str, float]]:
    """metric -> {question id -> value} for the answerable records, computed by ranx.evaluate."""
    from ranx import evaluate

    rs = [r for r in records if r.answerable]
    if not rs:
        return {m: {} for m in RETRIEVAL}
    qrels, run = ranx_inputs(rs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's uint64 -> int64 cast notice
        scores = evaluate(qrels, run, [RANX_NAMES[m] for m in RETRIEVAL], return_mean=False, make_comparable=True)
    ids = list(qrels.keys())  # ranx returns per-query arrays in its (sorted) query order
    return {m: dict(zip(ids, map(float, scores[RANX_NAMES[m]]))) for m in RETRIEVAL}


def with_ranx(records: Sequence[Record]) -> list[Record]:
    """Put ranx's per-query retrieval values (recall@k, MRR@10, nDCG@10) into each record's verdicts."""
    per = ranx_per_query(records)
    for r in records:
        for m in RETRIEVAL:
            r.verdicts[m] = per[m].get(r.id) if r.answerable else None
    return list(records)


# ---------------------------------------------------------------- aggregation


def bootstrap_ci(values: Sequence[float], n_boot: int = N_BOOT, seed: int = SEED,
                 stat: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[float, float] | None:
    """95% percentile bootstrap interval of the mean (or ``stat`` over axis 1); None for fewer than 2 values."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    boots = (stat or (lambda a: a.mean(axis=1)))(x[idx])
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return float(lo), float(hi)


def metric_values(records: Sequence[Record], metric: str) -> list[float]:
    return [float(r.verdicts[metric]) for r in records if r.verdicts.get(metric) is not None]


def aggregate(records: Sequence[Record], ci: bool = True) -> dict[str, dict[str, Any]]:
    """metric -> {value, ci, n} over the records where the metric applies (value None when n == 0)."""
    out = {}
    for m in HEADLINE:
        vals = metric_values(records, m)
        out[m] = {
            "value": float(np.mean(vals)) if vals else None,
            "ci": list(bootstrap_ci(vals) or ()) or None if ci else None,
            "n": len(vals),
        }
    return out


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def latency_stats(records: Sequence[Record]) -> dict[str, Any]:
    lat = [r.latency for r in records]
    return {"p50": percentile(lat, 50), "p95": percentile(lat, 95),
            "mean": float(np.mean(lat)) if lat else None, "max": max(lat, default=None), "n": len(lat)}


def group_keys(r: Record) -> dict[str, str]:
    return {"lang": r.lang, "pair": f"{r.lang}->{r.evidence_lang}", "type": r.type}


def groups(records: Sequence[Record], ci: bool = True) -> dict[str, dict[str, dict[str, Any]]]:
    """{"lang": {"tr": {"n", "metrics", "latency"}}, "pair": {"en->tr": ...}, "type": {...}}."""
    out: dict[str, dict[str, dict[str, Any]]] = {"lang": {}, "pair": {}, "type": {}}
    for kind in out:
        buckets: dict[str, list[Record]] = {}
        for r in records:
            buckets.setdefault(group_keys(r)[kind], []).append(r)
        for key in sorted(buckets):
            rs = buckets[key]
            out[kind][key] = {"n": len(rs), "metrics": aggregate(rs, ci=ci), "latency": latency_stats(rs)}
    return out


def summarize(records: Sequence[Record]) -> dict[str, Any]:
    """Overall metrics with 95% bootstrap CIs, latency, counts and the grouped breakdowns."""
    answerable = [r for r in records if r.answerable]
    return {
        "n": len(records),
        "counts": {
            "answerable": len(answerable),
            "unanswerable": len(records) - len(answerable),
            "answered": sum(not r.refused and not r.error for r in answerable),
            "refused": sum(r.refused for r in records),
            "errors": sum(bool(r.error) for r in records),
            "failures": sum(bool(r.failures) for r in records),
        },
        "metrics": aggregate(records),
        "latency": latency_stats(records),
        "groups": groups(records),
    }


def fmt(v: float | None, digits_: int = 3) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits_}f}"


def fmt_ci(m: dict[str, Any]) -> str:
    ci = m.get("ci")
    return f"[{fmt(ci[0])}, {fmt(ci[1])}]" if ci else "–"
