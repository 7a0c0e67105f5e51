"""The chunk store and incremental ingest, end to end: real embedder, real FAISS, real files in tmp dirs.

Small documents are cut from the bundled thesis (a Turkish and a Kyrgyz stretch), so the text goes through
the real repair/chunking path. Kill tests run real subprocesses and SIGKILL them.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from app.engine import EmptyIndexError, Engine
from index.embedder import Embedder
from index.store import Manifest, Sentences, Store, StoreError
from ingest.sentences import answer_sentences
from kaynak.config import BUNDLED_CORPUS, Settings

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
KAYNAK = str(Path(PYTHON).with_name("kaynak"))

THESIS_LINES = BUNDLED_CORPUS.read_text(encoding="utf-8").splitlines()
TR_TEXT = "\n".join(THESIS_LINES[2399:2470]) + "\n"  # Turkish body: Yunus Emre, TÖMER, Maarif Vakfı ...
KY_TEXT = "\n".join(THESIS_LINES[186:240]) + "\n"  # Kyrgyz summary (МАЗМУНУ)
EXTRA = (
    "\nKırgızistan ile Türkiye arasında 2024 yılında yeni bir kültür anlaşması imzalanmış ve bu anlaşma ile "
    "iki ülkenin üniversiteleri arasında ortak yüksek lisans programları açılmıştır. Programlara ilk yıl "
    "yüz yirmi öğrenci kabul edilmiştir.\n"
)


@pytest.fixture(scope="module")
def embedder(model_path) -> Embedder:
    e = Embedder(Settings())
    e.warm_up()
    return e


def make_engine(data_dir: Path, model: Embedder, **overrides) -> Engine:
    """An Engine on its own data dir sharing the module's loaded model (loading it is the slow part)."""
    settings = Settings(data_dir=data_dir, auto_ingest=False, **overrides)
    eng = Engine(settings)
    eng.embedder = eng.indexer.embedder = eng.retriever.embedder = model
    return eng


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "tr.txt").write_text(TR_TEXT, encoding="utf-8")
    (d / "ky.txt").write_text(KY_TEXT, encoding="utf-8")
    return d


@pytest.fixture()
def engine(tmp_path: Path, embedder: Embedder) -> Engine:
    return make_engine(tmp_path / "data", embedder)


def ids_by_doc(snap) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in snap.chunks:
        out.setdefault(c.doc_id, []).append(c.id)
    return out


def vectors_by_id(snap) -> dict[str, np.ndarray]:
    return {c.id: np.array(snap.vectors[i]) for i, c in enumerate(snap.chunks)}


def generations(store_dir: Path) -> list[str]:
    return sorted(p.name for p in store_dir.iterdir() if p.name.startswith("gen-"))


def temp_dirs(store_dir: Path) -> list[str]:
    return sorted(p.name for p in store_dir.iterdir() if p.name.startswith(".tmp-"))


QUERIES = ["Yunus Emre Vakfı Türkçe eğitim faaliyetleri", "Türkiye Maarif Vakfı", "аскердик кызматташтык"]


def search_state(eng: Engine) -> list[list[tuple[str, float]]]:
    return [[(h.chunk.id, round(h.score, 5)) for h in eng.search(q, k=5)] for q in QUERIES]


# --- commit / load ----------------------------------------------------------------------------------------


def test_commit_load_roundtrip(engine: Engine, docs: Path):
    report = engine.ingest([docs])
    assert report.ok and sorted(report.added) == ["ky.txt", "tr.txt"]
    assert report.embedded == report.chunks > 2 and report.reused == 0

    store = Store(engine.settings)
    gen = store.current()
    assert gen == "gen-000001" and (store.root / "CURRENT").read_text().strip() == gen
    snap = store.load()
    m = snap.manifest
    assert m.model == engine.settings.embedder.model and m.dim == engine.embedder.dim == 384
    assert m.index_backend == "flat" and m.chunk_ids == [c.id for c in snap.chunks]
    assert set(m.docs) == {"tr.txt", "ky.txt"}
    assert m.docs["ky.txt"].langs.get("ky", 0) >= 1 and m.docs["tr.txt"].langs.get("tr", 0) >= 1
    assert sum(d.n_chunks for d in m.docs.values()) == len(snap.chunks) == len(snap.dense) == len(snap.vectors)
    assert Manifest.from_json(m.to_json()) == m
    # vectors are unit length and the FAISS index holds exactly them
    np.testing.assert_allclose(np.linalg.norm(snap.vectors, axis=1), 1.0, atol=1e-4)
    scores, ids = snap.dense.search(np.asarray(snap.vectors[:3]), 1)
    assert list(ids[:, 0]) == [0, 1, 2] and np.allclose(scores[:, 0], 1.0, atol=1e-4)
    # chunks survive the JSONL roundtrip unchanged
    parsed = [c.id for c in snap.chunks]
    assert len(set(parsed)) == len(parsed)
    # files on disk
    d = store.root / gen
    assert {p.name for p in d.iterdir()} >= {"manifest.json", "chunks.jsonl", "vectors.npy", "dense.faiss", "lexical"}
    assert temp_dirs(store.root) == []
    # a search works off the stored generation
    hits = engine.search("Yunus Emre Vakfı", k=3)
    assert hits and hits[0].chunk.doc_id == "tr.txt"


def test_commit_refuses_mismatched_lengths(engine: Engine, docs: Path):
    engine.ingest([docs / "tr.txt"])
    store = Store(engine.settings)
    snap = store.load()
    with store.writer(), pytest.raises(ValueError, match="chunks but"):
        store.commit(snap.manifest, snap.chunks, np.asarray(snap.vectors[:-1]), snap.sentences, snap.tokens)
    short = Sentences(snap.sentences.spans, np.asarray(snap.sentences.vectors[:-1]))
    with store.writer(), pytest.raises(ValueError, match="sentence spans but"):
        store.commit(snap.manifest, snap.chunks, np.asarray(snap.vectors), short, snap.tokens)
    assert store.current() == snap.generation


def test_sentences_are_embedded_once_and_reused(engine: Engine, docs: Path):
    """Each chunk's sentences are stored with vectors equal to embedding them afresh; re-ingesting a changed
    document embeds only the sentences of its new chunks."""
    first = engine.ingest([docs / "tr.txt"])
    snap = Store(engine.settings).load()
    assert first.sentences == len(snap.sentences.spans) > len(snap.chunks)
    chunk = snap.chunks[0]
    spans, vectors = snap.sentences_of(chunk.id)
    assert spans == answer_sentences(chunk.text, chunk.lang)
    fresh = engine.embedder.embed_passages([chunk.text[a:b] for a, b in spans])
    assert (np.sum(vectors * fresh, axis=1) > 0.97).all()  # not equal: int8 activations are quantised per batch
    again = engine.ingest([docs / "tr.txt"])
    assert again.unchanged == ["tr.txt"] and again.sentences == 0


# --- incremental ----------------------------------------------------------------------------------------------


def test_unchanged_document_embeds_nothing(engine: Engine, docs: Path):
    engine.ingest([docs])
    store = Store(engine.settings)
    gen = store.current()
    before = store.load()
    report = engine.ingest([docs])
    assert report.ok
    assert report.embedded == 0
    assert sorted(report.unchanged) == ["ky.txt", "tr.txt"] and not report.added and not report.updated
    assert store.current() == gen, "no new generation for nothing new"
    assert generations(store.root) == [gen]
    assert report.chunks == len(before.chunks)
    # touching the file (same bytes, new mtime) is still unchanged: the check is by content hash
    os.utime(docs / "tr.txt", (time.time() + 10, time.time() + 10))
    assert engine.ingest([docs / "tr.txt"]).embedded == 0 and store.current() == gen


def test_changed_document_replaces_only_its_chunks(engine: Engine, docs: Path):
    engine.ingest([docs])
    store = Store(engine.settings)
    before = store.load()
    ids_before = ids_by_doc(before)
    vec_before = vectors_by_id(before)

    (docs / "tr.txt").write_text(TR_TEXT + EXTRA, encoding="utf-8")
    report = engine.ingest([docs])
    assert report.ok and report.updated == ["tr.txt"] and report.unchanged == ["ky.txt"]

    after = store.load()
    assert after.generation != before.generation
    ids_after = ids_by_doc(after)
    # the other document: same chunk ids, same vectors, bit for bit
    assert ids_after["ky.txt"] == ids_before["ky.txt"]
    vec_after = vectors_by_id(after)
    for cid in ids_before["ky.txt"]:
        np.testing.assert_array_equal(vec_after[cid], vec_before[cid])
    # the changed document: only chunk ids never seen before were embedded, the rest reused
    new_ids = set(ids_after["tr.txt"]) - set(vec_before)
    assert 0 < len(new_ids) < len(ids_after["tr.txt"])
    assert report.embedded == len(new_ids)
    assert report.reused == len(after.chunks) - len(new_ids)
    for cid in set(ids_after["tr.txt"]) & set(vec_before):
        np.testing.assert_array_equal(vec_after[cid], vec_before[cid])
    # chunks of the old version that are gone are no longer stored
    gone = set(ids_before["tr.txt"]) - set(ids_after["tr.txt"])
    assert not gone & set(after.manifest.chunk_ids)
    assert after.manifest.docs["tr.txt"].sha256 != before.manifest.docs["tr.txt"].sha256
    assert after.manifest.docs["ky.txt"] == before.manifest.docs["ky.txt"]
    # the new text is searchable; the old generation was collected
    assert any("yüz yirmi öğrenci" in h.chunk.text for h in engine.search("yüz yirmi öğrenci yüksek lisans", k=3))
    assert generations(store.root) == [after.generation]


def test_remove_one_document(engine: Engine, docs: Path):
    engine.ingest([docs])
    store = Store(engine.settings)
    before = store.load()
    ky_ids = ids_by_doc(before)["ky.txt"]
    vec_before = vectors_by_id(before)

    report = engine.remove(["tr.txt"])
    assert report.ok and report.removed == ["tr.txt"] and report.embedded == 0
    after = store.load()
    assert set(after.manifest.docs) == {"ky.txt"}
    assert [c.id for c in after.chunks] == ky_ids
    for cid in ky_ids:
        np.testing.assert_array_equal(vectors_by_id(after)[cid], vec_before[cid])
    assert [d.doc_id for d in engine.documents()] == ["ky.txt"]
    assert all(h.chunk.doc_id == "ky.txt" for h in engine.search("Yunus Emre Vakfı Türkçe", k=5))

    # unknown ids fail per id and change nothing
    gen = store.current()
    report = engine.remove(["nope.txt"])
    assert not report.ok and report.failed[0][0] == "nope.txt" and "ky.txt" in report.failed[0][1]
    assert store.current() == gen

    # removing the last one leaves an empty but valid index; re-ingesting reuses nothing stale
    engine.remove(["ky.txt"])
    assert engine.search("Türkiye", k=3) == []
    assert engine.ingest([docs / "tr.txt"]).added == ["tr.txt"]


def test_remove_before_ingest(engine: Engine):
    with pytest.raises(StoreError, match="nothing is ingested"):
        engine.remove(["x.txt"])


# --- bad input ------------------------------------------------------------------------------------------------


def test_bad_files_fail_per_file_others_ingested(engine: Engine, docs: Path, tmp_path: Path):
    engine.ingest([docs / "ky.txt"])
    store = Store(engine.settings)
    before = store.load()

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (bad / "notes.xyz").write_text("some words", encoding="utf-8")
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4\n\x00\x01 not really a pdf")
    missing = tmp_path / "missing.txt"
    report = engine.ingest([bad / "empty.txt", bad / "binary.txt", bad / "notes.xyz", bad / "broken.pdf", missing, docs / "tr.txt"])

    assert report.added == ["tr.txt"]
    reasons = {Path(p).name: why for p, why in report.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "notes.xyz", "broken.pdf", "missing.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "unsupported" in reasons["notes.xyz"] and ".txt" in reasons["notes.xyz"]
    assert "pdf" in reasons["broken.pdf"].lower()
    assert "not found" in reasons["missing.txt"].lower() or "no such file" in reasons["missing.txt"].lower()
    assert not report.ok
    assert any(line.startswith("FAILED") and "notes.xyz" in line for line in report.lines())

    after = store.load()
    assert set(after.manifest.docs) == {"ky.txt", "tr.txt"}
    assert ids_by_doc(after)["ky.txt"] == ids_by_doc(before)["ky.txt"]

    # a call with only bad files changes nothing at all
    gen = store.current()
    report = engine.ingest([bad])
    assert len(report.failed) == 4 and not report.added and report.embedded == 0
    assert store.current() == gen


def test_only_bad_files_on_a_fresh_store_commit_nothing(engine: Engine, tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    report = engine.ingest([tmp_path / "empty.txt"])
    assert not report.ok and report.chunks == 0
    assert not Store(engine.settings).exists()
    with pytest.raises(EmptyIndexError, match="kaynak ingest"):
        engine.search("Türkiye")


def test_file_over_size_limit(tmp_path: Path, embedder: Embedder, docs: Path):
    eng = make_engine(tmp_path / "data", embedder, chunking={"max_file_mb": 0.001})
    report = eng.ingest([docs / "tr.txt"])
    assert not report.ok and "max_file_mb" in report.failed[0][1]


# --- model mismatch, damage -----------------------------------------------------------------------------------


def test_model_mismatch(engine: Engine, docs: Path, embedder: Embedder):
    engine.ingest([docs / "tr.txt"])
    other = make_engine(engine.settings.data_dir, embedder, embedder={"model": "some-other-model"})
    for call in (lambda: other.search("Türkiye"), lambda: other.ingest([docs / "ky.txt"])):
        with pytest.raises(StoreError) as e:
            call()
        msg = str(e.value)
        assert "multilingual-e5-small" in msg and "some-other-model" in msg
        assert "kaynak ingest --rebuild" in msg and "KAYNAK_EMBEDDER__MODEL" in msg
    # nothing was written by the refused ingest
    assert set(Store(engine.settings).load().manifest.docs) == {"tr.txt"}


@pytest.mark.parametrize("damage", ["truncate_mid_line", "truncate_line", "garbage_vectors", "no_faiss"])
def test_damaged_store(engine: Engine, docs: Path, damage: str):
    engine.ingest([docs])
    store = Store(engine.settings)
    d = store.root / store.current()
    chunks = d / "chunks.jsonl"
    data = chunks.read_bytes()
    if damage == "truncate_mid_line":
        chunks.write_bytes(data[: len(data) // 2])
    elif damage == "truncate_line":
        lines = data.splitlines(keepends=True)
        chunks.write_bytes(b"".join(lines[:-1]))
    elif damage == "garbage_vectors":
        (d / "vectors.npy").write_bytes(b"not a numpy file")
    else:
        (d / "dense.faiss").unlink()
    fresh = make_engine(engine.settings.data_dir, engine.embedder)
    with pytest.raises(StoreError, match=r"rebuild it with `kaynak ingest --rebuild`"):
        fresh.search("Türkiye")
    # --rebuild recovers
    report = fresh.ingest([docs], rebuild=True)
    assert report.ok and report.embedded == report.chunks
    assert fresh.search("Yunus Emre Vakfı", k=1)


# --- killed writers -------------------------------------------------------------------------------------------

PAUSE_SCRIPT = r"""
import sys, time
from pathlib import Path
import index.store as st

data, marker, point, *paths = sys.argv[1:]
marker = Path(marker)
if point == "before-swap":  # every file of the new generation written and fsynced, not yet renamed
    real = st._fsync_tree
    def pause(d):
        real(d)
        marker.write_text(str(d))
        time.sleep(600)
    st._fsync_tree = pause
elif point == "before-current":  # generation dir renamed into place, CURRENT not yet switched
    def pause(path, text):
        marker.write_text(text)
        time.sleep(600)
    st._atomic_write = pause
from index.embedder import Embedder
from index.indexer import Indexer
from kaynak.config import Settings

s = Settings(data_dir=Path(data), auto_ingest=False)
Indexer(s, Embedder(s)).ingest([Path(p) for p in paths])
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("KAYNAK_CONFIG", None)
    return env


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _wait_for(pred, proc: subprocess.Popen, timeout: float, poll: float = 0.01) -> None:
    t0 = time.monotonic()
    while not pred():
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"writer exited ({proc.returncode}) before the kill point: {out[-2000:]}")
        if time.monotonic() - t0 > timeout:
            _kill(proc)
            pytest.fail("kill point not reached in time")
        time.sleep(poll)


def _assert_survived(eng: Engine, gen: str, state: list) -> None:
    store = Store(eng.settings)
    assert store.current() == gen
    fresh = make_engine(eng.settings.data_dir, eng.embedder)
    assert search_state(fresh) == state, "the previous generation answers exactly as before"


@pytest.mark.slow  # a real subprocess of its own: seconds, not milliseconds
@pytest.mark.parametrize("point", ["before-swap", "before-current"])
def test_kill_during_commit(engine: Engine, docs: Path, tmp_path: Path, point: str):
    engine.ingest([docs / "tr.txt"])
    store = Store(engine.settings)
    gen = store.current()
    state = search_state(engine)

    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [PYTHON, "-c", PAUSE_SCRIPT, str(engine.settings.data_dir), str(marker), point, str(docs / "ky.txt")],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    _wait_for(marker.exists, proc, timeout=300)
    _kill(proc)

    leftovers = temp_dirs(store.root) if point == "before-swap" else [g for g in generations(store.root) if g != gen]
    assert leftovers, "the killed writer left a half-committed generation behind"
    _assert_survived(engine, gen, state)

    # the next ingest takes the (released) lock, commits, and cleans up what the dead writer left
    report = engine.ingest([docs])
    assert report.ok and report.added == ["ky.txt"] and report.unchanged == ["tr.txt"]
    assert temp_dirs(store.root) == []
    assert generations(store.root) == [store.current()]
    assert set(store.load().manifest.docs) == {"tr.txt", "ky.txt"}


@pytest.mark.slow  # a real subprocess of its own: seconds, not milliseconds
def test_kill_cli_while_embedding(engine: Engine, docs: Path, tmp_path: Path):
    """`kaynak ingest BIG` killed while it embeds: nothing of it is visible, the next ingest works."""
    engine.ingest([docs / "tr.txt"])
    store = Store(engine.settings)
    gen = store.current()
    state = search_state(engine)
    big = tmp_path / "big.txt"
    shutil.copyfile(BUNDLED_CORPUS, big)  # ~550 kB, over a thousand chunks: minutes of embedding on 2 cores

    proc = subprocess.Popen(
        [KAYNAK, "--data-dir", str(engine.settings.data_dir), "ingest", "--quiet", str(big)],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    import psutil

    p = psutil.Process(proc.pid)
    # the model loaded (RSS), then some seconds of CPU spent parsing and embedding
    t0 = time.monotonic()
    _wait_for(lambda: p.memory_info().rss > 400 * 2**20 and time.monotonic() - t0 > 5, proc, timeout=300, poll=0.2)
    start_cpu = sum(p.cpu_times()[:2])
    _wait_for(lambda: sum(p.cpu_times()[:2]) - start_cpu > 15, proc, timeout=300, poll=0.2)
    assert temp_dirs(store.root) == [], "still embedding: no commit started"
    _kill(proc)

    _assert_survived(engine, gen, state)
    assert generations(store.root) == [gen]
    report = engine.ingest([docs])
    assert report.ok and report.added == ["ky.txt"]


def test_kill_cli_inside_real_commit(thesis_dir: Path, tmp_path: Path, embedder: Embedder):
    """A real `kaynak ingest` of a changed big document, SIGKILLed as soon as its temp generation appears."""
    data = tmp_path / "data"
    shutil.copytree(thesis_dir, data)
    eng = make_engine(data, embedder)
    store = Store(eng.settings)
    # a document is the file at one place: the stored thesis is made the one at `thesis`, as if ingested from
    # there, so that changing that file changes the stored document (few new chunks)
    thesis = tmp_path / "thesis.txt"
    snap = store.load()
    snap.manifest.docs["thesis.txt"] = replace(snap.manifest.docs["thesis.txt"], path=str(thesis.resolve()))
    with store.writer():
        store.commit(snap.manifest, snap.chunks, np.asarray(snap.vectors), snap.sentences, snap.tokens)
    gen = store.current()
    queries = ["Türkiye Maarif Vakfı", "Şakir Zümre", "Азербайжан менен аскердик кызматташтык"]
    state = [[h.chunk.id for h in eng.search(q, k=5)] for q in queries]

    thesis.write_text(BUNDLED_CORPUS.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    proc = subprocess.Popen(
        [KAYNAK, "--data-dir", str(data), "ingest", "--quiet", str(thesis)],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    t0 = time.monotonic()
    while not temp_dirs(store.root) and proc.poll() is None and time.monotonic() - t0 < 300:
        time.sleep(0.002)
    if proc.poll() is not None:
        pytest.skip("the commit finished before the temp generation was seen (machine too fast to catch it)")
    _kill(proc)
    assert temp_dirs(store.root)

    assert store.current() == gen
    fresh = make_engine(data, embedder)
    assert [[h.chunk.id for h in fresh.search(q, k=5)] for q in queries] == state
    report = fresh.ingest([thesis])
    assert report.ok and report.updated == ["thesis.txt"] and 0 < report.embedded < 10
    assert temp_dirs(store.root) == [] and generations(store.root) == [store.current()]


def test_writer_lock_released_after_kill(engine: Engine, docs: Path, tmp_path: Path):
    """flock dies with its process: a writer killed while holding the lock does not block the next one."""
    engine.ingest([docs / "tr.txt"])
    lock_holder = subprocess.Popen(
        [PYTHON, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('locked', flush=True); time.sleep(600)", str(Store(engine.settings).root / ".lock")],
        stdout=subprocess.PIPE, text=True,
    )
    assert lock_holder.stdout.readline().strip() == "locked"
    _kill(lock_holder)
    t0 = time.monotonic()
    assert engine.ingest([docs / "ky.txt"]).added == ["ky.txt"]
    assert time.monotonic() - t0 < 120


def test_manifest_json_is_plain(engine: Engine, docs: Path):
    engine.ingest([docs / "tr.txt"])
    store = Store(engine.settings)
    raw = json.loads((store.root / store.current() / "manifest.json").read_text(encoding="utf-8"))
    assert raw["format"] == 3 and raw["dim"] == 384 and raw["docs"]["tr.txt"]["chunker_version"]


def test_token_states_are_stored_and_reused(engine: Engine, docs: Path):
    """Every chunk keeps its token states (int8, one scale per token) with character spans into the text the
    embedder read; a re-ingest reuses them, and they are close to a fresh pass of the model (not equal: the int8
    model quantises a batch's activations together, and at ingest a chunk has batch-mates)."""
    from index.indexer import passage_text
    from index.tokens import Tokens

    engine.ingest([docs / "tr.txt"])
    snap = Store(engine.settings).load()
    assert snap.tokens is not None and len(snap.tokens) == len(snap.chunks)
    chunk = snap.chunks[0]
    stored = snap.tokens_at(0)
    text = passage_text(chunk)
    _, (fresh,), _ = engine.embedder.embed_with_tokens([text])
    assert (stored.spans == fresh.spans).all() and (stored.starts == fresh.starts).all()
    assert float((stored.vectors * fresh.vectors).sum(axis=1).min()) > 0.95
    packed = Tokens.pack([fresh], fresh.vectors.shape[1]).at(0)  # the int8 round trip itself
    assert float((packed.vectors * fresh.vectors).sum(axis=1).min()) > 0.995
    assert [text[a:b] for a, b in stored.spans[:3]] == [text[a:b] for a, b in fresh.spans[:3]]
    report = engine.ingest([docs / "tr.txt", docs / "ky.txt"])
    assert report.embedded == len([c for c in Store(engine.settings).load().chunks if c.doc_id == "ky.txt"])
    again = Store(engine.settings).load()
    assert (again.tokens_at(again.position[chunk.id]).vectors == stored.vectors).all()


def test_an_index_without_token_states_still_answers_and_gains_them(engine: Engine, docs: Path):
    """A format-2 index (written before token states were kept) opens, its documents are kept, and the next
    ingest embeds its chunks once more to add their token states."""
    engine.ingest([docs / "tr.txt"])
    store = Store(engine.settings)
    gen = store.root / store.current()
    for f in gen.glob("token_*.npy"):
        f.unlink()
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 2
    (gen / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    old = Engine(engine.settings)
    assert Store(old.settings).load().tokens is None and old.search("Kırgızistan", k=3)
    report = old.ingest([docs / "ky.txt"])
    snap = Store(old.settings).load()
    assert {c.doc_id for c in snap.chunks} == {"tr.txt", "ky.txt"} and snap.tokens is not None
    assert report.embedded == len(snap.chunks)


def test_following_continues_the_text_within_a_section(thesis_engine):
    snap = thesis_engine.store.snapshot()
    by_start = sorted(snap.chunks, key=lambda c: c.start)
    pairs = [(a, snap.following(a.id)) for a in by_start]
    linked = [(a, b) for a, b in pairs if b is not None]
    assert len(linked) > len(by_start) // 2
    for a, b in linked:
        assert b.doc_id == a.doc_id and b.section == a.section and b.start >= a.end
        assert by_start[by_start.index(a) + 1] == b  # the very next chunk, none skipped
    for a, b in pairs:  # the last chunk of a section is continued by nothing
        nxt = by_start[by_start.index(a) + 1] if a is not by_start[-1] else None
        if b is None and nxt is not None and nxt.doc_id == a.doc_id:
            assert nxt.section != a.section
