"""The Milvus backend: one collection set on an embedded engine (milvus-lite, a local ``.db`` file) or on a Milvus
server or cluster (``http(s)://host:19530``), through the same client code.

Collections (`<name>` is ``store.milvus.collection``):

    <name>_chunks  id, doc_id, lang, kind, sections, start, seq (order in its document), gen, the chunk as JSON,
                   `terms` (kaynak's BM25 tokens) -> the engine's BM25 function -> `sparse`, and `vector`
    <name>_blobs   each chunk's sentence spans and vectors and its int8 token states, base64 in pieces of
                   at most `PIECE` characters (a VARCHAR holds 65,535 bytes; token states take ~50 kB a chunk)
    <name>_meta    the manifest (model, dim, live generation), one row per document, and pending changes

The engine does the searching: its ANN index over `vector`, and BM25 over `terms` with its own function and
inverted index. The text it analyses is kaynak's own token stream (`index.tokenize`: Turkish case folding with
`tr_lower`, suffix and apostrophe rules, Snowball for en/ru, 6-letter prefixes for tr/ky), split on whitespace by
the engine: milvus-lite 2.5 applies one analyzer to a field (its multi-language analyzer is accepted and ignored),
so per-language stemming by the engine would need one field per language, and it has no prefix filter. The
same tokens as the files backend give the same BM25 ranking up to the engine's collection statistics.

Generations: each row carries the generation `gen` that wrote it and readers search ``gen <= live``. A commit
inserts its new rows at live + 1 (invisible), records what it removes as pending rows, then switches the live
generation in one upsert of the manifest row, then deletes what is pending and writes the document records. A
writer killed before the switch leaves rows above live, which the next writer deletes; killed after it, the next
writer finishes the pending work (readers skip pending ids meanwhile). Rows a commit keeps are never rewritten.
"""
from __future__ import annotations

import base64
import fcntl
import json
import logging
import re
import threading
import time
import warnings
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import TokenStates
from index.store import DocRecord, Manifest, StoreError
from index.stores.base import Filters, Passage, Ranked, check_k, check_lexical
from index.tokenize import query_tokens, tokenize
from index.tokens import Tokens
from kaynak.config import Settings
from kaynak.types import Chunk

try:
    with warnings.catch_warnings():  # milvus-lite 2.5 imports pkg_resources, which warns on every command
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        from milvus_lite.server_manager import server_manager_instance
    from pymilvus import DataType, Function, FunctionType, MilvusClient, MilvusException
    from pymilvus.client import entity_helper

    # pymilvus 2.5 checks a VARCHAR value's length by looping over its characters in Python (~2 us each: 3 hours
    # for 1M passages with their blobs); this store checks the byte length of every value it writes itself
    # (`_chunk_row`, `_meta_row`, `PIECE`), so the client's check is switched off by its own module flag
    entity_helper.CHECK_STR_ARRAY = False
    HAVE_PYMILVUS = True
except ImportError:  # the optional extra is not installed
    HAVE_PYMILVUS = False

log = logging.getLogger(__name__)
# pymilvus logs every failed call at ERROR before raising it; this store turns the exceptions into its own errors
# (and some into answers: `_select`), so its log would only repeat them
logging.getLogger("pymilvus").setLevel(logging.CRITICAL)

PIECE = 60_000  # characters of base64 per blob row (VARCHAR max 65,535 bytes)
IN_BATCH = 500  # ids per `in [...]` expression
BLOB_BATCH = 100  # chunks whose blobs one query reads (~70 kB each: a few MB per answer)
MAX_ROWS = 16_384  # the engine's limit on offset + limit of one query or search
PAGE = 10_000  # rows per query when reading many
MAX_TEXT = 65_535
MAX_SECTIONS, MAX_TITLE = 32, 2048  # the `sections` filter field (levels, bytes): beyond, in the chunk JSON only
BM25_K1, BM25_B = 1.5, 0.75  # as the files backend (index.lexical.BM25Index defaults)
# milvus-lite keeps its .db file open in one process only, and takes names of this form
_LITE_NAME = re.compile(r"^[A-Za-z0-9.\-_]{1,36}$")


def _lit(value: str) -> str:
    """A string literal for a filter expression (milvus-lite 2.5 has no filter templating)."""
    return json.dumps(value, ensure_ascii=False)


def _in(field: str, values: Iterable[str]) -> str:
    return f"{field} in [{', '.join(_lit(v) for v in values)}]"


def _title(title: str) -> str:
    """A section title as the `sections` field holds it: cut to MAX_TITLE bytes of UTF-8."""
    return title.encode("utf-8")[:MAX_TITLE].decode("utf-8", "ignore")


def _batches(items: Sequence[str], size: int = IN_BATCH) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def encode_blob(passage: Passage, dim: int) -> str:
    """A passage's sentences and token states as one base64 string: two counts (int32: sentences, tokens or -1
    for none), then sentence spans (int32), sentence vectors (float32), token codes (int8, as the files backend
    keeps them: one scale per token), scales (float32), token spans (int32) and word starts (uint8)."""
    spans = np.asarray(passage.sentences, dtype=np.int32).reshape(-1, 2)
    parts = [spans.tobytes(), np.asarray(passage.sentence_vectors, dtype=np.float32).reshape(-1, dim).tobytes()]
    n_tokens = -1
    if passage.tokens is not None:
        packed = Tokens.pack([passage.tokens], dim)
        n_tokens = len(packed.codes)
        parts += [packed.codes.tobytes(), packed.scales.astype(np.float32).tobytes(), packed.spans.astype(np.int32).tobytes(),
                  packed.starts.astype(np.uint8).tobytes()]
    head = np.array([len(spans), n_tokens], dtype=np.int32).tobytes()
    return base64.b64encode(b"".join([head, *parts])).decode("ascii")


def decode_blob(text: str, dim: int) -> tuple[list[tuple[int, int]], np.ndarray, TokenStates | None]:
    raw = base64.b64decode(text)
    n_sentences, n_tokens = (int(x) for x in np.frombuffer(raw, np.int32, 2))
    at = 8

    def take(dtype: type, count: int) -> np.ndarray:
        nonlocal at
        out = np.frombuffer(raw, dtype, count, at)
        at += out.nbytes
        return out

    spans = [(int(a), int(b)) for a, b in take(np.int32, 2 * n_sentences).reshape(-1, 2)]
    vectors = take(np.float32, n_sentences * dim).reshape(-1, dim).copy()
    tokens = None
    if n_tokens >= 0:
        codes = take(np.int8, n_tokens * dim).reshape(-1, dim)
        scales = take(np.float32, n_tokens)
        token_spans = take(np.int32, 2 * n_tokens).reshape(-1, 2)
        starts = take(np.uint8, n_tokens).astype(bool)
        tokens = Tokens(np.array([0, n_tokens], dtype=np.int64), codes, scales, token_spans, starts).at(0)
    return spans, vectors, tokens


@dataclass
class _Live:
    """What readers of one generation need besides the rows: the ids a switched commit has yet to delete."""

    gen: int
    pending: frozenset[str]


class MilvusStore:
    name = "milvus"

    def __init__(self, settings: Settings) -> None:
        if not HAVE_PYMILVUS:
            raise ImportError("the milvus store needs pymilvus and milvus-lite: pip install 'kaynak[milvus]'")
        self.settings = settings
        self.options = settings.store.milvus
        self.uri = settings.store.uri or str(settings.data_dir / "milvus.db")
        self.remote = self.uri.startswith(("http://", "https://", "tcp://", "grpc://"))
        if not self.remote:
            path = Path(self.uri).expanduser().resolve()
            if not _LITE_NAME.match(path.name):
                raise StoreError(
                    f"milvus-lite needs a database file name of at most 36 letters, digits, '.', '-' or '_' "
                    f"(got {path.name!r} in KAYNAK_STORE__URI)"
                )
            self.uri = str(path)
        c = self.options.collection
        self.location = f"{self.uri} (collections {c}_*)"
        self.chunks_name, self.blobs_name, self.meta_name = f"{c}_chunks", f"{c}_blobs", f"{c}_meta"
        self._client: Any = None
        self._live: _Live | None = None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"MilvusStore({self.uri}, {self.options.collection})"

    # -- connection and schema ----------------------------------------------------------------------
    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                if not self.remote:
                    Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
                token = self.settings.store.token.get_secret_value()
                try:
                    self._client = MilvusClient(uri=self.uri, token=token) if token else MilvusClient(uri=self.uri)
                except MilvusException as e:
                    hint = (
                        "milvus-lite opens a .db file in one process only: stop the other kaynak using it, or serve "
                        "it (see docs/scale-out.md) and point KAYNAK_STORE__URI at http://..."
                        if not self.remote else "check KAYNAK_STORE__URI and KAYNAK_STORE__TOKEN"
                    )
                    raise StoreError(f"cannot open the Milvus store at {self.uri}: {e.message}; {hint}") from e
                log.info("connected to Milvus at %s", self.uri)
            return self._client

    def _exists(self) -> bool:
        return bool(self.client.has_collection(self.meta_name))

    def _create(self, dim: int) -> None:
        """The three collections, with their indexes, loaded."""
        c = self.client
        o = self.options
        s = MilvusClient.create_schema(auto_id=False)
        s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
        s.add_field("doc_id", DataType.VARCHAR, max_length=4096)
        s.add_field("lang", DataType.VARCHAR, max_length=16)
        s.add_field("kind", DataType.VARCHAR, max_length=16)
        s.add_field("sections", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=MAX_SECTIONS, max_length=MAX_TITLE)
        s.add_field("start", DataType.INT64)
        s.add_field("seq", DataType.INT64)
        s.add_field("gen", DataType.INT64)
        s.add_field("chunk", DataType.VARCHAR, max_length=MAX_TEXT)
        s.add_field("terms", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True, analyzer_params={"tokenizer": "whitespace"})
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["sparse"]))
        ip = c.prepare_index_params()
        params = {"IVF_FLAT": {"nlist": o.nlist}, "HNSW": {"M": o.hnsw_m, "efConstruction": o.hnsw_ef_construction}}
        ip.add_index("vector", index_type=o.dense_index, metric_type="IP", params=params.get(o.dense_index, {}))
        ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
        c.create_collection(self.chunks_name, schema=s, index_params=ip, consistency_level="Strong")
        for name, fields in ((self.blobs_name, (("chunk_id", 64), ("data", MAX_TEXT))), (self.meta_name, (("kind", 16), ("value", MAX_TEXT)))):
            s = MilvusClient.create_schema(auto_id=False)
            s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=4200)
            for f, n in fields:
                s.add_field(f, DataType.VARCHAR, max_length=n)
            s.add_field("gen", DataType.INT64)
            s.add_field("part", DataType.INT64)
            s.add_field("dummy", DataType.FLOAT_VECTOR, dim=2)  # a collection needs a vector field; this one is unused
            ip = c.prepare_index_params()
            ip.add_index("dummy", index_type="FLAT", metric_type="L2")
            c.create_collection(name, schema=s, index_params=ip, consistency_level="Strong")
        log.info("created Milvus collections %s_* (dim %d, %s)", self.options.collection, dim, o.dense_index)

    def _query(self, collection: str, expr: str, fields: list[str]) -> list[dict[str, Any]]:
        """All rows matching `expr`, a page at a time by primary key (a query answers at most MAX_ROWS rows, sorted
        by primary key; milvus-lite 2.5 has no working query iterator)."""
        out: list[dict[str, Any]] = []
        last = None
        while True:
            page_expr = expr if last is None else f"({expr}) and id > {_lit(last)}"
            rows = self._select(collection, filter=page_expr, output_fields=fields, limit=PAGE)
            out.extend(rows)
            if len(rows) < PAGE:
                return out
            last = max(r["id"] for r in rows)

    def _select(self, collection: str, **kwargs: Any) -> list[dict[str, Any]]:
        """`client.query`; an empty answer is []: pymilvus 2.5 cannot read the empty columns milvus-lite 2.5 sends
        for no rows ("Unsupported data type: 0")."""
        try:
            return list(self.client.query(collection, **kwargs))
        except MilvusException as e:
            if "Unsupported data type: 0" in str(e.message):
                return []
            raise

    # -- the live generation --------------------------------------------------------------------------
    def _manifest_row(self) -> dict[str, Any] | None:
        if not self._exists():
            return None
        rows = self._select(self.meta_name, filter='id == "manifest"', output_fields=["value", "gen"])
        return rows[0] if rows else None

    def _live_state(self) -> _Live | None:
        row = self._manifest_row()
        if row is None:
            return None
        gen = int(row["gen"])
        with self._lock:
            if self._live is None or self._live.gen != gen:
                pending = self._query(self.meta_name, f'kind == "pending" and gen <= {gen}', ["value"])
                self._live = _Live(gen, frozenset(r["value"] for r in pending))
            return self._live

    def generation(self) -> str | None:
        live = self._live_state()
        return None if live is None else f"gen-{live.gen:06d}"

    def manifest(self) -> Manifest | None:
        row = self._manifest_row()
        if row is None:
            return None
        m = Manifest.from_json(row["value"])
        gen = int(row["gen"])
        docs = self._query(self.meta_name, f'kind == "doc" and gen <= {gen}', ["value"])
        m.docs = {d.doc_id: d for d in (DocRecord(**json.loads(r["value"])) for r in docs)}
        return m

    def _expr(self, live: _Live, filters: Filters | None) -> str:
        parts = [f"gen <= {live.gen}"]
        if filters:
            if filters.langs:
                parts.append(_in("lang", filters.langs))
            if filters.kinds:
                parts.append(_in("kind", filters.kinds))
            if filters.docs:
                parts.append(_in("doc_id", filters.docs))
            if filters.sections:
                parts.append(f"array_contains_any(sections, [{', '.join(_lit(_title(s)) for s in filters.sections)}])")
        return " and ".join(parts)

    # -- reading --------------------------------------------------------------------------------------
    def count(self, filters: Filters | None = None) -> int:
        live = self._live_state()
        if live is None:
            return 0
        rows = self._select(self.chunks_name, filter=self._expr(live, filters), output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def dense_search(self, vectors: np.ndarray, k: int, filters: Filters | None = None) -> list[Ranked]:
        check_k(k)
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        live = self._live_state()
        if live is None:
            return [[] for _ in vectors]
        if vectors.shape[1] != self._dim():
            raise ValueError(f"expected query vectors of shape (n, {self._dim()}), got {vectors.shape}")
        o = self.options
        params = {"IVF_FLAT": {"nprobe": o.nprobe}, "HNSW": {"ef": max(o.hnsw_ef, k)}}.get(o.dense_index, {})
        res = self.client.search(
            self.chunks_name, data=vectors.tolist(), anns_field="vector", limit=min(k + len(live.pending), MAX_ROWS),
            filter=self._expr(live, filters), search_params={"metric_type": "IP", "params": params}, output_fields=["id"],
        )
        return [[(h["id"], float(h["distance"])) for h in hits if h["id"] not in live.pending][:k] for hits in res]

    def lexical_search(
        self, queries: Sequence[str], k: int, langs: Sequence[str | None], filters: Filters | None = None
    ) -> list[Ranked]:
        check_lexical(queries, k, langs)
        live = self._live_state()
        out: list[Ranked] = []
        for q, lang in zip(queries, langs):
            terms = " ".join(query_tokens(q, lang))
            if live is None or not terms:
                out.append([])
                continue
            res = self.client.search(
                self.chunks_name, data=[terms], anns_field="sparse", limit=min(k + len(live.pending), MAX_ROWS),
                filter=self._expr(live, filters), search_params={"metric_type": "BM25"}, output_fields=["id"],
            )
            out.append([(h["id"], float(h["distance"])) for h in res[0] if h["id"] not in live.pending and h["distance"] > 0][:k])
        return out

    def _rows(self, ids: Iterable[str], fields: list[str]) -> list[dict[str, Any]]:
        live = self._live_state()
        wanted = [i for i in dict.fromkeys(ids) if live is not None and i not in live.pending]
        rows: list[dict[str, Any]] = []
        for batch in _batches(wanted):
            rows += self._select(self.chunks_name, filter=f"gen <= {live.gen} and {_in('id', batch)}", output_fields=fields)  # type: ignore[union-attr]
        return rows

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        return {r["id"]: Chunk.from_dict(json.loads(r["chunk"])) for r in self._rows(ids, ["id", "chunk"])}

    def passages(self, ids: Iterable[str]) -> dict[str, Passage]:
        rows = self._rows(ids, ["id", "chunk", "vector"])
        if not rows:
            return {}
        pieces: dict[str, list[tuple[int, str]]] = {}
        for batch in _batches([r["id"] for r in rows], BLOB_BATCH):
            for b in self._select(self.blobs_name, filter=_in("chunk_id", batch), output_fields=["chunk_id", "part", "data"]):
                pieces.setdefault(b["chunk_id"], []).append((int(b["part"]), b["data"]))
        out = {}
        for r in rows:
            spans, sentence_vectors, tokens = decode_blob("".join(d for _, d in sorted(pieces.get(r["id"], []))), len(r["vector"]))
            out[r["id"]] = Passage(Chunk.from_dict(json.loads(r["chunk"])), np.asarray(r["vector"], dtype=np.float32), spans, sentence_vectors, tokens)
        return out

    def neighbours(self, chunk_id: str) -> tuple[Chunk | None, Chunk | None]:
        rows = self._rows([chunk_id], ["doc_id", "seq", "chunk"])
        if not rows:
            return None, None
        me, seq = Chunk.from_dict(json.loads(rows[0]["chunk"])), int(rows[0]["seq"])
        live = self._live_state()
        near = self._select(
            self.chunks_name, filter=f"gen <= {live.gen} and doc_id == {_lit(me.doc_id)} and seq in [{seq - 1}, {seq + 1}]",  # type: ignore[union-attr]
            output_fields=["seq", "chunk"],
        )
        by_seq = {int(r["seq"]): Chunk.from_dict(json.loads(r["chunk"])) for r in near if r["id"] not in live.pending}  # type: ignore[union-attr]
        before, after = by_seq.get(seq - 1), by_seq.get(seq + 1)
        return (before if before is not None and before.section == me.section else None,
                after if after is not None and after.section == me.section else None)

    def iter_chunks(self, doc_id: str | None = None) -> Iterator[Chunk]:
        live = self._live_state()
        if live is None:
            return
        docs = [doc_id] if doc_id is not None else sorted(self._doc_ids(live.gen))
        for d in docs:  # one document at a time: a Milvus-sized index never comes into memory whole
            rows = self._query(self.chunks_name, f"gen <= {live.gen} and doc_id == {_lit(d)}", ["id", "seq", "chunk"])
            for r in sorted(rows, key=lambda r: int(r["seq"])):
                if r["id"] not in live.pending:
                    yield Chunk.from_dict(json.loads(r["chunk"]))

    def _doc_ids(self, gen: int) -> list[str]:
        return [r["id"].removeprefix("doc:") for r in self._query(self.meta_name, f'kind == "doc" and gen <= {gen}', ["id"])]

    def _dim(self) -> int:
        m = self._manifest_row()
        return int(json.loads(m["value"])["dim"]) if m else 0

    # -- writing --------------------------------------------------------------------------------------
    @contextmanager
    def writer(self) -> Iterator[None]:
        """One writer at a time on this machine (a lock file beside the data), and a store left consistent by a
        writer that died is made so before anything else is written."""
        lock_dir = self.settings.store_dir
        lock_dir.mkdir(parents=True, exist_ok=True)
        with self._lock, open(lock_dir / f".milvus-{self.options.collection}.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._recover()
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _recover(self) -> None:
        row = self._manifest_row()
        if row is None:
            return
        gen = int(row["gen"])
        c = self.client
        for name in (self.chunks_name, self.blobs_name, self.meta_name):
            c.delete(name, filter=f"gen > {gen}")  # rows of a commit that never switched
        self._settle(gen)

    def _settle(self, gen: int) -> None:
        """Carry out what the commit that switched to `gen` recorded as pending: deletions and document records."""
        c = self.client
        pending = self._query(self.meta_name, f'(kind == "pending" or kind == "pending-doc") and gen <= {gen}', ["id", "kind", "value"])
        gone = [r["value"] for r in pending if r["kind"] == "pending"]
        for batch in _batches(gone):
            c.delete(self.chunks_name, filter=_in("id", batch))
            c.delete(self.blobs_name, filter=_in("chunk_id", batch))
        for r in pending:
            if r["kind"] == "pending-doc":
                doc = r["id"].removeprefix("pending-doc:")
                if r["value"]:
                    c.upsert(self.meta_name, [self._meta_row(f"doc:{doc}", "doc", gen, r["value"])])
                else:
                    c.delete(self.meta_name, ids=[f"doc:{doc}"])
        for batch in _batches([r["id"] for r in pending]):
            c.delete(self.meta_name, ids=list(batch))
        if pending:
            log.info("settled generation %d: %d chunks removed, %d document records written", gen, len(gone), len(pending) - len(gone))
        with self._lock:
            self._live = None

    @staticmethod
    def _meta_row(id: str, kind: str, gen: int, value: str) -> dict[str, Any]:
        if len(value.encode("utf-8")) > MAX_TEXT:
            raise ValueError(f"{id}: a record of {len(value.encode('utf-8'))} bytes does not fit a Milvus VARCHAR ({MAX_TEXT})")
        return {"id": id, "kind": kind, "gen": gen, "part": 0, "value": value, "dummy": [0.0, 0.0]}

    @staticmethod
    def _chunk_row(p: Passage, gen: int, seq: int) -> dict[str, Any]:
        c = p.chunk
        if p.tokens is None:
            raise ValueError(f"chunk {c.id} comes without token states: embed it before a commit")
        doc = json.dumps(c.to_dict(), ensure_ascii=False)
        terms = " ".join(tokenize(c.text, c.lang))
        for what, value, limit in (("chunk", doc, MAX_TEXT), ("token stream", terms, MAX_TEXT), ("document name", c.doc_id, 4096)):
            if len(value.encode("utf-8")) > limit:
                raise ValueError(f"chunk {c.id}: its {what} is longer than a Milvus VARCHAR of {limit} bytes")
        return {
            "id": c.id, "doc_id": c.doc_id, "lang": c.lang, "kind": c.kind,
            "sections": [_title(s) for s in c.section[:MAX_SECTIONS]],
            "start": c.start, "seq": seq, "gen": gen, "chunk": doc, "terms": terms,
            "vector": np.asarray(p.vector, dtype=np.float32).reshape(-1).tolist(),
        }

    def commit(self, manifest: Manifest, add: Sequence[Passage], remove: Collection[str], reset: bool = False) -> str:
        dim = manifest.dim
        row = self._manifest_row()
        if row is not None and json.loads(row["value"])["dim"] != dim:
            raise ValueError(f"the Milvus store holds {json.loads(row['value'])['dim']}-d vectors, the manifest says {dim}")
        bad = next((p.chunk.id for p in add if np.asarray(p.vector).size != dim), None)
        if bad is not None:
            raise ValueError(f"chunk {bad}: its vector is not {dim}-d like the index's")
        if row is None:
            self._create(dim)
        live = self._live_state()
        gen = 0 if live is None else live.gen
        try:
            return self._commit(manifest, add, remove, reset, gen)
        except BaseException:
            # nothing is visible above `gen`: drop what this commit wrote there (a killed writer's rows are
            # dropped by the next writer instead, `_recover`)
            for name in (self.chunks_name, self.blobs_name, self.meta_name):
                self.client.delete(name, filter=f"gen > {gen}")
            raise

    def _commit(self, manifest: Manifest, add: Sequence[Passage], remove: Collection[str], reset: bool, gen: int) -> str:
        new, dim, c, o = gen + 1, manifest.dim, self.client, self.options
        stored_docs = self._doc_records(gen) if gen else {}
        adding = [p.chunk.id for p in add]
        stored = {r["id"] for r in self._rows(adding, ["id"])} if gen else set()
        if reset:
            remove = {cid for d in stored_docs for cid in self._doc_chunk_ids(d, gen)} | set(remove)
        gone = sorted(set(remove) - set(adding))
        seq = _document_order(add)
        # 1. rows, a batch at a time: a stored id keeps its generation (same id, same text), a new one waits
        # invisible at `new`; its sentences and token states likewise
        for i in range(0, len(add), o.batch):
            batch = add[i : i + o.batch]
            c.upsert(self.chunks_name, [self._chunk_row(p, gen if p.chunk.id in stored else new, seq[p.chunk.id]) for p in batch])
            blobs = []
            for p in batch:
                if p.chunk.id not in stored:
                    text = encode_blob(p, dim)
                    blobs += [
                        {"id": f"{p.chunk.id}:{j}", "chunk_id": p.chunk.id, "gen": new, "part": j, "data": text[a : a + PIECE], "dummy": [0.0, 0.0]}
                        for j, a in enumerate(range(0, len(text), PIECE))
                    ]
            if blobs:
                c.insert(self.blobs_name, blobs)
        # 2. what the switch makes pending: the chunks removed, the document records changed
        pending = [self._meta_row(f"pending:{cid}", "pending", new, cid) for cid in gone]
        for doc, record in manifest.docs.items():
            value = json.dumps(asdict(record), ensure_ascii=False)
            if stored_docs.get(doc) != value:
                pending.append(self._meta_row(f"pending-doc:{doc}", "pending-doc", new, value))
        pending += [self._meta_row(f"pending-doc:{doc}", "pending-doc", new, "") for doc in stored_docs if doc not in manifest.docs]
        for i in range(0, len(pending), o.batch):
            c.upsert(self.meta_name, pending[i : i + o.batch])
        # 3. the switch
        head = {k: v for k, v in asdict(manifest).items() if k not in ("docs", "chunk_ids")}
        head |= {"index_backend": f"milvus-{o.dense_index.lower()}", "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        c.upsert(self.meta_name, [self._meta_row("manifest", "manifest", new, json.dumps(head, ensure_ascii=False))])
        # 4. after it: deletions and document records
        self._settle(new)
        log.info("committed generation %d: %d chunks written, %d removed", new, len(add), len(gone))
        return f"gen-{new:06d}"

    def _doc_records(self, gen: int) -> dict[str, str]:
        rows = self._query(self.meta_name, f'kind == "doc" and gen <= {gen}', ["id", "value"])
        return {r["id"].removeprefix("doc:"): r["value"] for r in rows}

    def _doc_chunk_ids(self, doc_id: str, gen: int) -> list[str]:
        return [r["id"] for r in self._query(self.chunks_name, f"gen <= {gen} and doc_id == {_lit(doc_id)}", ["id"])]

    def drop(self) -> None:
        """Delete the collections (tests and benchmarks start over with it)."""
        for name in (self.chunks_name, self.blobs_name, self.meta_name):
            if self.client.has_collection(name):
                self.client.drop_collection(name)
        with self._lock:
            self._live = None

    def close(self) -> None:
        """Close the client; an embedded engine is stopped too, which frees its .db file for other processes."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
                if not self.remote:
                    server_manager_instance.release_server(self.uri)
            self._live = None


def _document_order(add: Sequence[Passage]) -> dict[str, int]:
    """Each chunk's place in its document (by start): `neighbours` reads the chunks at seq - 1 and seq + 1."""
    by_doc: dict[str, list[Chunk]] = {}
    for p in add:
        by_doc.setdefault(p.chunk.doc_id, []).append(p.chunk)
    return {c.id: i for chunks in by_doc.values() for i, c in enumerate(sorted(chunks, key=lambda c: c.start))}
