"""What an encoder backend does: tokenize texts and run them through the model, returning the states kaynak
pools and aligns. Every backend returns the same arrays, so the embedder above them is written once."""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Forward:
    """One batch through the model (b texts padded to t tokens)."""

    last: np.ndarray  # (b, t, dim) float32: the last layer's states, what mean pooling averages
    inner: np.ndarray  # (b, t, dim) float32: the alignment layer's states
    mask: np.ndarray  # (b, t) int: 1 for a real token
    ids: np.ndarray  # (b, t) int: token ids
    offsets: np.ndarray  # (b, t, 2) int: character spans of each token in its (prompted) text


class Encoder(ABC):
    """A loaded model. `name` says which runtime and precision, `device` where it runs."""

    name: str = "base"
    device: str = "cpu"

    def __init__(self, folder: Path, layer: int, max_length: int) -> None:
        from transformers import AutoTokenizer

        self.folder = folder
        self.layer = layer
        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.prompts = read_prompts(folder)

    @property
    @abstractmethod
    def dim(self) -> int: ...

    @abstractmethod
    def forward(self, texts: list[str]) -> Forward:
        """The texts (prompt already prepended) through the model in one batch."""

    def _tokenize(self, texts: list[str], tensors: str) -> dict:
        return self.tokenizer(
            texts, return_tensors=tensors, padding=True, truncation=True, max_length=self.max_length,
            return_offsets_mapping=True,
        )


def read_prompts(folder: Path) -> dict[str, str]:
    """The e5 prompts a sentence-transformers folder declares ("query: ", "passage: ")."""
    path = folder / "config_sentence_transformers.json"
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")).get("prompts") or {})
