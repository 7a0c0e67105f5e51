"""Fitted weights of the rerank, one small versioned JSON file per embedding model (``index/fitted/``, read and
written by `kaynak.fitted`), fitted by benchmarks/fit_rerank.py on question sets of both corpora."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kaynak.config import DEFAULT_MODEL
from kaynak.fitted import fitted_path, read_fitted, write_fitted

log = logging.getLogger(__name__)

FITTED = Path(__file__).resolve().parent / "fitted"
VERSION = 1


@dataclass(frozen=True)
class RerankParams:
    """score = sum of weight x feature (index.retriever.rerank_features)."""

    FEATURES = ("sentence", "passage", "alignment", "numbers", "rank")
    weights: dict[str, float] = field(default_factory=lambda: {
        "sentence": 1.0, "passage": 0.5, "alignment": 1.0, "numbers": 0.02, "rank": -0.005,
    })
    model: str = DEFAULT_MODEL
    version: int = VERSION
    fitted_on: str = ""  # which question sets, and the held-out numbers the fit reported

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def save(self, path: Path) -> None:
        write_fitted(path, self)


def params_path(model: str) -> Path:
    return fitted_path(FITTED, "rerank", model)


@cache
def rerank_params(model: str) -> RerankParams:
    """The fitted weights for this embedding model, or those of the shipped model when it has none."""
    data = read_fitted(FITTED, "rerank", model, VERSION)
    if data is None:
        log.info("no fitted rerank weights for %s: using the defaults", model)
        return RerankParams()
    return RerankParams(**{k: v for k, v in data.items() if k in ("weights", "model", "version", "fitted_on")})
