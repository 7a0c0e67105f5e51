"""One contract for every store backend (Haystack's `haystack/testing/document_store.py`, txtai's `DenseTest`).

A backend's test file subclasses `StoreContract` and says how to make settings for it (`store_settings`); every
test here then runs against that backend, for real (no mocks: FAISS and bm25s files, a Milvus engine). The data
is small and hand-made — two documents in Turkish, Russian and English with body, front and back matter — so
what each search must return is known exactly; 8-d vectors keep it fast and need no model.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedder import TokenStates
from index.store import DocRecord, Manifest
from index.stores.base import Filters, Passage, Store
from index.stores.factory import create_store
from kaynak.config import Settings
from kaynak.types import Chunk

DIM = 8
ROOT = Path(__file__).resolve().parents[2]

# (doc, lang, kind, section, text); ids are content hashes, as the chunker makes them
ROWS = [
    ("tez.txt", "tr", "front", ("İÇİNDEKİLER",), "İçindekiler: Giriş, Ekonomik İlişkiler, Sonuç"),
    ("tez.txt", "tr", "body", ("1. GİRİŞ",), "Türkiye ile Kırgızistan arasında İŞBİRLİĞİ 1991 yılında başladı."),
    ("tez.txt", "tr", "body", ("1. GİRİŞ",), "Manas Üniversitesi Bişkek'te 1995 yılında kuruldu ve öğrenci kabul etti."),
    ("tez.txt", "tr", "body", ("2. EKONOMİ",), "İki ülke arasındaki ticaret hacmi 1.050.000 dolara ulaştı."),
    ("tez.txt", "ru", "body", ("РЕЗЮМЕ",), "Экономическое сотрудничество между Турцией и Киргизией развивалось."),
    ("tez.txt", "tr", "back", ("KAYNAKÇA",), "Kaynakça: Limon 2022, Yıldız 2019, Aydın 2001."),
    ("notes.md", "en", "body", ("Notes",), "The university in Bishkek was founded in 1995 with Turkish support."),
    ("notes.md", "en", "body", ("Notes",), "Trade between the two countries grew after independence."),
]


def make_passages(rows=ROWS, seed: int = 0) -> list[Passage]:
    """Passages with unit vectors, two sentences each and a few token states, all reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    out, starts = [], {}
    for doc, lang, kind, section, text in rows:
        start = starts.get(doc, 0)
        starts[doc] = start + len(text) + 1
        chunk = Chunk(Chunk.make_id(doc, text, section), doc, text, section, 1, 1, lang, start, start + len(text), kind)
        v = rng.standard_normal(DIM).astype(np.float32)
        cut = text.index(" ", len(text) // 2)
        sv = rng.standard_normal((2, DIM)).astype(np.float32)
        n = 5
        tv = rng.standard_normal((n, DIM)).astype(np.float32)
        tokens = TokenStates(tv / np.linalg.norm(tv, axis=1, keepdims=True), np.array([[i, i + 1] for i in range(n)], np.int32),
                             np.array([True, False, True, True, False]))
        out.append(Passage(chunk, v / np.linalg.norm(v), [(0, cut), (cut + 1, len(text))],
                           sv / np.linalg.norm(sv, axis=1, keepdims=True), tokens))
    return out


def manifest_for(passages: list[Passage], model: str = "test-model") -> Manifest:
    docs: dict[str, DocRecord] = {}
    for p in passages:
        c = p.chunk
        d = docs.setdefault(c.doc_id, DocRecord(c.doc_id, f"/docs/{c.doc_id}", "sha-" + c.doc_id, "text", "4", 0, {}, "2026"))
        d.n_chunks += 1
        d.langs[c.lang] = d.langs.get(c.lang, 0) + 1
    return Manifest(model=model, dim=DIM, chunker_version="4", index_backend="", docs=docs)


def ids(ranked) -> list[str]:
    return [c for c, _ in ranked]


class StoreContract:
    """Every store passes these. A subclass defines `store_settings(tmp_path) -> Settings`."""

    def store_settings(self, tmp_path: Path) -> Settings:
        raise NotImplementedError

    @pytest.fixture()
    def settings(self, tmp_path: Path) -> Settings:
        return self.store_settings(tmp_path)

    @pytest.fixture()
    def store(self, settings: Settings):
        s = create_store(settings)
        yield s
        s.close()

    @pytest.fixture()
    def filled(self, store: Store) -> tuple[Store, list[Passage]]:
        passages = make_passages()
        with store.writer():
            store.commit(manifest_for(passages), passages, [])
        return store, passages

    # -- the Protocol ----------------------------------------------------------------------------------
    def test_is_a_store(self, store: Store):
        assert isinstance(store, Store) and store.name in ("files", "milvus") and store.location

    def test_empty(self, store: Store):
        assert store.generation() is None and store.manifest() is None and store.count() == 0
        assert store.dense_search(np.ones((1, DIM), np.float32), 3) == [[]]
        assert store.lexical_search(["Türkiye"], 3, ["tr"]) == [[]]
        assert store.chunks(["nope"]) == {} and store.passages(["nope"]) == {}
        assert list(store.iter_chunks()) == [] and store.neighbours("nope") == (None, None)

    # -- add, read back ----------------------------------------------------------------------------------
    def test_commit_and_read_back(self, filled):
        store, passages = filled
        assert store.generation() is not None and store.count() == len(passages)
        m = store.manifest()
        assert m.model == "test-model" and m.dim == DIM and set(m.docs) == {"tez.txt", "notes.md"}
        assert m.docs["tez.txt"] == manifest_for(passages).docs["tez.txt"]
        by_id = {p.chunk.id: p for p in passages}
        assert store.chunks(by_id) == {i: p.chunk for i, p in by_id.items()}
        back = store.passages([passages[1].chunk.id, "nope"])
        assert set(back) == {passages[1].chunk.id}
        got, want = back[passages[1].chunk.id], passages[1]
        assert got.chunk == want.chunk and got.sentences == want.sentences
        np.testing.assert_array_equal(got.vector, want.vector)
        np.testing.assert_array_equal(got.sentence_vectors, want.sentence_vectors)
        # token states are kept as int8 with one scale per token: within rounding, spans and word starts exact
        assert np.abs(got.tokens.vectors - want.tokens.vectors).max() < 0.01
        assert (got.tokens.spans == want.tokens.spans).all() and (got.tokens.starts == want.tokens.starts).all()
        assert [c.id for c in store.iter_chunks("notes.md")] == [p.chunk.id for p in passages if p.chunk.doc_id == "notes.md"]
        assert sorted(c.id for c in store.iter_chunks()) == sorted(by_id)

    def test_counts_with_filters(self, filled):
        store, _ = filled
        assert store.count(Filters(langs=("tr",))) == 5
        assert store.count(Filters(kinds=("body",))) == 6
        assert store.count(Filters(docs=("notes.md",))) == 2
        assert store.count(Filters(sections=("1. GİRİŞ", "Notes"))) == 4
        assert store.count(Filters(langs=("tr",), kinds=("front", "back"))) == 2
        assert store.count(Filters(langs=("ky",))) == 0

    # -- dense -------------------------------------------------------------------------------------------
    def test_dense_search_is_exact_inner_product(self, filled):
        store, passages = filled
        vectors = np.array([p.vector for p in passages])
        q = np.random.default_rng(7).standard_normal((3, DIM)).astype(np.float32)
        found = store.dense_search(q, 4)
        for row, ranked in zip(q, found):
            scores = vectors @ row
            want = [passages[i].chunk.id for i in np.argsort(-scores)[:4]]
            assert ids(ranked) == want
            np.testing.assert_allclose([s for _, s in ranked], np.sort(scores)[::-1][:4], atol=1e-4)
        # a stored vector finds itself first
        assert ids(store.dense_search(vectors[3:4], 1)[0]) == [passages[3].chunk.id]

    def test_dense_search_filters(self, filled):
        store, passages = filled
        q = np.array([passages[0].vector])
        for f in (Filters(langs=("en",)), Filters(kinds=("body",), docs=("tez.txt",)), Filters(sections=("KAYNAKÇA",))):
            found = ids(store.dense_search(q, 10, f)[0])
            assert found and set(found) == {p.chunk.id for p in passages if f.admits(p.chunk)}
        assert store.dense_search(q, 10, Filters(langs=("ky",))) == [[]]

    # -- lexical -----------------------------------------------------------------------------------------
    def test_lexical_search_folds_turkish_case_and_stems(self, filled):
        store, passages = filled
        # "İŞBİRLİĞİ" in the text, "işbirliğini" in the query: Turkish case folding and the stem meet
        (found,) = store.lexical_search(["işbirliğini"], 3, ["tr"])
        assert ids(found)[:1] == [passages[1].chunk.id] and all(s > 0 for _, s in found)
        (found,) = store.lexical_search(["ISTANBUL olmayan kelime"], 3, ["tr"])
        assert found == []
        (found,) = store.lexical_search(["сотрудничества"], 3, ["ru"])
        assert ids(found) == [passages[4].chunk.id]
        (found,) = store.lexical_search(["1.050.000 dolar"], 3, ["tr"])
        assert ids(found)[:1] == [passages[3].chunk.id]

    def test_lexical_search_filters_and_several_queries(self, filled):
        store, passages = filled
        both = store.lexical_search(["1995", "Bishkek university"], 5, ["tr", "en"])
        assert set(ids(both[0])) == {passages[2].chunk.id, passages[6].chunk.id}
        assert ids(both[1])[0] == passages[6].chunk.id
        (only_tr,) = store.lexical_search(["1995"], 5, [None], Filters(langs=("tr",)))
        assert ids(only_tr) == [passages[2].chunk.id]
        (back,) = store.lexical_search(["Limon 2022"], 5, ["tr"], Filters(kinds=("back",)))
        assert ids(back) == [passages[5].chunk.id]
        assert store.lexical_search(["ve ile bir"], 5, ["tr"]) == [[]]  # stopwords only: no terms, no hits

    # -- neighbours ------------------------------------------------------------------------------------------
    def test_neighbours_within_a_section(self, filled):
        store, passages = filled
        a, b, c = (p.chunk for p in passages[1:4])
        assert store.neighbours(a.id) == (None, b)  # before it: contents, another section
        assert store.neighbours(b.id) == (a, None)  # after it: another section
        assert store.neighbours(c.id) == (None, None)

    # -- update, remove --------------------------------------------------------------------------------------
    def test_update_replaces_and_remove_drops(self, filled):
        store, passages = filled
        gen = store.generation()
        notes = [p for p in passages if p.chunk.doc_id == "notes.md"]
        changed = make_passages([("notes.md", "en", "body", ("Notes",), "A new first note about Ashgabat."), ROWS[7]], seed=5)
        changed[1] = notes[1]  # the unchanged chunk keeps its stored vectors
        m = manifest_for([p for p in passages if p.chunk.doc_id != "notes.md"] + changed)
        with store.writer():
            store.commit(m, changed, [notes[0].chunk.id])
        assert store.generation() != gen
        assert store.count() == len(passages) and store.chunks([notes[0].chunk.id]) == {}
        assert ids(store.lexical_search(["Ashgabat"], 3, ["en"])[0]) == [changed[0].chunk.id]
        assert [c.text for c in store.iter_chunks("notes.md")] == [changed[0].chunk.text, notes[1].chunk.text]
        # remove a document: its chunks, its record
        rest = [p for p in passages if p.chunk.doc_id != "tez.txt"]
        with store.writer():
            store.commit(manifest_for(changed), [], [p.chunk.id for p in passages if p.chunk.doc_id == "tez.txt"])
        assert set(store.manifest().docs) == {"notes.md"} and store.count() == len(rest)
        assert store.lexical_search(["işbirliği"], 3, ["tr"]) == [[]]
        assert set(ids(store.dense_search(np.ones((1, DIM), np.float32), 5)[0])) == {p.chunk.id for p in changed}

    def test_reset_keeps_only_what_is_added(self, filled):
        store, passages = filled
        some = passages[:2]
        with store.writer():
            store.commit(manifest_for(some), some, [], reset=True)
        assert store.count() == 2 and set(store.manifest().docs) == {"tez.txt"}
        assert sorted(c.id for c in store.iter_chunks()) == sorted(p.chunk.id for p in some)

    # -- bad input -------------------------------------------------------------------------------------------
    def test_bad_input_fails_clearly_and_loses_nothing(self, filled):
        store, passages = filled
        gen, count = store.generation(), store.count()
        q = np.ones((1, DIM), np.float32)
        for bad in (0, -1, 2.5):
            with pytest.raises(ValueError, match="k must be"):
                store.dense_search(q, bad)
            with pytest.raises(ValueError, match="k must be"):
                store.lexical_search(["x"], bad, ["tr"])
        with pytest.raises(ValueError, match="queries but"):
            store.lexical_search(["x", "y"], 3, ["tr"])
        with pytest.raises(ValueError):
            store.dense_search(np.ones((1, DIM + 1), np.float32), 3)
        with pytest.raises(ValueError, match="unknown kind"):
            Filters(kinds=("middle",))
        with pytest.raises(ValueError, match="sequence of strings"):
            Filters(langs="tr")
        wrong = make_passages(ROWS[:1], seed=3)
        wrong[0].vector = np.ones(DIM + 2, np.float32)
        with store.writer(), pytest.raises(ValueError):
            store.commit(manifest_for(passages), wrong, [])
        assert store.generation() == gen and store.count() == count
        assert ids(store.lexical_search(["işbirliği"], 1, ["tr"])[0]) == [passages[1].chunk.id]

    def test_a_failed_commit_leaves_the_previous_state(self, filled, monkeypatch):
        """A commit that dies after writing some of its rows: readers see exactly what they saw before, and the
        next commit works."""
        store, passages = filled
        gen, before = store.generation(), ids(store.dense_search(np.ones((1, DIM), np.float32), 8)[0])
        extra = make_passages([("late.txt", "en", "body", ("X",), f"Late chunk number {i} about Osh.") for i in range(6)], seed=9)
        # the last two cannot be stored: a chunk too long for a Milvus row, one without token states (the files
        # store refuses the commit before it writes anything, Milvus when it reaches them, rows written before)
        extra[4].chunk = Chunk(extra[4].chunk.id, "late.txt", "x " * 35_000, ("X",), 1, 1, "en", 0, 70_000)
        extra[5].tokens = None
        with store.writer(), pytest.raises(ValueError):
            store.commit(manifest_for(passages + extra), extra, [])
        assert store.generation() == gen and store.count() == len(passages)
        assert ids(store.dense_search(np.ones((1, DIM), np.float32), 8)[0]) == before
        assert store.lexical_search(["Osh"], 3, ["en"]) == [[]]
        ok = extra[:4]
        with store.writer():
            store.commit(manifest_for(passages + ok), ok, [])
        assert store.count() == len(passages) + 4 and len(ids(store.lexical_search(["Osh"], 9, ["en"])[0])) == 4

    # -- persistence -----------------------------------------------------------------------------------------
    def test_persists_across_processes(self, filled, settings: Settings):
        """Another process opens the same store (by the same settings) and reads what this one wrote."""
        store, passages = filled
        store.close()
        script = (
            "import json, sys, numpy as np\n"
            "from kaynak.config import Settings\n"
            "from index.stores.factory import create_store\n"
            "s = create_store(Settings.model_validate_json(sys.argv[1]))\n"
            "print(json.dumps({'gen': s.generation(), 'count': s.count(), 'docs': sorted(s.manifest().docs),\n"
            "  'lex': [c for c, _ in s.lexical_search(['Manas Üniversitesi'], 2, ['tr'])[0]]}))\n"
            "s.close()\n"
        )
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        out = subprocess.run([sys.executable, "-c", script, self.settings_json(settings)], env=env, capture_output=True, text=True, timeout=300, check=False)
        assert out.returncode == 0, out.stderr[-2000:]
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got["count"] == len(passages) and got["docs"] == ["notes.md", "tez.txt"]
        assert got["lex"][0] == passages[2].chunk.id and got["gen"]

    @staticmethod
    def settings_json(settings: Settings) -> str:
        d = json.loads(settings.model_dump_json())
        d["store"]["token"] = settings.store.token.get_secret_value()
        return json.dumps(d)
