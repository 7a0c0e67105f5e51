"""File -> repaired text -> sections and languages -> chunks. Nothing here is stored; the index layer stores.

The order matters: headings are found on cleaned lines before unwrapping, because a heading is a line and
it must end the paragraph before it even without a full stop ("... Türk Dış" / "Politikasındaki Yeri").
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from kaynak.config import Settings
from kaynak.lang import detect_lang
from kaynak.types import Chunk

from .chunker import Block, chunk_blocks
from .readers import read_document
from .repair import PageMap, assemble, clean_lines, unwrap
from .structure import detect_headings, section_paths, smooth_languages

log = logging.getLogger(__name__)

_PROGRESS_MIN_PARAGRAPHS = 200  # below this a progress bar only flickers
# Language id reads this many characters of a paragraph: a few sentences decide it, and langid's cost grows
# with length (the whole thesis through it takes seconds, these samples a fraction of one).
LANG_SAMPLE_CHARS = 400


@dataclass(frozen=True)
class ParsedDocument:
    """A document ready for indexing: repaired text, its chunks, page count and source fingerprint."""

    doc_id: str
    path: Path
    text: str
    chunks: list[Chunk]
    pages: int
    kind: str
    sha256: str
    page_map: PageMap


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


def parse_document(path: Path, settings: Settings, progress: bool = False) -> ParsedDocument:
    """Read, repair, structure and chunk one file; raises IngestError for unusable input."""
    cfg = settings.chunking
    raw = read_document(Path(path), cfg.max_file_mb)
    lines = clean_lines(raw.text, raw.page_breaks)
    headings = detect_headings(lines)
    breaks = {h.first_line for h in headings} | {h.last_line + 1 for h in headings}
    joined = {i for h in headings for i in range(h.first_line, h.last_line)}
    repaired = assemble(unwrap(lines, breaks, joined))
    paragraphs = repaired.paragraphs
    sections = section_paths([p.first_line for p in paragraphs], headings)
    body = [(p, s, off) for p, s, off in zip(paragraphs, sections, repaired.starts) if s is not None]
    texts = [p.text for p, _, _ in body]
    to_detect: Iterable[str] = texts
    if progress and len(texts) >= _PROGRESS_MIN_PARAGRAPHS:
        to_detect = tqdm(texts, desc=f"paragraphs of {raw.doc_id}", unit="para", leave=False)
    detected = [detect_lang(t[:LANG_SAMPLE_CHARS], tuple(cfg.languages)) for t in to_detect]
    langs = smooth_languages(texts, [s for _, s, _ in body], detected)
    blocks = [Block(off, p.text, s, lang) for (p, s, off), lang in zip(body, langs)]
    chunks = chunk_blocks(raw.doc_id, repaired.text, blocks, repaired.page_map, cfg.size, cfg.overlap)
    log.info("%s: %d paragraphs, %d headings, %d chunks", raw.doc_id, len(paragraphs), len(headings), len(chunks))
    return ParsedDocument(
        doc_id=raw.doc_id,
        path=raw.path,
        text=repaired.text,
        chunks=chunks,
        pages=max(repaired.page_map.pages, default=1),
        kind=raw.kind,
        sha256=raw.sha256,
        page_map=repaired.page_map,
    )
