"""A user's own documents (benchmarks/data/userdocs: six short files in four languages and five formats, written
for a trial by someone who never saw the code): every evidence quote of userdocs_qa.jsonl lies whole inside one
chunk of its document, under a section of that document, in the document's language."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from ingest.pipeline import ParsedDocument, parse_document
from kaynak.config import Settings
from kaynak.text import contains_quote

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
QUESTIONS = [json.loads(line) for line in (DATA / "userdocs_qa.jsonl").read_text(encoding="utf-8").splitlines()]


@cache
def _parsed(name: str) -> ParsedDocument:
    return parse_document(DATA / "userdocs" / name, Settings())


@pytest.mark.parametrize("item", [q for q in QUESTIONS if q["evidence"]], ids=lambda q: q["id"])
def test_each_quote_is_whole_in_one_chunk_of_its_document(item: dict) -> None:
    doc = _parsed(item["doc"])
    for quote in item["evidence"]:
        holding = [c for c in doc.chunks if contains_quote(c.text, quote)]
        assert holding, quote
        assert all(c.lang == item["evidence_lang"] for c in holding)
        if item["section"]:
            assert any(item["section"] in c.section for c in holding), (item["section"], [c.section for c in holding])


def test_every_document_has_a_title_and_its_language() -> None:
    for path in sorted((DATA / "userdocs").iterdir()):
        doc = _parsed(path.name)
        assert doc.title, path.name
        assert len({c.lang for c in doc.chunks}) == 1, (path.name, {c.lang for c in doc.chunks})
