"""Pick the store backend named in settings (``[store] backend``), txtai-style: one module per backend."""
from __future__ import annotations

import logging

from index.stores.base import Store
from kaynak.config import ConfigError, Settings

log = logging.getLogger(__name__)

BACKENDS = ("files", "milvus")


def create_store(settings: Settings) -> Store:
    """The files store (FAISS + bm25s under the data dir), or the Milvus store (`store.uri`). The Milvus backend
    is imported only when chosen: its client is an optional extra (``pip install 'kaynak[milvus]'``)."""
    name = settings.store.backend
    if name == "files":
        from index.stores.files import FilesStore

        return FilesStore(settings)
    if name == "milvus":
        from index.stores.milvus import MilvusStore

        return MilvusStore(settings)
    raise ConfigError(f"unknown store backend {name!r}; valid: {', '.join(BACKENDS)}")
