"""A conversation over a user's own documents (benchmarks/data/userdocs2, a new user's four files), ingested for
real: an unrelated question after an answered one keeps its own reading when neither reading answers it."""
from __future__ import annotations

from pathlib import Path

import pytest

from kaynak.config import Settings

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "userdocs2"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, model_path: Path):
    from app.engine import Engine

    eng = Engine(Settings(data_dir=tmp_path_factory.mktemp("userdocs2") / "data"))
    report = eng.ingest([DOCS])
    assert not report.failed and report.chunks > 20, report.failed
    return eng


def test_a_refused_new_question_names_its_own_words_not_the_previous_ones(engine) -> None:
    """Trial 13: "Who approved the travel policy?" after a question on batteries was read merged with it,
    refused all the same, and the refusal named "batteries"."""
    first = engine.ask("Where are batteries accepted?")
    assert not first.refused and "Батарейки" in first.text
    question = "Who approved the travel policy?"
    alone = engine.ask(question)
    after = engine.ask(question, history=[(first.query, first.text)])
    assert after.query == question and after.refused == alone.refused
    assert "batteries" not in (after.reason or "") and after.text == alone.text
