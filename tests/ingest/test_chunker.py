"""Chunks of the real thesis: evidence stays whole, text is clean, offsets and pages are right."""
from __future__ import annotations

import re

from ingest.chunker import CHUNKER_VERSION, Block, chunk_blocks, clause_spans
from ingest.pipeline import ParsedDocument
from ingest.repair import PageMap
from kaynak.config import BUNDLED_CORPUS, Settings
from kaynak.text import contains_quote

SURVIVING_PAGE_NUMBERS = ("5", "13", "32", "38", "40", "77", "78", "81", "82", "90", "117", "121", "156", "161")


def test_evidence_quotes_lie_whole_inside_a_chunk(thesis: ParsedDocument, dev_qa: list[dict]) -> None:
    quotes = [q for item in dev_qa for q in item["evidence"]]
    held = sum(any(contains_quote(c.text, q) for c in thesis.chunks) for q in quotes)
    assert quotes and held / len(quotes) >= 0.98, f"{held}/{len(quotes)}"


def test_chunks_are_clean(thesis: ParsedDocument) -> None:
    for c in thesis.chunks:
        assert c.text and c.text == " ".join(c.text.split()), c.id  # single spaces, no line breaks
        assert c.section and c.lang and c.page_start >= 1 and c.page_end >= c.page_start
        assert "\n" not in c.text and not c.text.startswith(" ")


def test_no_stray_page_numbers(corpus_text: str, thesis: ParsedDocument) -> None:
    raw_lines = [l.strip() for l in corpus_text.split("\n")]
    nonblank = [l for l in raw_lines if l]
    for i, line in enumerate(nonblank):
        if line in SURVIVING_PAGE_NUMBERS:
            before, after = nonblank[i - 1].split()[-1], nonblank[i + 1].split()[0]
            pattern = re.compile(rf"{re.escape(before)} {line} {re.escape(after)}")
            assert not any(pattern.search(c.text) for c in thesis.chunks), line


def test_offsets_point_into_repaired_text(thesis: ParsedDocument) -> None:
    for c in thesis.chunks:
        assert " ".join(thesis.text[c.start : c.end].split()) == c.text


def test_chunk_size_and_boundaries(thesis: ParsedDocument) -> None:
    size = Settings().chunking.size
    assert max(len(c.text) for c in thesis.chunks) <= 3 * size
    # chunks never cross a section or language boundary: each chunk's span lies in one section's paragraphs
    spans = sorted((c.start, c.end, c.section, c.lang) for c in thesis.chunks)
    for (s1, e1, sec1, l1), (s2, e2, sec2, l2) in zip(spans, spans[1:]):
        if (sec1, l1) != (sec2, l2):
            assert e1 <= s2


def test_ids_are_unique_and_stable(thesis: ParsedDocument) -> None:
    from ingest.pipeline import parse_document

    again = parse_document(BUNDLED_CORPUS, Settings())
    assert [c.id for c in again.chunks] == [c.id for c in thesis.chunks]
    assert len({c.id for c in thesis.chunks}) == len(thesis.chunks)
    assert isinstance(CHUNKER_VERSION, str) and CHUNKER_VERSION


def test_overlap_repeats_sentences() -> None:
    text = " ".join(f"Cümle {i} burada biter ve biraz uzundur." for i in range(40))
    blocks = [Block(0, text, ("A",), "tr")]
    pm = PageMap([0], [1])
    no = chunk_blocks("d", text, blocks, pm, size=200, overlap=0)
    one = chunk_blocks("d", text, blocks, pm, size=200, overlap=1)
    assert all(a.end <= b.start for a, b in zip(no, no[1:]))
    assert all(b.start < a.end for a, b in zip(one, one[1:]))
    assert len(one) > len(no)


def test_long_sentence_split_at_clauses() -> None:
    sentence = ", ".join(f"madde {i} burada yer alır" for i in range(50)) + "."
    pieces = clause_spans(sentence, 0, len(sentence), 200)
    assert len(pieces) > 1 and all(b - a <= 200 for a, b in pieces)
    assert " ".join(sentence[a:b] for a, b in pieces) == sentence
    blocks = [Block(0, sentence, ("A",), "tr")]
    assert len(chunk_blocks("d", sentence, blocks, PageMap([0], [1]), size=500, overlap=0)) == 1  # < 3*size
    assert len(chunk_blocks("d", sentence, blocks, PageMap([0], [1]), size=200, overlap=0)) > 1
