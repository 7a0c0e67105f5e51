"""Fitted weights on disk: one small versioned JSON file per kind of weights and embedding model.

What the rerank and the answerability model weigh depends on the embedder (its cosines live in a
model-specific band), so their weights are fitted for one model (benchmarks/fit_*.py) and saved under its name
beside the code that reads them, as bm25s saves ``params.index.json``. A model without a file of its own gets
the file of the model the project ships.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kaynak.config import DEFAULT_MODEL


def fitted_path(folder: Path, kind: str, model: str) -> Path:
    """``<folder>/<kind>-<model name>.json``."""
    return folder / f"{kind}-{Path(model).name}.json"


def read_fitted(folder: Path, kind: str, model: str, version: int) -> dict[str, Any] | None:
    """The model's file, else the shipped model's, as a dict; None when neither exists. A file of another
    version is an error that says to refit, not weights read wrongly."""
    for path in (fitted_path(folder, kind, model), fitted_path(folder, kind, DEFAULT_MODEL)):
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != version:
                raise ValueError(f"{path} has version {data.get('version')}, this kaynak reads {version}: refit it")
            return data
    return None


def write_fitted(path: Path, params: Any) -> None:
    """A dataclass of weights as indented JSON (the fit scripts' --write)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(params), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
