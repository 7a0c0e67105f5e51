"""What the web app says about the documents present: names, languages, example questions from the documents."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.overview import THESIS_EXAMPLES, example_questions, overview
from index.store import DocRecord
from ingest.pipeline import ParsedDocument, parse_document
from kaynak.config import BUNDLED_CORPUS, Settings
from kaynak.types import Chunk


def record(doc: ParsedDocument) -> DocRecord:
    return DocRecord(doc.doc_id, str(doc.path), doc.sha256, doc.kind, "2", len(doc.chunks), {}, "", doc.title)


@pytest.fixture(scope="module")
def thesis_parsed() -> ParsedDocument:
    return parse_document(BUNDLED_CORPUS, Settings())


@pytest.fixture(scope="module")
def libtasn1(debian_pdfs: dict[str, Path]) -> ParsedDocument:
    return parse_document(debian_pdfs["libtasn1.pdf"], Settings())


def test_thesis_examples_only_with_the_thesis(thesis_parsed: ParsedDocument, libtasn1: ParsedDocument) -> None:
    alone = overview([record(thesis_parsed)], thesis_parsed.chunks)
    assert alone.examples == THESIS_EXAMPLES
    assert alone.subtitle("en") == "1 document: thesis.txt — passages in Turkish, Kyrgyz, Russian, English."
    both = overview([record(libtasn1), record(thesis_parsed)], [*libtasn1.chunks, *thesis_parsed.chunks])
    assert both.examples[: len(THESIS_EXAMPLES)] == THESIS_EXAMPLES and len(both.examples) > len(THESIS_EXAMPLES)
    assert both.subtitle("tr").startswith("2 belge: Libtasn1, thesis.txt")


def test_examples_come_from_the_documents(libtasn1: ParsedDocument) -> None:
    view = overview([record(libtasn1)], libtasn1.chunks)
    assert view.names == ("Libtasn1",) and view.langs == (("en", len(libtasn1.chunks)),)
    assert view.examples and not set(view.examples) & set(THESIS_EXAMPLES)
    titles = {t for c in libtasn1.chunks if c.kind == "body" for t in c.section}
    for question in view.examples:
        topic = question.split("“")[1].split("”")[0]
        assert question.startswith("What is said about") and any(t.endswith(topic) for t in titles)


def test_no_example_asks_about_a_parts_name() -> None:
    """"Что говорится о «Введение»?" asks about a part, not a topic: it is not offered."""
    chunks = [Chunk(f"c{i}", "d.md", "text", (title,), 1, 1, "ru", 0, 4) for i, title in
              enumerate(["Введение", "Введение", "Введение", "Абрикосы Ак-Суу", "Выводы"])]
    assert [q for q in example_questions(chunks, 5) if "Введение" in q] == []
    assert any("Абрикосы Ак-Суу" in q for q in example_questions(chunks, 5))


def test_thesis_known_by_its_bytes(thesis_parsed: ParsedDocument) -> None:
    renamed = record(thesis_parsed)
    renamed.doc_id = "tez/metin.txt"
    assert hashlib.sha256(BUNDLED_CORPUS.read_bytes()).hexdigest() == renamed.sha256
    assert overview([renamed], []).examples == THESIS_EXAMPLES


def test_nothing_ingested() -> None:
    view = overview([], [])
    assert view.examples == () and "Nothing is ingested yet" in view.subtitle("en")
    assert "Henüz belge eklenmedi" in view.subtitle("tr")
    assert "Азырынча документ жок" in view.subtitle("ky") and "Документов пока нет" in view.subtitle("ru")


def test_only_answered_examples_are_offered(libtasn1: ParsedDocument) -> None:
    """With a judge of answers, a refused question is never an example: the next section is tried instead, up
    to TRIED per example shown."""
    from app.overview import MAX_EXAMPLES, TRIED

    every = example_questions(libtasn1.chunks, MAX_EXAMPLES * TRIED)
    asked: list[str] = []

    def answered(q: str) -> bool:
        asked.append(q)
        return every.index(q) % 2 == 1  # every other one refused
    view = overview([record(libtasn1)], libtasn1.chunks, answered=answered)
    assert view.examples == tuple(every[1::2][:MAX_EXAMPLES]) and asked == every[: len(asked)]
    assert overview([record(libtasn1)], libtasn1.chunks, answered=lambda q: False).examples == ()
