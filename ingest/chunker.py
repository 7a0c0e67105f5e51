"""Pack sentences into citable chunks of about `size` characters.

A chunk never crosses a section, language or front/body/back boundary, so its section path, language label
and kind are true for all of it; it prefers to end where a paragraph ends, repeats the last `overlap` sentences of the chunk
before it (so a fact stated across a boundary is still whole in one chunk), and never cuts a sentence unless
the sentence alone is longer than three chunks (then at clause boundaries).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from kaynak.types import Chunk

from .repair import PageMap
from .sentences import split_sentences

# Bump when a change here changes chunk boundaries or text: the index layer re-embeds on a new version.
CHUNKER_VERSION = "3"  # 2: front/back matter kinds, printed page labels, structure read from PDF/HTML/DOCX; 3: plain
# text: numbered headings between blank lines in any case, the opening title line, blank-line layout read better

_CLAUSE = re.compile(r"[,;:]\s+|\s+[–—-]\s+")
# Close a chunk at a paragraph end once it holds this share of `size` and the next paragraph will not fit.
_PARAGRAPH_FILL = 0.5


@dataclass(frozen=True)
class Block:
    """A paragraph ready for chunking: its offset in the repaired text, section path, language, and whether it
    is body text or front or back matter (`ingest.matter`)."""

    start: int
    text: str
    section: tuple[str, ...]
    lang: str
    kind: str = "body"


@dataclass(frozen=True)
class _Piece:
    """A sentence (or clause of an over-long sentence) as absolute offsets, with its paragraph's number."""

    start: int
    end: int
    para: int


def clause_spans(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Cut text[start:end] into pieces of at most about `size` characters at clause boundaries (, ; : –),
    falling back to spaces; every piece starts and ends on a non-space character."""
    pieces: list[tuple[int, int]] = []
    cuts = [m.end() for m in _CLAUSE.finditer(text, start, end)]
    a = start
    while end - a > size:
        limit = a + size
        inside = [c for c in cuts if a < c <= limit]
        cut = inside[-1] if inside else (text.rfind(" ", a, limit) + 1 or limit)
        if cut <= a:
            cut = limit
        b = cut
        while b > a and text[b - 1].isspace():
            b -= 1
        pieces.append((a, b))
        a = cut
        while a < end and text[a].isspace():
            a += 1
    if a < end:
        pieces.append((a, end))
    return pieces


def _pieces(blocks: Sequence[Block], size: int) -> list[_Piece]:
    out: list[_Piece] = []
    for n, block in enumerate(blocks):
        for a, b in split_sentences(block.text, block.lang):
            if b - a > 3 * size:
                out.extend(_Piece(block.start + x, block.start + y, n) for x, y in clause_spans(block.text, a, b, size))
            else:
                out.append(_Piece(block.start + a, block.start + b, n))
    return out


def _pack(pieces: Sequence[_Piece], size: int, overlap: int) -> list[tuple[int, int]]:
    """Index ranges [i, j) of pieces that form each chunk."""
    ranges: list[tuple[int, int]] = []
    para_len: dict[int, int] = {}
    for p in pieces:
        para_len[p.para] = para_len.get(p.para, 0) + (p.end - p.start) + 1
    i = 0
    while i < len(pieces):
        j = i + 1
        length = pieces[i].end - pieces[i].start
        while j < len(pieces):
            nxt = pieces[j]
            add = nxt.end - nxt.start + 1
            if length + add > size:
                break
            new_paragraph = nxt.para != pieces[j - 1].para
            if new_paragraph and length >= _PARAGRAPH_FILL * size and length + para_len[nxt.para] > size:
                break
            length += add
            j += 1
        ranges.append((i, j))
        if j >= len(pieces):
            break
        i = max(j - overlap, i + 1)
    return ranges


def chunk_blocks(
    doc_id: str, text: str, blocks: Iterable[Block], page_map: PageMap, size: int, overlap: int
) -> list[Chunk]:
    """Chunks of `blocks` (paragraphs of the repaired `text`), grouped by consecutive section, language and kind."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for (section, lang, kind), group in groupby(blocks, key=lambda b: (b.section, b.lang, b.kind)):
        pieces = _pieces(list(group), size)
        for i, j in _pack(pieces, size, overlap):
            start, end = pieces[i].start, pieces[j - 1].end
            body = " ".join(text[start:end].split())
            cid = Chunk.make_id(doc_id, body, section)
            if cid in seen:  # the same words twice in one section: the offset tells them apart
                cid = Chunk.make_id(doc_id, f"{body}\x1f{start}", section)
            seen.add(cid)
            chunks.append(
                Chunk(
                    id=cid,
                    doc_id=doc_id,
                    text=body,
                    section=section,
                    page_start=page_map.page_at(start),
                    page_end=page_map.page_at(end - 1),
                    lang=lang,
                    start=start,
                    end=end,
                    kind=kind,
                    page_label=page_map.label_at(start),
                )
            )
    return chunks
