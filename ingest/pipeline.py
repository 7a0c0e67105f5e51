"""File -> repaired text -> sections, languages and front/back matter -> chunks. Nothing here is stored; the
index layer stores.

Plain text is cleaned into lines and its headings found by their numbering and look (`structure`); PDF, HTML
and Word readers hand over lines and headings read from the document itself. The order matters: headings are
known on lines before unwrapping, because a heading is a line and it must end the paragraph before it even
without a full stop ("... Türk Dış" / "Politikasındaki Yeri").
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from kaynak.config import Settings
from kaynak.lang import detect_lang_scored
from kaynak.types import Chunk

from .chunker import Block, chunk_blocks
from .matter import matter_kinds
from .readers import read_document
from .repair import Line, PageMap, assemble, clean_lines, unwrap
from .structure import Heading, detect_headings, section_paths, smooth_languages

log = logging.getLogger(__name__)

_PROGRESS_MIN_PARAGRAPHS = 200  # below this a progress bar only flickers
# Language id reads this many characters of a paragraph: a few sentences decide it, and langid's cost grows
# with length (the whole thesis through it takes seconds, these samples a fraction of one).
LANG_SAMPLE_CHARS = 400
# Addresses are written in no language, and a long one outweighs the sentence around it ("... подробно
# описано в руководстве → https://www.debian.org/releases/stable/amd64/ch04s05").
_ADDRESS = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+")


def language_sample(text: str) -> str:
    """What language identification reads of a paragraph: its first few sentences, web and mail addresses left out."""
    return _ADDRESS.sub(" ", text)[:LANG_SAMPLE_CHARS]


@dataclass(frozen=True)
class ParsedDocument:
    """A document ready for indexing: repaired text, its chunks, page count, source fingerprint, and the title
    the document gives itself ("" if none)."""

    doc_id: str
    path: Path
    text: str
    chunks: list[Chunk]
    pages: int
    kind: str
    sha256: str
    page_map: PageMap
    title: str = ""


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Files named or found (recursively) under directories, hidden ones skipped, sorted, without repeats.

    Unknown extensions are kept: `parse_document` reports them as IngestError rather than hiding them.
    """
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            for p in path.rglob("*"):
                rel = p.relative_to(path)
                if p.is_file() and not any(part.startswith(".") for part in rel.parts):
                    found.add(p)
        else:
            found.add(path)
    return sorted(found)


def parse_document(
    path: Path, settings: Settings, progress: bool = False, doc_id: str | None = None
) -> ParsedDocument:
    """Read, repair, structure and chunk one file; raises IngestError for unusable input.

    `doc_id` names the document in its chunks (the index layer passes the path it is known by); by default
    the file name.
    """
    cfg = settings.chunking
    raw = read_document(Path(path), cfg.max_file_mb)
    doc_id = doc_id or raw.doc_id
    if raw.layout is None:
        lines = clean_lines(raw.text)
        headings = detect_headings(lines)
    else:
        lines, headings = raw.layout.lines, raw.layout.headings
    breaks = {h.first_line for h in headings} | {h.last_line + 1 for h in headings}
    joined = {i for h in headings for i in range(h.first_line, h.last_line)}
    repaired = assemble(unwrap(lines, breaks, joined))
    page_map = replace(repaired.page_map, printed=dict(raw.layout.printed)) if raw.layout else repaired.page_map
    paragraphs = repaired.paragraphs
    sections = section_paths([p.first_line for p in paragraphs], headings)
    body = [(p, s, off) for p, s, off in zip(paragraphs, sections, repaired.starts) if s is not None]
    texts = [p.text for p, _, _ in body]
    to_detect: Iterable[str] = texts
    if progress and len(texts) >= _PROGRESS_MIN_PARAGRAPHS:
        to_detect = tqdm(texts, desc=f"paragraphs of {doc_id}", unit="para", leave=False)
    scored = [detect_lang_scored(language_sample(t), tuple(cfg.languages)) for t in to_detect]
    declared = [lines[p.first_line].lang for p, _, _ in body]
    declared = [l if l in cfg.languages else "" for l in declared]
    langs = smooth_languages(
        texts, [s for _, s, _ in body], [l for l, _ in scored], [c for _, c in scored], declared
    )
    kinds = matter_kinds(texts, [s for _, s, _ in body], paged=raw.kind == "pdf")
    blocks = [Block(off, p.text, s, lang, kind) for (p, s, off), lang, kind in zip(body, langs, kinds)]
    chunks = chunk_blocks(doc_id, repaired.text, blocks, page_map, cfg.size, cfg.overlap)
    log.info("%s: %d paragraphs, %d headings, %d chunks", doc_id, len(paragraphs), len(headings), len(chunks))
    return ParsedDocument(
        doc_id=doc_id,
        path=raw.path,
        text=repaired.text,
        chunks=chunks,
        pages=max(page_map.pages, default=1),
        kind=raw.kind,
        sha256=raw.sha256,
        page_map=page_map,
        title=raw.layout.title if raw.layout else _text_title(raw.path, raw.text, lines, headings),
    )


def _text_title(path: Path, text: str, lines: list[Line], headings: list[Heading]) -> str:
    """A Markdown file's title: the level-1 heading ("# Title") it opens with. Plain text's: the title-like line
    it opens with, a paragraph of its own (not Markdown's "#", which plain text does not mark up with; nor in
    PDF-extraction layout, where blank lines mean nothing)."""
    if path.suffix.lower() == ".md":
        m = re.match(r"\s*#[ \t]+(.+?)[ \t#]*(?:\n|$)", text)
        return m.group(1).strip() if m else ""
    first = headings[0] if headings else None
    if (first is None or first.first_line != 0 or first.number is not None or not lines[0].hard_end
            or lines[0].text.startswith("#")):
        return ""
    return first.title
