"""Document names: a document is the file at one place; its name is its path relative to what was ingested."""
from __future__ import annotations

from pathlib import Path

from index.doc_identity import StoredDoc, document_names, proposed_name


def test_proposed_names(tmp_path: Path) -> None:
    (tmp_path / "html" / "tr-TR").mkdir(parents=True)
    page = tmp_path / "html" / "tr-TR" / "foreword.html"
    page.write_text("x", encoding="utf-8")
    assert proposed_name(page, tmp_path / "html") == "tr-TR/foreword.html"
    assert proposed_name(page, page) == "foreword.html"


def test_same_names_in_one_ingest_both_grow() -> None:
    a, b = Path("/data/a/notes.txt"), Path("/data/b/notes.txt")
    assert document_names([(a, "notes.txt", "1"), (b, "notes.txt", "2")], {}) == {a: "a/notes.txt", b: "b/notes.txt"}


def test_a_stored_name_never_changes() -> None:
    stored = {"notes.txt": StoredDoc("notes.txt", "/data/a/notes.txt", "1")}
    a, b = Path("/data/a/notes.txt"), Path("/data/b/notes.txt")
    names = document_names([(a, "notes.txt", "changed"), (b, "notes.txt", "2")], stored)
    assert names == {a: "notes.txt", b: "b/notes.txt"}


def test_names_grow_until_unique() -> None:
    a, b = Path("/x/one/docs/notes.txt"), Path("/x/two/docs/notes.txt")
    assert document_names([(a, "notes.txt", "1"), (b, "notes.txt", "2")], {}) == {
        a: "one/docs/notes.txt", b: "two/docs/notes.txt"
    }


def test_a_moved_file_keeps_its_name(tmp_path: Path) -> None:
    gone = tmp_path / "old" / "notes.txt"  # never created: nothing is left at the old place
    stored = {"notes.txt": StoredDoc("notes.txt", str(gone), "abc")}
    new = tmp_path / "new" / "notes.txt"
    assert document_names([(new, "notes.txt", "abc")], stored) == {new: "notes.txt"}
    # the same bytes while the old file is still there: a second document
    gone.parent.mkdir()
    gone.write_text("x", encoding="utf-8")
    assert document_names([(new, "notes.txt", "abc")], stored) == {new: "new/notes.txt"}
