"""The small typed objects that flow one way through the pipeline.

ingest -> Chunk; index -> Hit; assistant -> Answer with Citations. Each is a frozen dataclass with a
``to_dict``/``from_dict`` pair so it travels through JSON (CLI output, stores, the web app) unchanged.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


def section_label(section: tuple[str, ...]) -> str:
    """Ancestors by number, the leaf in full: "1 > 1.2 > 1.2.4. Türkiye - Kırgızistan Ekonomik İlişkileri".

    A reader wants the full title of the section they land in and only the trail above it.
    """
    if not section:
        return ""
    trail = [s.split()[0].rstrip(".") if s[:1].isdigit() else s for s in section[:-1]]
    return " > ".join([*trail, section[-1]])


KINDS = ("body", "front", "back")  # where a passage stands: the text itself, or the matter before or after it


@dataclass(frozen=True)
class Chunk:
    """A citable passage: whole sentences from one section, one language, one document.

    `kind` tells the body from front matter (title page, copyright, contents) and back matter (index,
    references): answers come from the body. `page_label` is the page as printed ("iv", "T-2") where that
    is not simply the number `page_start` (never below 1); "" otherwise.
    """

    id: str
    doc_id: str
    text: str
    section: tuple[str, ...]
    page_start: int
    page_end: int
    lang: str
    start: int  # character offsets into the document's repaired text
    end: int
    kind: str = "body"
    page_label: str = ""

    @staticmethod
    def make_id(doc_id: str, text: str, section: tuple[str, ...]) -> str:
        """Content hash: the same text in the same place gets the same id on every ingest."""
        h = hashlib.sha1("\x1f".join([doc_id, " > ".join(section), text]).encode("utf-8"))
        return h.hexdigest()[:16]

    @property
    def section_path(self) -> str:
        return section_label(self.section)

    @property
    def page_text(self) -> str:
        """The page as a reader finds it in the document: its printed label, else its number."""
        return self.page_label or str(self.page_start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc": self.doc_id,
            "text": self.text,
            "section": self.section_path,
            "section_titles": list(self.section),
            "page": self.page_start,
            "page_end": self.page_end,
            "lang": self.lang,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "page_label": self.page_text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Chunk:
        """The inverse of `to_dict`; a chunk stored before kinds and labels existed is body text."""
        label = str(d.get("page_label") or "")
        return cls(
            id=d["id"],
            doc_id=d["doc"],
            text=d["text"],
            section=tuple(d.get("section_titles") or ()),
            page_start=int(d["page"]),
            page_end=int(d.get("page_end", d["page"])),
            lang=d["lang"],
            start=int(d["start"]),
            end=int(d["end"]),
            kind=d.get("kind", "body"),
            page_label="" if label == str(d["page"]) else label,
        )


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with the score and the ranks it got from each retriever."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = self.chunk.to_dict()
        d["score"] = round(float(self.score), 6)
        d["dense_rank"] = self.dense_rank
        d["lexical_rank"] = self.lexical_rank
        return d


@dataclass(frozen=True)
class Citation:
    """[n] in an answer -> the exact words quoted from one chunk (offsets are inside the chunk text)."""

    n: int
    chunk: Chunk
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "n": self.n,
            "id": c.id,
            "doc": c.doc_id,
            "section": c.section_path,
            "page": c.page_start,
            "lang": c.lang,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "text": c.text,
        }


@dataclass(frozen=True)
class Related:
    """A passage shown beside a refusal: the closest the documents come to the question, not an answer.

    A refusal is not a dead end: the asker sees where the documents touch the topic and can read on."""

    chunk: Chunk
    sentence: str  # the passage's sentence closest to the question, verbatim
    score: float

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "id": c.id,
            "doc": c.doc_id,
            "section": c.section_path,
            "page": c.page_start,
            "lang": c.lang,
            "sentence": self.sentence,
            "score": round(float(self.score), 4),
        }


@dataclass(frozen=True)
class Answer:
    """What the assistant says: text with inline [n] markers and the citations they point to."""

    text: str
    lang: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    reason: str = ""  # why it refused, or why a fallback was used
    answerer: str = "extractive"
    fallback: bool = False  # True when the LLM answer was replaced by the offline one
    query: str = ""  # the standalone query actually used for retrieval
    timings: dict[str, float] = field(default_factory=dict)
    hits: tuple[Hit, ...] = ()
    related: tuple[Related, ...] = ()  # with a refusal: the closest passages, kept apart from citations

    def to_dict(self, with_hits: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "answer": self.text,
            "lang": self.lang,
            "refused": self.refused,
            "reason": self.reason,
            "answerer": self.answerer,
            "fallback": self.fallback,
            "query": self.query,
            "citations": [c.to_dict() for c in self.citations],
            "related": [r.to_dict() for r in self.related],
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }
        if with_hits:
            d["hits"] = [h.to_dict() for h in self.hits]
        return d

