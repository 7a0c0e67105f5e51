"""The store contract (tests/index/store_contract.py) on the Milvus backend, on the embedded engine (milvus-lite):
a real Milvus process per test, with its .db file in the test's tmp dir."""
from __future__ import annotations

from pathlib import Path

import pytest
from store_contract import StoreContract

from kaynak.config import Settings

pytest.importorskip("pymilvus", reason="the Milvus store needs the extra: pip install 'kaynak[milvus]'")


class TestMilvusStore(StoreContract):
    def store_settings(self, tmp_path: Path) -> Settings:
        # two rows per insert call, so that a commit that fails does so after it has written rows
        return Settings(data_dir=tmp_path / "data", store={"backend": "milvus", "uri": str(tmp_path / "kaynak.db"), "milvus": {"batch": 2}})
