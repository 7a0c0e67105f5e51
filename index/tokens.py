"""Each chunk's token states, kept with the index so no passage is run through the model again per question.

The rerank aligns a question with its 30 leading passages, which it could not afford to embed per question
(about 1 s for 5 passages on 2 cores). Token states take room — one 384-d vector per token, ~130 tokens per
passage — so they are stored as int8 with one scale per token (a quarter of float32; cosines move by < 0.005),
memory-mapped on load.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedder import TokenStates

_FILES = ("token_rows", "token_codes", "token_scales", "token_spans", "token_starts")


@dataclass
class Tokens:
    """The token states of every chunk, by chunk position."""

    rows: np.ndarray  # int64 [n_chunks + 1]: chunk position p owns rows rows[p]:rows[p + 1]
    codes: np.ndarray  # int8 [n, dim]
    scales: np.ndarray  # float32 [n]
    spans: np.ndarray  # int32 [n, 2]: character offsets into the embedded passage text
    starts: np.ndarray  # bool [n]

    def __len__(self) -> int:
        """Number of chunks."""
        return len(self.rows) - 1

    def at(self, position: int) -> TokenStates:
        """The chunk's token states, dequantised (unit length within int8 rounding; packing them again gives
        back the same codes, so reusing a chunk's states on re-ingest loses nothing)."""
        lo, hi = int(self.rows[position]), int(self.rows[position + 1])
        vectors = np.asarray(self.codes[lo:hi], dtype=np.float32) * np.asarray(self.scales[lo:hi], dtype=np.float32)[:, None]
        return TokenStates(vectors, np.asarray(self.spans[lo:hi]), np.asarray(self.starts[lo:hi]))

    @classmethod
    def pack(cls, states: Sequence[TokenStates], dim: int) -> Tokens:
        """Quantise the token states of chunks in position order."""
        rows = np.zeros(len(states) + 1, dtype=np.int64)
        rows[1:] = np.cumsum([len(s) for s in states])
        if states and rows[-1]:
            vectors = np.vstack([s.vectors for s in states]).astype(np.float32)
            spans = np.vstack([s.spans for s in states]).astype(np.int32)
            starts = np.concatenate([s.starts for s in states]).astype(bool)
        else:
            vectors, spans, starts = np.zeros((0, dim), np.float32), np.zeros((0, 2), np.int32), np.zeros(0, bool)
        scales = np.abs(vectors).max(axis=1) / 127.0 if len(vectors) else np.zeros(0, np.float32)
        codes = np.round(vectors / np.maximum(scales, 1e-12)[:, None]).astype(np.int8)
        return cls(rows, codes, scales.astype(np.float32), spans, starts)

    def save(self, directory: Path) -> None:
        for name in _FILES:
            np.save(directory / f"{name}.npy", getattr(self, name.removeprefix("token_")))

    @classmethod
    def load(cls, directory: Path) -> Tokens | None:
        """The stored token states, or None for an index written before they were kept (store format 2)."""
        if not (directory / "token_rows.npy").is_file():
            return None
        arrays = {name.removeprefix("token_"): np.load(directory / f"{name}.npy", mmap_mode="r") for name in _FILES}
        return cls(**arrays)
