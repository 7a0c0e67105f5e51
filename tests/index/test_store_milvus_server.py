"""The Milvus store against a Milvus server process on 127.0.0.1, over http:// — the way kaynak reaches a Milvus
standalone or cluster. The server is milvus-lite's engine started as a gRPC server (`milvus_lite.server.Server`
with an address); the client code is the same as for a .db file, only `store.uri` differs.

The store contract runs against it (each test in its own collections), and so do the commands a user types:
`kaynak ingest`, `docs`, `search`, `ask`, `remove`, through the real CLI and the real embedder, on the server and
on an embedded .db file alike.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from store_contract import StoreContract

from kaynak.config import BUNDLED_CORPUS, Settings

pytest.importorskip("pymilvus", reason="the Milvus store needs the extra: pip install 'kaynak[milvus]'")

KAYNAK = str(Path(sys.executable).with_name("kaynak"))
ROOT = Path(__file__).resolve().parents[2]
THESIS_LINES = BUNDLED_CORPUS.read_text(encoding="utf-8").splitlines()
TR_TEXT = "\n".join(THESIS_LINES[2399:2470]) + "\n"  # Turkish body: Yunus Emre, TÖMER, Maarif Vakfı ...
KY_TEXT = "\n".join(THESIS_LINES[186:240]) + "\n"  # Kyrgyz summary


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def milvus_server(tmp_path_factory: pytest.TempPathFactory):
    """A Milvus server on a free loopback port for this module, stopped at its end."""
    from milvus_lite.server import Server
    from pymilvus import MilvusClient, MilvusException

    port = _free_port()
    server = Server(str(tmp_path_factory.mktemp("milvus") / "server.db"), f"127.0.0.1:{port}")
    assert server.init() and server.start(), "milvus-lite could not start its server"
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            MilvusClient(uri=uri, timeout=5).list_collections()
            break
        except MilvusException:  # not listening yet
            if time.monotonic() > deadline:
                server.stop()
                pytest.fail(f"no Milvus server answering at {uri}")
            time.sleep(0.5)
    yield uri
    server.stop()


class TestMilvusServerStore(StoreContract):
    """The contract over http://; every test writes its own collections on the one server."""

    @pytest.fixture(autouse=True)
    def _server(self, milvus_server: str) -> None:
        self.uri = milvus_server

    def store_settings(self, tmp_path: Path) -> Settings:
        collection = f"t{uuid.uuid4().hex[:12]}"
        return Settings(data_dir=tmp_path / "data", store={"backend": "milvus", "uri": self.uri, "milvus": {"collection": collection, "batch": 2}})


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([KAYNAK, *args], env=env, capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, f"kaynak {' '.join(args)}: {out.stderr[-3000:]}"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("where", ["server", "embedded"])
def test_cli_commands_on_milvus(where: str, milvus_server: str, tmp_path: Path, model_path: Path):
    """ingest, docs, search, ask, remove through `kaynak` with KAYNAK_STORE__* pointing at Milvus."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tr.txt").write_text(TR_TEXT, encoding="utf-8")
    (docs / "ky.txt").write_text(KY_TEXT, encoding="utf-8")
    uri = milvus_server if where == "server" else str(tmp_path / "kaynak.db")
    env = dict(os.environ, PYTHONPATH=str(ROOT), KAYNAK_DATA_DIR=str(tmp_path / "data"), KAYNAK_STORE__BACKEND="milvus",
               KAYNAK_STORE__URI=uri, KAYNAK_STORE__MILVUS__COLLECTION=f"cli{uuid.uuid4().hex[:8]}", KAYNAK_AUTO_INGEST="false")
    env.pop("KAYNAK_CONFIG", None)
    out = _run(env, "ingest", "--quiet", str(docs))
    assert "added tr.txt" in out.stdout and "added ky.txt" in out.stdout
    again = _run(env, "ingest", "--quiet", str(docs))
    assert "unchanged tr.txt" in again.stdout and "embedded 0" in again.stdout
    listed = [json.loads(line) for line in _run(env, "docs", "--json").stdout.splitlines()]
    assert sorted(d["doc_id"] for d in listed) == ["ky.txt", "tr.txt"]
    hits = json.loads(_run(env, "search", "--json", "--k", "3", "Yunus Emre Enstitüsü").stdout)["hits"]
    assert hits and hits[0]["doc"] == "tr.txt" and "Yunus Emre" in hits[0]["text"]
    answer = json.loads(_run(env, "ask", "--json", "Türkiye Maarif Vakfı ne zaman kuruldu?").stdout)
    assert answer["citations"] or answer["related"]
    assert all(c["doc"] == "tr.txt" for c in answer["citations"])
    assert "removed ky.txt" in _run(env, "remove", "ky.txt").stdout
    hits = json.loads(_run(env, "search", "--json", "--k", "5", "Кыргызстан").stdout)["hits"]
    assert hits and all(h["doc"] == "tr.txt" for h in hits)
