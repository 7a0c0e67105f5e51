"""Documents in the store: an index written before documents were told apart by path opens and keeps them.

tests/index/data/format2/store was written by the code of commit b32c0e1 (store format 2; see the README there).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.engine import Engine
from index.embedder import Embedder
from index.store import FORMAT_VERSION, Store
from kaynak.config import Settings

FORMAT2 = Path(__file__).resolve().parent / "data" / "format2"


@pytest.fixture(scope="module")
def embedder(model_path) -> Embedder:
    e = Embedder(Settings())
    e.warm_up()
    return e


@pytest.fixture()
def old_index(tmp_path: Path, embedder: Embedder) -> Engine:
    shutil.copytree(FORMAT2 / "store", tmp_path / "data" / "store")
    engine = Engine(Settings(data_dir=tmp_path / "data", auto_ingest=False))
    engine.embedder = engine.indexer.embedder = engine.retriever.embedder = embedder
    return engine


def test_format2_index_opens_as_it_is(old_index: Engine) -> None:
    assert json.loads(next((old_index.store.root).glob("gen-*/manifest.json")).read_text())["format"] == 2
    assert [d.doc_id for d in old_index.documents()] == ["notlar.txt", "zametki.md"]
    chunks = old_index.chunks()
    assert {(c.doc_id, c.lang, c.kind, c.page_label) for c in chunks} == {
        ("notlar.txt", "tr", "body", ""), ("zametki.md", "ru", "body", "")
    }
    hits = old_index.search("Manas Üniversitesi ne zaman kuruldu?", k=2)
    assert hits and hits[0].chunk.doc_id == "notlar.txt"


def test_upgrading_keeps_every_document(old_index: Engine, tmp_path: Path) -> None:
    """The stored files were moved since (their old place is gone): ingested from the new place they are the same
    documents, re-chunked by today's chunker; their chunks are embedded once more for the token states a format-2
    index does not keep (their sentence vectors are reused); a same-named file elsewhere is a third."""
    docs = tmp_path / "docs"
    shutil.copytree(FORMAT2 / "docs", docs)
    report = old_index.ingest([docs])
    assert report.ok and sorted(report.updated) == ["notlar.txt", "zametki.md"] and not report.added
    assert report.embedded == len(old_index.chunks()) and report.sentences == 0
    assert old_index.store.snapshot().tokens is not None
    other = tmp_path / "other" / "notlar.txt"
    other.parent.mkdir()
    other.write_text("Yunus Emre Enstitüsü Bişkek'te Türkçe kursları düzenlemektedir. " * 3, encoding="utf-8")
    report = old_index.ingest([other])
    assert report.added == ["other/notlar.txt"]
    manifest = Store(old_index.settings).read_manifest()
    assert manifest.format == FORMAT_VERSION == 3
    assert sorted(manifest.docs) == ["notlar.txt", "other/notlar.txt", "zametki.md"]
    assert manifest.docs["notlar.txt"].path == str((docs / "notlar.txt").resolve())
    assert {c.doc_id for c in old_index.chunks()} == set(manifest.docs)
    assert old_index.remove([str(other)]).removed == ["other/notlar.txt"]  # by the file's path, too
