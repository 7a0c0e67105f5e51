"""What an evaluation run returns and writes as summary.json; read by the reports and the run comparison."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import metrics as M


@dataclass
class Summary:
    """What ``run_eval`` returns: the same content as summary.json, plus where the files went."""

    n: int
    metrics: dict[str, dict[str, Any]]  # metric -> {value, ci: [lo, hi] | None, n}
    latency: dict[str, Any]  # p50, p95, mean, max (seconds)
    groups: dict[str, dict[str, Any]]  # lang / pair / type -> key -> {n, metrics, latency}
    counts: dict[str, int]
    meta: dict[str, Any] = field(default_factory=dict)
    out_dir: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, "n": self.n, "counts": self.counts, "metrics": self.metrics,
                "latency": self.latency, "groups": self.groups}

    @classmethod
    def from_dict(cls, d: dict[str, Any], out_dir: Path | None = None) -> Summary:
        return cls(n=d["n"], metrics=d["metrics"], latency=d["latency"], groups=d["groups"],
                   counts=d.get("counts", {}), meta=d.get("meta", {}), out_dir=out_dir)

    def headline(self) -> str:
        """One line for the terminal."""
        m = self.metrics
        parts = [f"{k}={M.fmt(m[k]['value'])}" for k in M.HEADLINE if m[k]["n"]]
        lat = self.latency
        return " ".join([f"n={self.n}", *parts, f"latency_p50={M.fmt(lat['p50'])}s", f"p95={M.fmt(lat['p95'])}s"])
