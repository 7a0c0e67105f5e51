"""The store contract (tests/index/store_contract.py) on the files backend: FAISS + bm25s generation dirs."""
from __future__ import annotations

from pathlib import Path

from store_contract import StoreContract

from kaynak.config import Settings


class TestFilesStore(StoreContract):
    def store_settings(self, tmp_path: Path) -> Settings:
        return Settings(data_dir=tmp_path / "data", store={"backend": "files"})
