"""Fitted weights of the rerank, one small versioned JSON file per embedding model (``index/fitted/``).

The rerank's weights depend on the embedder (its cosines live in a model-specific band), so they are fitted
for it (benchmarks/fit_rerank.py, on question sets of both corpora) and saved under its name, as bm25s saves
``params.index.json``. A model with no file gets the weights of the model the project ships.
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from kaynak.config import DEFAULT_MODEL

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
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def params_path(model: str) -> Path:
    return FITTED / f"rerank-{Path(model).name}.json"


@cache
def rerank_params(model: str) -> RerankParams:
    """The fitted weights for this embedding model, or those of the shipped model when it has none."""
    for path in (params_path(model), params_path(DEFAULT_MODEL)):
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                raise ValueError(f"{path} has version {data.get('version')}, this kaynak reads {VERSION}")
            return RerankParams(**{k: v for k, v in data.items() if k in ("weights", "model", "version", "fitted_on")})
    log.info("no fitted rerank weights for %s: using the defaults", model)
    return RerankParams()
