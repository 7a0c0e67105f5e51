"""Which stored document a file is, and the name `kaynak docs` shows for it.

A document is the file at one place on disk: two files named notes.txt in different folders are two documents.
Its name is its path relative to what was ingested (the file name for a file named on the command line, the
path below the folder for a folder), made longer, folder by folder, only where it would clash with the name of
another document. A name once given never changes, so chunk ids (which include it) stay stable; a file that
was moved (same bytes, and nothing left at its old place) keeps its name.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoredDoc:
    """What identifies a stored document: its name, the resolved path it was read from, and its bytes' hash."""

    doc_id: str
    path: str
    sha256: str


def proposed_name(file: Path, argument: Path) -> str:
    """The name a file gets from how it was ingested: relative to the folder named, or its own name."""
    if argument.is_dir() and file.is_relative_to(argument):
        return file.relative_to(argument).as_posix()
    return file.name


def _suffix(path: Path, parts: int) -> str:
    return "/".join(path.parts[-parts:]) if parts < len(path.parts) else path.as_posix()


def document_names(
    files: Sequence[tuple[Path, str, str]], stored: Mapping[str, StoredDoc]
) -> dict[Path, str]:
    """Name for each (resolved path, proposed name, sha256): the stored name of the document at that path (or of
    the same bytes moved from a place where nothing is left); else the proposed name, lengthened by parent folders
    until no other document, stored or new, has it."""
    by_path = {d.path: d.doc_id for d in stored.values()}
    moved = {d.sha256: d.doc_id for d in stored.values() if not Path(d.path).exists()}
    names: dict[Path, str] = {}
    new: dict[Path, int] = {}  # path -> number of trailing parts its name uses
    for path, proposed, sha in files:
        if str(path) in by_path:
            names[path] = by_path[str(path)]
        elif sha in moved and moved[sha] not in names.values():
            names[path] = moved[sha]
        else:
            new[path] = len(Path(proposed).parts)
    kept = set(stored) | set(names.values())
    while True:
        current = {p: _suffix(p, n) for p, n in new.items()}
        counts = Counter(current.values())
        clashing = [p for p, name in current.items() if name in kept or counts[name] > 1]
        longer = [p for p in clashing if new[p] < len(p.parts)]
        if not longer:
            break
        for p in longer:
            new[p] += 1
    for p in new:
        names[p] = _suffix(p, new[p])
    return names
