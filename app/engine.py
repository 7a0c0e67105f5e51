"""The library's front door: one object the CLI and the web app call for everything.

It owns the settings, the embedder (loaded once), the store (`index.stores`: files or Milvus, by settings), and
the answerer, and checks the model of each generation another process commits. It never imports the UI.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from app.overview import Overview, overview
from assistant.base import Answerer
from assistant.factory import create_answerer
from assistant.followup import merge, previous_query, substitutions
from assistant.question import Part, part_named
from index.counterparts import counterparts
from index.embedder import Embedder, Progress
from index.indexer import Indexer, IngestReport
from index.retriever import QueryError, Retriever, check_langs, clamp_query
from index.store import DocRecord, StoreError
from index.stores.factory import create_store
from kaynak.config import LLMSettings, Settings, get_settings
from kaynak.lang import detect_lang
from kaynak.lexicon import lexicon
from kaynak.types import Answer, Chunk, Hit

log = logging.getLogger(__name__)
# Passages searched when a question confines itself to one part (a section title is checked after ranking).
SCOPE_DEPTH = 50
# A follow-up is answered read with the previous question when that reading is more surely answered than the
# question alone, and only when the passage it answers from states the follow-up's own least-stated word (token
# alignment, cosine units) nearly as closely as the standalone reading's passage does: "and in 2021?" after a
# question on trade is answered from the trade passage that gives 2021, while a new question on another subject
# is not answered from the previous subject's passage however sure that reading is.
FOLLOWUP_OWN_WORDS = 0.1
# ... and, for a question with no word pointing back ("this", "it": `Lexicon.points_back`), only when it is about
# as answerable in its own words (answer model probability) from the merged reading's passages as from its own:
# "Türkiye Tacikistan'a kaç tank verdi?" after a question on a grant to another country is refused as when
# asked alone, not answered with the grant, while "Bu anlaşmayı kimler imzaladı?" still reads the agreement
# before it. Over 92 follow-ups and 393 questions asked after an unrelated one (thesis and Handbook sets):
# follow-ups right 68 -> 65, wrong 12 -> 8; the others right 218 -> 231, wrong 54 -> 36 (docs/evaluation.md).
FOLLOWUP_OWN_ANSWER = 0.1
# Passages the question path (a chunk's text searched as a query) adds to a chunk's counterpart candidates.
LOOKUP_CANDIDATES = 10
BODY = ["body"]  # answers come from the text, not its contents, index or title page


class EmptyIndexError(StoreError):
    """Nothing is ingested yet."""


@dataclass(frozen=True)
class Indexing:
    """What a start in the background is doing, for the web app's status line while the first index is built:
    `phase` "model" (loading, on a first start building, the model), "passages" or "sentences" (embedding them,
    `done` of `total`), "" when idle; `error` when it failed."""

    running: bool = False
    phase: str = ""
    done: int = 0
    total: int = 0
    error: str = ""


class Engine:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.embedder = Embedder(self.settings)
        self.store = create_store(self.settings)
        self.indexer = Indexer(self.settings, self.embedder, self.store)
        self.retriever = Retriever(self.settings, self.embedder, self.store)
        self._checked: str | None = None  # the generation whose model was checked
        self._lock = threading.Lock()
        self._answerers: dict[tuple, Answerer] = {}
        self._overview: tuple[str, Overview] | None = None  # the last overview, with the generation it describes
        self._warming = threading.Lock()  # one warm-up at a time: a request waits for the one under way
        self.indexing = Indexing()

    # -- lifecycle ---------------------------------------------------------------------------------
    def warm_up(self, progress: Progress = False) -> None:
        """Load the model and, on first use, ingest the bundled corpus; later calls are cheap."""
        with self._warming:
            self.embedder.warm_up()
            if self.store.generation() is None and self.settings.auto_ingest:
                log.warning("no index yet: ingesting %s (first start only)", self.settings.corpus)
                report = self.indexer.ingest([Path(self.settings.corpus)], progress=progress)
                if not report.ok:
                    raise StoreError("could not ingest the default corpus: " + "; ".join(r for _, r in report.failed))
                log.warning("index ready: %d passages in %.0f s", report.chunks, report.seconds)  # ends the line above
            self.check()
            self.store.count()  # opens the index now rather than on the first question
            # the language identifier and each language's word frequencies load here (~2 s), not in a question
            detect_lang("warm up", self.settings.chunking.languages)
            for lang in self.settings.chunking.languages:
                lexicon(lang).zipf("a")

    def warm_up_in_background(self) -> threading.Thread:
        """`warm_up` in a thread, its progress in `indexing`: the web app serves at once and answers as soon as
        the index is ready (a request that needs the index meanwhile waits for it)."""

        def note(what: str, done: int, total: int) -> None:
            self.indexing = Indexing(True, what, done, total)

        def run() -> None:
            self.indexing = Indexing(True, "model")
            try:
                self.warm_up(progress=note)
                self.indexing = Indexing()
            except Exception as e:  # noqa: BLE001 - reported on the page; the server keeps serving
                log.exception("start-up indexing failed")
                self.indexing = Indexing(error=str(e))

        thread = threading.Thread(target=run, name="kaynak-warm-up", daemon=True)
        thread.start()
        return thread

    def check(self) -> str:
        """The live generation (another process may have committed a new one), checked once per generation to
        hold vectors of the configured model."""
        gen = self.store.generation()
        with self._lock:
            if gen is None:
                raise EmptyIndexError(
                    f"nothing is ingested yet in {self.store.location}: run `kaynak ingest [PATH...]` "
                    "(with no path it ingests the bundled thesis)"
                )
            if gen != self._checked:
                self.indexer.check_model(self.store.manifest())
                self._checked = gen
            return gen

    def _ready(self) -> None:
        if self.store.generation() is None and self.settings.auto_ingest:
            self.warm_up()  # or wait for the one under way
        self.check()

    # -- documents ---------------------------------------------------------------------------------
    def ingest(self, paths: list[Path] | None = None, progress: Progress = False, rebuild: bool = False) -> IngestReport:
        return self.indexer.ingest(paths or [Path(self.settings.corpus)], progress=progress, rebuild=rebuild)

    def remove(self, doc_ids: list[str]) -> IngestReport:
        return self.indexer.remove(doc_ids)

    def documents(self) -> list[DocRecord]:
        m = self.store.manifest()
        return sorted(m.docs.values(), key=lambda d: d.doc_id) if m else []

    def chunks(self) -> list[Chunk]:
        self._ready()
        return list(self.store.iter_chunks())

    def overview(self) -> Overview:
        """What is ingested, for the web app's header and example questions (before the first ingest, or while
        it runs: the examples of the corpus on its way in). Examples drawn from the documents are those this
        engine answers, asked once per index generation."""
        generation = self.store.generation()
        if generation is None or self.indexing.running:
            return overview([], [], pending=Path(self.settings.corpus) if self.settings.auto_ingest else None)
        if self._overview is None or self._overview[0] != generation:  # examples are asked once per generation
            view = overview(self.documents(), list(self.store.iter_chunks()),
                            answered=lambda q: not self.ask(q).refused)
            self._overview = (generation, view)
        return self._overview[1]

    def chunk(self, chunk_id: str) -> Chunk:
        self._ready()
        found = self.store.chunks([chunk_id])
        if chunk_id not in found:
            raise QueryError(f"no chunk with id {chunk_id!r}")
        return found[chunk_id]

    # -- retrieval ---------------------------------------------------------------------------------
    def search(
        self, query: str, k: int | None = None, mode: str | None = None, langs: list[str] | None = None,
        kinds: list[str] | None = None,
    ) -> list[Hit]:
        """Passages for a query; a query that names a part of the document ("in the conclusion") is searched
        in that part (`part_named`)."""
        self._ready()
        return self._retrieve(clamp_query(query), self.settings.retrieval.k if k is None else k, mode, None, langs, kinds)

    def search_many(
        self, queries: list[str], k: int | None = None, mode: str | None = None, langs: list[str] | None = None,
        kinds: list[str] | None = None,
    ) -> list[list[Hit]]:
        self._ready()
        queries = [clamp_query(q) for q in queries]
        named = [self._part(q) is not None for q in queries]
        plain = iter(self.retriever.search_many([q for q, n in zip(queries, named) if not n], k=k, mode=mode, langs=langs, kinds=kinds))
        return [self.search(q, k, mode, langs, kinds) if n else next(plain) for q, n in zip(queries, named)]

    def lookup(self, text: str, to_langs: list[str] | None = None, k: int = 3, exclude: str | None = None) -> dict[str, list[Hit]]:
        """Best passages in each target language for `text`, whatever language `text` is in (those of the part of
        the document it names first, if it names one)."""
        self._ready()
        langs = check_langs(to_langs, self.settings.chunking.languages) or list(self.settings.chunking.languages)
        part = self._part(text)
        out: dict[str, list[Hit]] = {}
        for lang in langs:
            # dense only: across languages BM25 matches names and numbers, not meaning
            depth = k + (exclude is not None)
            hits = self.retriever.search(text, k=max(depth, SCOPE_DEPTH) if part else depth, mode="dense", langs=[lang])
            if part is not None:
                within = replace(part, lang=None)
                hits = sorted(hits, key=lambda h: not within.admits(h.chunk))  # stable: by score within each
            out[lang] = [h for h in hits if h.chunk.id != exclude][:k]
        return out

    def lookup_id(self, chunk_id: str, to_langs: list[str] | None = None, k: int = 3) -> tuple[Chunk, dict[str, list[Hit]]]:
        """Counterparts of a stored chunk in the other languages (a summary paragraph -> its body section): the
        passages that state its sentences (`index.counterparts`), among those near its vector and those its text
        finds as a query. A hit's score is that similarity (0–1)."""
        chunk = self.chunk(chunk_id)
        langs = check_langs(to_langs, self.settings.chunking.languages) or [
            l for l in self.settings.chunking.languages if l != chunk.lang]
        by_text = self.lookup(chunk.text, langs, k=max(k, LOOKUP_CANDIDATES), exclude=chunk.id)
        source = self.store.passages([chunk.id])[chunk.id]
        out: dict[str, list[Hit]] = {}
        for lang in langs:
            ranked = counterparts(self.store, source, lang, [h.chunk.id for h in by_text[lang]])[:k]
            out[lang] = [Hit(c, score) for c, score in ranked]
        return chunk, out

    # -- answers -----------------------------------------------------------------------------------
    def answerer(self, llm: LLMSettings | None = None) -> Answerer:
        llm = llm or self.settings.llm
        key = (llm.base_url, llm.model) if llm.enabled else ("extractive",)
        if key not in self._answerers:
            settings = self.settings.model_copy(update={"llm": llm})
            answerer = create_answerer(settings, self.embedder, self.store)
            answerer.warm_up()
            self._answerers[key] = answerer
        return self._answerers[key]

    def _part(self, text: str) -> Part | None:
        return part_named(text, detect_lang(text, self.settings.chunking.languages), self.settings.chunking.languages)

    def _retrieve(
        self, query: str, depth: int, mode: str | None, lang: str | None, langs: list[str] | None = None,
        kinds: list[str] | None = None, within_part: bool = False,
    ) -> list[Hit]:
        """Passages for a query; a query that names a part of the document ("according to the English summary")
        gets that part's passages first, then the rest: a word that names a part may mean something else ("giriş
        ücreti", the entrance fee, not the introduction), so in a search a part ranks first but hides nothing.
        `within_part`: only the part's passages (what an answer reads), while it has any."""
        if depth <= 0:
            raise QueryError(f"k must be at least 1 (got {depth})")
        part = self._part(query)
        if part is None:
            return self.retriever.search(query, k=depth, mode=mode, langs=langs, query_lang=lang, kinds=kinds)
        within = [part.lang] if part.lang else langs
        hits = self.retriever.search(query, k=max(depth, SCOPE_DEPTH), mode=mode, langs=within, query_lang=lang, kinds=kinds)
        inside = [part.admits(h.chunk) for h in hits]
        if not any(inside):
            log.info("no passage in %s: searching the whole document", part)
            return self.retriever.search(query, k=depth, mode=mode, langs=langs, query_lang=lang, kinds=kinds)
        rest = [] if within_part else [h for h, i in zip(hits, inside) if not i]
        return ([h for h, i in zip(hits, inside) if i] + rest)[:depth]

    def ask(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        mode: str | None = None,
        k: int | None = None,
        llm: LLMSettings | None = None,
    ) -> Answer:
        final = None
        for piece in self.ask_stream(question, history, mode, k, llm):
            if isinstance(piece, Answer):
                final = piece
        assert final is not None
        return final

    def ask_stream(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        mode: str | None = None,
        k: int | None = None,
        llm: LLMSettings | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text as it is produced, then the final Answer (citations resolved and checked)."""
        t0 = time.perf_counter()
        limit = self.settings.answer.max_question_chars
        if isinstance(question, str) and len(question.strip()) > limit:
            raise QueryError(f"the question is {len(question.strip())} characters long; ask in at most {limit} characters")
        question = clamp_query(question)
        self._ready()
        lang = detect_lang(question, self.settings.chunking.languages)
        answerer = self.answerer(llm)
        n = k or self.settings.answer.passages
        if history and answerer.name == "extractive":
            query, hits = self._reading(question, history, mode, lang, n)
        else:
            query = answerer.rewrite(question, history, lang) if history else question
            hits = self.passages(query, lang, mode, n)
        t1 = time.perf_counter()
        for piece in answerer.stream(query, hits[:n], lang):
            if isinstance(piece, Answer):
                timings = {"retrieve": t1 - t0, **piece.timings, "total": time.perf_counter() - t0}
                yield replace(piece, query=query, hits=tuple(hits), timings=timings)
            else:
                yield piece

    def passages(self, question: str, lang: str, mode: str | None = None, n: int | None = None) -> list[Hit]:
        """What `ask` retrieves for a standalone question (its first `n` are read; benchmarks read the same): the
        body of the documents (contents and index lines only repeat the words of the passage that answers),
        or all passages if the body has none; of the part the question names, if it names one that has passages."""
        depth = max(n or self.settings.answer.passages, 10)
        return (self._retrieve(question, depth, mode, lang, kinds=BODY, within_part=True)
                or self._retrieve(question, depth, mode, lang, within_part=True))

    def _best_placed(self, question: str, found: list[tuple[str, list[Hit]]], lang: str, n: int) -> tuple[str, list[Hit]]:
        """Of the readings that place a follow-up's names differently ("Ya Türkmenistan?" after "Azerbaycan …
        Türkiye'den … aldı?": in the place of either country), the best answered among those whose answering
        passage states the follow-up's own words about as closely as any does (FOLLOWUP_OWN_WORDS): a reading
        answered from a passage about the previous country is no answer about the new one."""
        offline = self.answerer(LLMSettings())
        sure, stated = [], []
        for reading, hits in found:
            read = offline.assess(reading, hits[:n], lang)  # type: ignore[attr-defined]
            own = offline.assess(question, hits[:n], lang)  # type: ignore[attr-defined]
            answering = read.passages[read.candidates[0].hit_index].chunk.id if read.candidates else None
            sure.append(read.probability or 0.0)
            stated.append(max((c.features["weakest_passage"] for c in own.candidates
                               if own.passages[c.hit_index].chunk.id == answering), default=0.0))
        near = [i for i in range(len(found)) if stated[i] >= max(stated) - FOLLOWUP_OWN_WORDS]
        return found[max(near, key=sure.__getitem__)]

    def _reading(
        self, question: str, history: list[tuple[str, str]], mode: str | None, lang: str, n: int
    ) -> tuple[str, list[Hit]]:
        """A follow-up's reading, with its passages: the previous question asked again about the follow-up's
        names and numbers (`substitutions`; of several ways to place them, `_best_placed`), or else of its two
        readings — alone, and `merge`d with the previous question — the one the answerability model finds better
        answered, from a passage that states what the follow-up itself asks about (FOLLOWUP_OWN_WORDS) and from
        passages that answer the follow-up's own words about as well as its own passages do unless it points back
        (FOLLOWUP_OWN_ANSWER): a question that stands on its own keeps its own reading. A merged reading that is
        refused as well is not taken: the refusal would name the previous question's words and show its
        passages (a new user's trial: "least stated: batteries" for a question on a travel policy)."""
        previous = previous_query(history)
        offline = self.answerer(LLMSettings())
        readings = substitutions(question, previous, lang)
        if readings:  # only names and numbers: the previous question asked again about them
            found = [(reading, self.passages(reading, lang, mode, n)) for reading in readings]
            return found[0] if len(found) == 1 else self._best_placed(question, found, lang, n)
        alone_hits = self.passages(question, lang, mode, n)
        merged = merge(question, previous, lang)
        if merged == question:
            return question, alone_hits
        merged_hits = self.passages(merged, lang, mode, n)
        alone = offline.assess(question, alone_hits[:n], lang)  # type: ignore[attr-defined]
        read = offline.assess(merged, merged_hits[:n], lang)  # type: ignore[attr-defined]
        if not read.candidates or (read.probability or 0.0) <= (alone.probability or 0.0):
            return question, alone_hits
        if (read.probability or 0.0) < offline.params.threshold:  # type: ignore[attr-defined]
            log.info("follow-up read alone: no reading answers it, and its refusal names its own words")
            return question, alone_hits
        if alone.candidates:
            answering = read.passages[read.candidates[0].hit_index].chunk.id
            own = offline.assess(question, merged_hits[:n], lang)  # type: ignore[attr-defined]
            stated = max((c.features["weakest_passage"] for c in own.candidates
                          if own.passages[c.hit_index].chunk.id == answering), default=0.0)
            if stated < alone.candidates[0].features["weakest_passage"] - FOLLOWUP_OWN_WORDS:
                log.info("follow-up read alone: the merged reading's passage does not state what it asks about")
                return question, alone_hits
            if (not lexicon(lang).points_back(question)
                    and (own.probability or 0.0) < (alone.probability or 0.0) - FOLLOWUP_OWN_ANSWER):
                log.info("follow-up read alone: its own words are less answered by the merged reading's passages")
                return question, alone_hits
        return merged, merged_hits
