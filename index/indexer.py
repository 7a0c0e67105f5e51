"""Ingest documents into the store incrementally, and remove them.

A document is the file at one place (`index.doc_identity`): two files of the same name are two documents. One
whose bytes and chunker version are unchanged is skipped before parsing; a changed one has only its own chunks
replaced; vectors are reused by chunk id (a content hash), so only new text is embedded. Every failure is
reported per file and never touches what is stored.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from index.doc_identity import StoredDoc, document_names, proposed_name
from index.embedder import Embedder, Progress, TokenStates
from index.store import DocRecord, Manifest, StoreError
from index.stores.base import Passage, Store, sentence_vectors
from index.stores.factory import create_store
from ingest.chunker import CHUNKER_VERSION
from ingest.pipeline import iter_files, parse_document
from ingest.readers import IngestError, check_file
from ingest.sentences import answer_sentences
from kaynak import __version__
from kaynak.config import Settings
from kaynak.types import Chunk

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    embedded: int = 0
    reused: int = 0
    sentences: int = 0  # sentences embedded (those of reused chunks are reused with them)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        out = [f"added {d}" for d in self.added] + [f"updated {d}" for d in self.updated]
        out += [f"unchanged {d}" for d in self.unchanged] + [f"removed {d}" for d in self.removed]
        out += [f"FAILED {p}: {why}" for p, why in self.failed]
        if not self.failed or len(out) > len(self.failed):  # a run that only failed: its failures say all
            out.append(
                f"{self.chunks} chunks in the index; embedded {self.embedded}, reused {self.reused} vectors "
                f"(and {self.sentences} sentences embedded) in {self.seconds:.1f} s"
            )
        return out


def passage_text(chunk: Chunk) -> str:
    """What the embedder reads for a chunk: its section title, then its text.

    The title names the topic a paragraph often leaves implicit ("Türkiye - Azerbaycan Ekonomik
    İlişkileri"), which is what cross-language questions match on.
    """
    title = chunk.section[-1] if chunk.section else ""
    return f"{title}\n{chunk.text}" if title else chunk.text


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Indexer:
    def __init__(self, settings: Settings, embedder: Embedder, store: Store | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store or create_store(settings)

    def check_model(self, manifest: Manifest | None) -> None:
        """Refuse to mix vectors of two models in one index."""
        if manifest is not None and manifest.model != self.settings.embedder.model:
            raise StoreError(
                f"the index at {self.store.location} was built with model {manifest.model!r} (dim {manifest.dim}), "
                f"but the settings name {self.settings.embedder.model!r}. Rebuild it with "
                f"`kaynak ingest --rebuild`, or set KAYNAK_EMBEDDER__MODEL={manifest.model}"
            )

    def ingest(self, paths: list[Path], progress: Progress = False, rebuild: bool = False) -> IngestReport:
        t0 = time.perf_counter()
        report = IngestReport()
        with self.store.writer():
            manifest = None if rebuild else self.store.manifest()
            if manifest is not None:
                self.check_model(manifest)
            docs = dict(manifest.docs) if manifest else {}
            new_chunks: dict[str, list[Chunk]] = {}
            readable = self._hash(self._expand(paths, report), report)
            stored = {d.doc_id: StoredDoc(d.doc_id, d.path, d.sha256) for d in docs.values()}
            names = document_names([(p.resolve(), name, sha) for p, name, sha in readable], stored)
            for path, _, sha in readable:
                doc_id = names[path.resolve()]
                try:
                    old = docs.get(doc_id)
                    if old and old.sha256 == sha and old.chunker_version == CHUNKER_VERSION and old.n_chunks:
                        if old.path != str(path.resolve()):  # moved: the same bytes, known by their new place
                            docs[doc_id] = replace(old, path=str(path.resolve()))
                        report.unchanged.append(doc_id)
                        continue
                    parsed = parse_document(path, self.settings, progress=progress is True, doc_id=doc_id)
                    if not parsed.chunks:
                        raise IngestError(path, "no text could be extracted")
                except IngestError as e:
                    report.failed.append((str(path), e.reason))
                    log.info("%s", e)  # the report names it to the caller
                    continue
                except OSError as e:
                    report.failed.append((str(path), e.strerror or str(e)))
                    continue
                (report.updated if doc_id in docs else report.added).append(doc_id)
                new_chunks[doc_id] = parsed.chunks
                docs[doc_id] = DocRecord(
                    doc_id=doc_id,
                    path=str(path.resolve()),
                    sha256=sha,
                    kind=parsed.kind,
                    chunker_version=CHUNKER_VERSION,
                    n_chunks=len(parsed.chunks),
                    langs=dict(Counter(c.lang for c in parsed.chunks)),
                    added=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    title=parsed.title,
                )
            # nothing parsed (every file failed or unchanged): commit nothing, so a failed first ingest
            # leaves no empty index behind and a failed --rebuild does not wipe the stored one
            if new_chunks:
                self._commit(manifest, new_chunks, [], docs, report, progress, rebuild)
            report.chunks = sum(d.n_chunks for d in docs.values())
        report.seconds = time.perf_counter() - t0
        return report

    def remove(self, doc_ids: list[str]) -> IngestReport:
        """Remove documents named as `kaynak docs` lists them (or by the path of the file they were read from)."""
        t0 = time.perf_counter()
        report = IngestReport()
        with self.store.writer():
            manifest = self.store.manifest()
            if manifest is None:
                raise StoreError("nothing is ingested yet")
            docs = dict(manifest.docs)
            by_path = {d.path: d.doc_id for d in docs.values()}
            for d in doc_ids:
                doc_id = d if d in docs else by_path.get(str(Path(d).resolve()))
                if doc_id is None:
                    known = ", ".join(sorted(docs)) or "none"
                    report.failed.append((d, f"no such document (stored: {known})"))
                else:
                    docs.pop(doc_id)
                    report.removed.append(doc_id)
            if report.removed:
                self._commit(manifest, {}, report.removed, docs, report, progress=False, reset=False)
            report.chunks = sum(d.n_chunks for d in docs.values())
        report.seconds = time.perf_counter() - t0
        return report

    def _expand(self, paths: list[Path], report: IngestReport) -> list[tuple[Path, str]]:
        """Every file named or found under a folder named, once, with the name it proposes for itself."""
        out: dict[Path, tuple[Path, str]] = {}
        for p in map(Path, paths):
            try:
                found = iter_files([p])
                if not found:  # an empty folder: say so, not "0 embedded"
                    report.failed.append((str(p), "the folder holds no files (hidden ones are skipped)"))
                for f in found:
                    out.setdefault(f.resolve(), (f, proposed_name(f, p)))
            except IngestError as e:
                report.failed.append((str(p), e.reason))
            except OSError as e:
                report.failed.append((str(p), e.strerror or str(e)))
        return list(out.values())

    def _hash(self, files: list[tuple[Path, str]], report: IngestReport) -> list[tuple[Path, str, str]]:
        """(file, proposed name, sha256) of the files that can be read; the others are reported failed."""
        out = []
        for path, name in files:
            try:
                check_file(path, self.settings.chunking.max_file_mb)  # before hashing a huge file
                out.append((path, name, file_sha256(path)))
            except IngestError as e:
                report.failed.append((str(path), e.reason))
                log.info("%s", e)  # the report names it to the caller
            except OSError as e:
                report.failed.append((str(path), e.strerror or str(e)))
        return out

    def _commit(
        self,
        manifest: Manifest | None,
        new_chunks: dict[str, list[Chunk]],
        removed: list[str],
        docs: dict[str, DocRecord],
        report: IngestReport,
        progress: Progress,
        reset: bool,
    ) -> None:
        """Write the new versions of the documents in `new_chunks` and drop those `removed`, reusing by chunk id
        whatever the store holds for a chunk (a changed document often keeps most of its chunks)."""
        upgrade = manifest is not None and manifest.format < 3
        if upgrade:
            # an index that keeps no token states (format 2) gets them now: its chunks are embedded once more
            # (their sentence vectors are reused) and the whole index is written anew
            for doc in docs:
                if doc not in new_chunks:
                    new_chunks[doc] = list(self.store.iter_chunks(doc))
        old = [] if reset or upgrade else [c.id for d in [*new_chunks, *removed] for c in self.store.iter_chunks(d)]
        chunks = [c for doc_chunks in new_chunks.values() for c in doc_chunks]
        stored = {} if reset else self.store.passages(c.id for c in chunks)
        todo = [c for c in chunks if c.id not in stored or stored[c.id].tokens is None]
        reset = reset or upgrade
        report.reused += sum(d.n_chunks for doc, d in docs.items() if doc not in new_chunks) + len(chunks) - len(todo)
        if todo or manifest is None:
            self.embedder.warm_up()
            dim = self.embedder.dim
        else:
            dim = manifest.dim
        fresh: dict[str, tuple[np.ndarray, TokenStates]] = {}
        pooled: dict[str, np.ndarray] = {}  # sentence vectors from the chunk's own pass (late chunking)
        late = self.settings.embedder.sentence_vectors == "pooled"
        found = {c.id: answer_sentences(c.text, c.lang) for c in todo} if late else {}
        if todo:
            texts = [passage_text(c) for c in todo]
            spans = [[(a + len(t) - len(c.text), b + len(t) - len(c.text)) for a, b in found[c.id]] for c, t in zip(todo, texts)] if late else None
            embedded, states, sentence_vecs = self.embedder.embed_with_tokens(texts, progress=progress, spans=spans)
            fresh = {c.id: (v, t) for c, v, t in zip(todo, embedded, states)}
            pooled = {c.id: v for c, v in zip(todo, sentence_vecs)}
            report.embedded = len(todo)
        if late:
            sentences = [stored[c.id].sentences if c.id in stored else found[c.id] for c in chunks]
            blocks = [stored[c.id].sentence_vectors if c.id in stored else pooled[c.id] for c in chunks]
        else:
            embed = lambda texts: self.embedder.embed_passages(texts, progress=progress, what="sentences")  # noqa: E731
            sentences, vectors, report.sentences = sentence_vectors(chunks, stored, embed, dim)
            cuts = np.cumsum([len(s) for s in sentences])[:-1] if sentences else []
            blocks = np.split(vectors, cuts)
        add = [
            Passage(c, fresh[c.id][0] if c.id in fresh else stored[c.id].vector, s, np.asarray(b, dtype=np.float32).reshape(-1, dim),
                    fresh[c.id][1] if c.id in fresh else stored[c.id].tokens)
            for c, s, b in zip(chunks, sentences, blocks)
        ]
        manifest = Manifest(
            model=self.settings.embedder.model,
            dim=dim,
            chunker_version=CHUNKER_VERSION,
            index_backend="",
            kaynak_version=__version__,
            embedder_backend=self.embedder.backend if todo or manifest is None else manifest.embedder_backend,
            docs=docs,
        )
        self.store.commit(manifest, add, old, reset=reset)
