"""Users' own documents (benchmarks/data/userdocs: six short files in four languages and five formats;
userdocs2: four more, in four languages and four formats; each set written for a trial by someone who never saw
the code): every evidence quote of their QA files lies whole inside one chunk of its document, under a section of
that document, in the document's language."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from ingest.pipeline import ParsedDocument, parse_document
from kaynak.config import Settings
from kaynak.text import contains_quote

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SETS = ("userdocs", "userdocs2")
QUESTIONS = [(folder, json.loads(line)) for folder in SETS
             for line in (DATA / f"{folder}_qa.jsonl").read_text(encoding="utf-8").splitlines()]


@cache
def _parsed(folder: str, name: str) -> ParsedDocument:
    return parse_document(DATA / folder / name, Settings())


@pytest.mark.parametrize(("folder", "item"), [(f, q) for f, q in QUESTIONS if q["evidence"]],
                         ids=lambda x: x if isinstance(x, str) else x["id"])
def test_each_quote_is_whole_in_one_chunk_of_its_document(folder: str, item: dict) -> None:
    doc = _parsed(folder, item["doc"])
    for quote in item["evidence"]:
        holding = [c for c in doc.chunks if contains_quote(c.text, quote)]
        assert holding, quote
        assert all(c.lang == item["evidence_lang"] for c in holding)
        if item["section"]:
            assert any(item["section"] in c.section for c in holding), (item["section"], [c.section for c in holding])


@pytest.mark.parametrize("folder", SETS)
def test_every_document_has_a_title_and_its_language(folder: str) -> None:
    for path in sorted((DATA / folder).iterdir()):
        doc = _parsed(folder, path.name)
        assert doc.title, path.name
        assert len({c.lang for c in doc.chunks}) == 1, (path.name, {c.lang for c in doc.chunks})
