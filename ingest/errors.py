"""The one error a file that cannot be ingested raises, shared by every reader."""
from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file that cannot be ingested; str() names the file and says why, in one line."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason
