"""Fitting helpers shared by the fit_* benchmarks: a conditional logit for "which of these is the one", a
logistic for "is this one right", question sets by name and the index each is asked of, and leave-one-set-out.

Leave-one-set-out is how every weight here is judged: fitted on all sets but one, scored on the one left out,
so a number printed for a set never comes from weights that saw it.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import minimize

if TYPE_CHECKING:
    from app.engine import Engine
    from kaynak.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"


def qa_path(name: str) -> Path:
    """A question set by name ("dev", "check2", "handbook") or by path."""
    if name == "dev":
        return ROOT / "kaynak" / "data" / "dev_qa.jsonl"
    path = DATA / f"{name}_qa.jsonl"
    return path if path.is_file() else Path(name)


def load_set(name: str) -> list[dict]:
    return [json.loads(line) for line in qa_path(name).read_text(encoding="utf-8").splitlines() if line.strip()]


def parse_set(spec: str, default_dir: Path | None) -> tuple[str, Path | None]:
    """A --set argument: "NAME=DATA_DIR" (a set asked of another corpus's index), or a bare NAME asked of
    `default_dir` (None: the settings' data dir)."""
    name, _, where = spec.partition("=")
    return name, Path(where) if where else default_dir


def engine_for(
    data_dir: Path | None, engines: dict[Path | None, Engine], adjust: Callable[[Settings], Settings] | None = None
) -> Engine:
    """A warmed-up Engine over the index already in `data_dir` (a fit never ingests), one per directory:
    `engines` keeps them. `adjust` changes its settings first (e.g. retrieval without the rerank)."""
    if data_dir not in engines:
        from app.engine import Engine
        from kaynak.config import Settings

        settings = Settings() if data_dir is None else Settings(data_dir=data_dir, auto_ingest=False)
        engines[data_dir] = Engine(adjust(settings) if adjust else settings)
        engines[data_dir].warm_up()
    return engines[data_dir]


@dataclass
class Standardiser:
    """Features to zero mean and unit variance (fitted on training rows), and weights back to the raw scale."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardiser:
        return cls(x.mean(axis=0), x.std(axis=0) + 1e-9)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.scale

    def raw(self, w: np.ndarray, b: float = 0.0) -> tuple[np.ndarray, float]:
        """Weights and bias for raw features that give the same scores as `w`, `b` on standardised ones."""
        return w / self.scale, float(b - (w * self.mean / self.scale).sum())


def fit_choice(x: np.ndarray, groups: Sequence[np.ndarray], positive: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Conditional logit: weights w such that, within each group of rows (the candidates of one question),
    softmax(x @ w) puts its mass on the positive rows. Maximises the log of the positives' total probability,
    with an L2 penalty. Only the differences within a group matter, so there is no bias."""
    d = x.shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros(d)
        for idx in groups:
            s = x[idx] @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            pos = positive[idx]
            mass = p[pos].sum()
            total -= np.log(mass + 1e-12)
            q = np.where(pos, p / (mass + 1e-12), 0.0)
            grad -= (q - p) @ x[idx]
        return total + l2 * float(w @ w), grad + 2 * l2 * w

    return minimize(loss, np.zeros(d), jac=True, method="L-BFGS-B").x


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, weights: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Plain L2-penalised logistic regression (weights, bias)."""
    d = x.shape[1]
    sw = np.ones(len(y)) if weights is None else weights

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = x @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        nll = -(sw * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))).sum()
        g = sw * (p - y)
        return nll + l2 * float(w @ w), np.concatenate([x.T @ g + 2 * l2 * w, [g.sum()]])

    theta = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B").x
    return theta[:d], float(theta[d])


def leave_one_out(names: Iterable[str]) -> Iterable[tuple[str, list[str]]]:
    """(held-out set, the sets to fit on) for each set."""
    names = list(names)
    for held in names:
        yield held, [n for n in names if n != held]


def ranks_summary(ranks: Sequence[int | None], k: int = 10) -> dict[str, float]:
    """recall@1, recall@5 and MRR@k of first-relevant ranks (None: not found)."""
    n = max(1, len(ranks))
    return {
        "R@1": sum(r is not None and r <= 1 for r in ranks) / n,
        "R@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "MRR": sum(1 / r for r in ranks if r is not None and r <= k) / n,
    }


def table(rows: list[dict], columns: list[str], fmt: Callable[[object], str] = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)) -> str:
    """A small plain-text table."""
    widths = [max(len(c), *(len(fmt(r.get(c, ""))) for r in rows)) for c in columns]
    line = lambda vals: "  ".join(str(v).rjust(w) for v, w in zip(vals, widths))  # noqa: E731
    return "\n".join([line(columns), *(line([fmt(r.get(c, "")) for c in columns]) for r in rows)])
