"""The bundled thesis parsed once for all ingest tests, and helpers that build small input files."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ParsedDocument, parse_document
from kaynak.config import BUNDLED_CORPUS, Settings


@pytest.fixture(scope="session")
def thesis() -> ParsedDocument:
    return parse_document(BUNDLED_CORPUS, Settings())


@pytest.fixture(scope="session")
def ttf_font() -> Path:
    """A TTF covering Turkish and Cyrillic: DejaVuSans ships inside matplotlib."""
    matplotlib = pytest.importorskip("matplotlib")
    font = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    if not font.is_file():
        pytest.skip("DejaVuSans.ttf not found")
    return font
