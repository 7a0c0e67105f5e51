"""Fitted weights on disk: the model's own file, else the shipped model's; a file of another version is an error."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kaynak.config import DEFAULT_MODEL
from kaynak.fitted import fitted_path, read_fitted, write_fitted


@dataclass(frozen=True)
class Weights:
    weights: dict[str, float] = field(default_factory=dict)
    version: int = 2


def test_written_weights_read_back_under_the_models_name(tmp_path: Path) -> None:
    path = fitted_path(tmp_path / "fitted", "rerank", "/models/my-e5")
    assert path.name == "rerank-my-e5.json"
    write_fitted(path, Weights({"sentence": 1.0}))
    assert read_fitted(tmp_path / "fitted", "rerank", "/models/my-e5", 2) == {"weights": {"sentence": 1.0}, "version": 2}


def test_a_model_without_a_file_gets_the_shipped_models_and_none_without_either(tmp_path: Path) -> None:
    assert read_fitted(tmp_path, "rerank", "other-model", 2) is None
    write_fitted(fitted_path(tmp_path, "rerank", DEFAULT_MODEL), Weights({"passage": 0.5}))
    assert read_fitted(tmp_path, "rerank", "other-model", 2)["weights"] == {"passage": 0.5}


def test_a_file_of_another_version_says_to_refit(tmp_path: Path) -> None:
    fitted_path(tmp_path, "answerability", DEFAULT_MODEL).write_text(json.dumps({"version": 1}), encoding="utf-8")
    with pytest.raises(ValueError, match="refit"):
        read_fitted(tmp_path, "answerability", DEFAULT_MODEL, 2)
