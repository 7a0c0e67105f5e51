"""Compare two evaluation runs (two out_dirs of ``run_eval``) question by question.

Deltas are paired: each metric is compared on the questions where it applies in both runs, with a paired
bootstrap 95% CI of the mean difference. Retrieval gets a significance test from ``ranx.compare`` (paired
Student's t-test and Fisher's randomization test) on the shared answerable questions.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import metrics as M
from .runner import Summary, read_results, read_summary

RANX_METRICS = ("recall@5", "mrr@10", "ndcg@10")
ALPHA = 0.05


@dataclass
class Delta:
    metric: str
    a: float | None
    b: float | None
    delta: float | None
    ci: tuple[float, float] | None
    n: int  # paired questions
    p_ttest: float | None = None  # ranx paired t-test (retrieval metrics only)
    p_fisher: float | None = None  # ranx Fisher's randomization test

    @property
    def significant(self) -> bool | None:
        """CI excludes 0 (or, for retrieval, the t-test says p < 0.05)."""
        if self.p_ttest is not None and not math.isnan(self.p_ttest):
            return self.p_ttest < ALPHA
        if self.ci is None:
            return None
        return self.ci[0] > 0 or self.ci[1] < 0


@dataclass
class Comparison:
    dir_a: Path
    dir_b: Path
    label_a: str
    label_b: str
    n_common: int
    only_a: list[str]
    only_b: list[str]
    deltas: list[Delta]
    flips: dict[str, list[str]] = field(default_factory=dict)  # "hit@5→miss" -> question ids
    summary_a: Summary | None = None
    summary_b: Summary | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"a": str(self.dir_a), "b": str(self.dir_b), "label_a": self.label_a, "label_b": self.label_b,
                "n_common": self.n_common, "only_a": self.only_a, "only_b": self.only_b,
                "deltas": [{**d.__dict__, "ci": list(d.ci) if d.ci else None, "significant": d.significant}
                           for d in self.deltas],
                "flips": self.flips}


def paired_bootstrap_ci(a: np.ndarray, b: np.ndarray, n_boot: int = M.N_BOOT,
                        seed: int = M.SEED) -> tuple[float, float] | None:
    """95% percentile bootstrap CI of mean(b - a), resampling questions (pairs) together."""
    return M.bootstrap_ci(np.asarray(b, float) - np.asarray(a, float), n_boot=n_boot, seed=seed)


def _ranx_tests(recs_a: dict[str, M.Record], recs_b: dict[str, M.Record], ids: list[str],
                names: tuple[str, str]) -> dict[str, dict[str, float]]:
    """metric -> {"student": p, "fisher": p} from ranx.compare on the shared answerable questions."""
    from ranx import Qrels, Run, compare

    ids = [i for i in ids if recs_a[i].answerable and recs_b[i].answerable]
    if len(ids) < 2:
        return {}
    qrels = {i: {c: 1 for c in M.dedupe([*recs_a[i].relevant, *recs_b[i].relevant])} or {M.MISSING: 1}
             for i in ids}
    runs = [Run({i: {c: float(M.K + 1 - r) for r, c in enumerate(M.dedupe(recs[i].retrieved)[:M.K])}
                 for i in ids}, name=name) for recs, name in ((recs_a, names[0]), (recs_b, names[1]))]
    out: dict[str, dict[str, float]] = {m: {} for m in RANX_METRICS}
    for test in ("student", "fisher"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rep = compare(Qrels(qrels), runs=runs, metrics=[M.RANX_NAMES[m] for m in RANX_METRICS], stat_test=test,
                          max_p=ALPHA, make_comparable=True, random_seed=M.SEED)
        cmp = rep.to_dict()[names[0]]["comparisons"][names[1]]
        for m in RANX_METRICS:
            out[m][test] = float(cmp[M.RANX_NAMES[m]])
    return out


def _flips(a: M.Record, b: M.Record) -> list[str]:
    out = []
    if a.answerable:
        ha, hb = a.first_hit is not None and a.first_hit <= 5, b.first_hit is not None and b.first_hit <= 5
        if ha != hb:
            out.append("hit@5→miss" if ha else "miss→hit@5")
    if a.refused != b.refused:
        out.append("answered→refused" if b.refused else "refused→answered")
    va, vb = a.verdicts.get("value_match"), b.verdicts.get("value_match")
    if va is not None and vb is not None and va != vb:
        out.append("value→no value" if va else "no value→value")
    pa, pb = not a.failures, not b.failures
    if pa != pb:
        out.append("pass→fail" if pa else "fail→pass")
    return out


def compare_runs(dir_a: Path, dir_b: Path) -> Comparison:
    """Compare run B against run A (B - A), reading each directory's results.jsonl and summary.json.

    Headline metrics and per-question latency get paired deltas with bootstrap 95% CIs over shared question
    ids; recall@5, MRR@10 and nDCG@10 also get ranx's paired t-test and Fisher randomization p-values.
    ``flips`` lists question ids whose verdict changed (hit@5→miss, answered→refused, pass→fail, ...).
    """
    dir_a, dir_b = Path(dir_a), Path(dir_b)
    sa, sb = read_summary(dir_a), read_summary(dir_b)
    ra = {r.id: r for r in read_results(dir_a)}
    rb = {r.id: r for r in read_results(dir_b)}
    common = [i for i in ra if i in rb]
    la, lb = sa.meta.get("label") or dir_a.name, sb.meta.get("label") or dir_b.name
    if la == lb:
        la, lb = f"A:{la}", f"B:{lb}"
    tests = _ranx_tests(ra, rb, common, (la, lb))
    deltas = []
    for m in (*M.HEADLINE, "latency"):
        if m == "latency":
            pairs = [(ra[i].latency, rb[i].latency) for i in common]
        else:
            pairs = [(ra[i].verdicts.get(m), rb[i].verdicts.get(m)) for i in common]
            pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
        if not pairs:
            continue
        a, b = np.array(pairs, dtype=float).T
        t = tests.get(m, {})
        deltas.append(Delta(m, float(a.mean()), float(b.mean()), float((b - a).mean()), paired_bootstrap_ci(a, b),
                            len(pairs), t.get("student"), t.get("fisher")))
    flips: dict[str, list[str]] = {}
    for i in common:
        for kind in _flips(ra[i], rb[i]):
            flips.setdefault(kind, []).append(i)
    return Comparison(dir_a, dir_b, la, lb, len(common), [i for i in ra if i not in rb],
                      [i for i in rb if i not in ra], deltas, flips, sa, sb)


def _p(p: float | None) -> str:
    return "" if p is None else ("nan" if math.isnan(p) else f"{p:.3f}")


def _rows(c: Comparison) -> list[list[str]]:
    rows = []
    for d in c.deltas:
        name = "Latency (s)" if d.metric == "latency" else M.LABELS[d.metric]
        ci = f"[{d.ci[0]:+.3f}, {d.ci[1]:+.3f}]" if d.ci else "–"
        sig = {True: "yes", False: "no", None: "–"}[d.significant]
        rows.append([name, str(d.n), M.fmt(d.a), M.fmt(d.b), f"{d.delta:+.3f}", ci, _p(d.p_ttest),
                     _p(d.p_fisher), sig])
    return rows


HEADER = ("Metric", "n", "A", "B", "B−A", "95% CI", "p (t-test)", "p (Fisher)", "significant")


def format_comparison(c: Comparison) -> str:
    """Plain-text table for the terminal: deltas with CIs and p-values, then the flipped questions."""
    rows = [list(HEADER), *_rows(c)]
    widths = [max(len(r[j]) for r in rows) for j in range(len(HEADER))]
    lines = [f"A = {c.label_a} ({c.dir_a})", f"B = {c.label_b} ({c.dir_b})",
             f"{c.n_common} shared questions" + (f"; only in A: {len(c.only_a)}" if c.only_a else "")
             + (f"; only in B: {len(c.only_b)}" if c.only_b else ""), ""]
    for k, r in enumerate(rows):
        lines.append("  ".join(s.ljust(w) if j == 0 else s.rjust(w) for j, (s, w) in enumerate(zip(r, widths))))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    if any(d.metric == "faithfulness" for d in c.deltas):
        lines.append("Faithfulness is LLM-judged.")
    lines.append("Flipped questions:" if c.flips else "No question flipped.")
    for kind, ids in sorted(c.flips.items()):
        lines.append(f"  {kind} ({len(ids)}): {' '.join(ids)}")
    return "\n".join(lines)


def comparison_markdown(c: Comparison) -> str:
    rows = _rows(c)
    out = [f"# Comparison: {c.label_b} vs {c.label_a}", "", f"{c.n_common} shared questions. Deltas are B − A "
           "over questions where the metric applies in both runs; CIs are paired bootstrap (1000 resamples); "
           "p-values from ranx.compare.", "",
           "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += ["", "## Flipped questions", ""]
    out += [f"- {kind} ({len(ids)}): {', '.join(ids)}" for kind, ids in sorted(c.flips.items())] or ["None."]
    return "\n".join(out) + "\n"


def write_comparison(c: Comparison, path: Path) -> Path:
    """Write the comparison as markdown (e.g. compare.md)."""
    path = Path(path)
    path.write_text(comparison_markdown(c), encoding="utf-8")
    return path
