"""Fixtures for the evaluation tests: a few dev-set items and runs of the fake assistant (eval_fakes.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from eval_fakes import DEV, FakeAssistant, thesis_chunks

from evaluation.qa import QAItem, load_qa
from kaynak.types import Chunk


@pytest.fixture(scope="session")
def eval_items() -> list[QAItem]:
    items = load_qa(DEV)
    answerable = [i for i in items if i.answerable]
    by = lambda langs, n: [i for i in answerable if i.lang in langs][:n]  # noqa: E731
    return by(("tr",), 4) + by(("en",), 3) + by(("ru", "ky"), 3) + [i for i in items if not i.answerable][:2]


@pytest.fixture(scope="session")
def chunks() -> list[Chunk]:
    return thesis_chunks()


@pytest.fixture(scope="session")
def make_run(tmp_path_factory, eval_items, chunks) -> Callable[[str, dict[str, str]], Path]:
    """Run the evaluator on the fake assistant with a script; return the output directory (cached by name)."""
    from evaluation.runner import run_eval

    done: dict[str, Path] = {}

    def run(name: str, script: dict[str, str]) -> Path:
        if name not in done:
            out = tmp_path_factory.mktemp(name)
            ask = FakeAssistant(eval_items, chunks, script)
            run_eval(eval_items, ask, out, progress=False, label=name, meta={"mode": "fake", "script": script})
            done[name] = out
        return done[name]

    return run
