"""Searching and answering over a document nobody here wrote: Debian's libtasn1 manual (PDF), with its title
page, table of contents and two indexes. The issue's trial questions were answered from the contents and the
index ("What header file ...?" by an index line of dots); they must meet the body first."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import Engine
from index.retriever import QueryError
from kaynak.config import Settings

pytestmark = pytest.mark.slow  # embeds the manual's 134 passages once (about a minute on two cores)

TRIAL_QUESTIONS = {
    "Does libtasn1 support the REAL type?": "doesn’t handle the REAL type",
    "What licence is libtasn1 under?": "GNU Lesser General Public License",
    "What header file does a program include to use libtasn1?": "The header file of this library is libtasn1.h",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, debian_pdfs: dict[str, Path], model_path: Path) -> Engine:
    eng = Engine(Settings(data_dir=tmp_path_factory.mktemp("libtasn1"), auto_ingest=False))
    report = eng.ingest([debian_pdfs["libtasn1.pdf"]])
    assert report.ok and report.added == ["libtasn1.pdf"]
    return eng


@pytest.mark.parametrize("question", TRIAL_QUESTIONS)
def test_trial_questions_meet_the_body_first(engine: Engine, question: str) -> None:
    hits = engine.search(question, k=30)
    assert [h.chunk.kind for h in hits[:10]] == ["body"] * 10
    kinds = [h.chunk.kind for h in hits]
    assert kinds == sorted(kinds, key=lambda k: k != "body")  # front and back matter only after every body hit
    evidence = [r for r, h in enumerate(hits, 1) if TRIAL_QUESTIONS[question] in h.chunk.text]
    assert evidence and evidence[0] <= 15, evidence


def test_header_file_question_finds_its_passage_first(engine: Engine) -> None:
    top = engine.search("What header file does a program include to use libtasn1?", k=5)[0].chunk
    assert "libtasn1.h" in top.text and top.section[-1] == "2.4 Library Notes" and top.page_text == "4"


def test_answers_cite_only_the_body(engine: Engine) -> None:
    for question in TRIAL_QUESTIONS:
        answer = engine.ask(question)
        assert all(c.chunk.kind == "body" for c in answer.citations), question
        assert all(h.chunk.kind == "body" for h in answer.hits), question


def test_contents_and_index_when_asked_for(engine: Engine) -> None:
    back = engine.search("asn1_write_value", k=5, kinds=["back"])
    assert back and all(h.chunk.kind == "back" for h in back)
    assert back[0].chunk.section == ("Function and Data Index",) and "asn1_write_value" in back[0].chunk.text
    front = engine.search("Invoking asn1Coding", k=3, kinds=["front"])
    assert front and front[0].chunk.section == ("Table of Contents",) and front[0].chunk.page_text == "i"
    with pytest.raises(QueryError, match="unknown kind"):
        engine.search("asn1", kinds=["appendix"])


def test_the_web_app_describes_it(engine: Engine) -> None:
    view = engine.overview()
    assert view.names == ("Libtasn1",) and "Libtasn1" in view.subtitle("en")
    assert view.examples and all("Kırgızistan" not in q and "Karabakh" not in q for q in view.examples)
    assert all(not engine.ask(q).refused for q in view.examples)  # an example the page offers is answered
    assert engine.overview() is view  # asked once per index generation, not on every page load
