"""Files uploaded in the Documents tab: checked (name, type, size, content) before anything is stored or indexed.

Every message is built with the page's ``_`` so the asker reads it in the interface language; file names and
the library's own failure reasons are quoted as they are.
"""
from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import filetype
from pathvalidate import sanitize_filename

from ui.i18n import Gettext
from ui.render import esc

log = logging.getLogger(__name__)

ALLOWED_EXT = (".txt", ".md", ".pdf", ".html", ".htm", ".docx")
# One ingest at a time: the store commits generations one after another.
INGEST_LOCK = threading.Lock()


def safe_filename(name: str) -> str:
    """The base name, made valid on every platform by pathvalidate, without a leading dot (no hidden files):
    "../../x.txt" -> "x.txt"; "" when nothing is left."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    return sanitize_filename(base, replacement_text="_", max_len=120).lstrip(". ")


def sniff_problem(path: Path, ext: str, _: Gettext) -> str | None:
    """Why the content does not match the extension, or None. The kind of a binary file is filetype's guess
    from its first bytes; text is told from binary by NUL and control bytes, which filetype does not judge."""
    with open(path, "rb") as f:
        head = f.read(8192)
    kind = filetype.guess(head)
    if ext == ".pdf":
        return None if kind and kind.extension == "pdf" else _("the file is named .pdf but is not a PDF")
    if ext == ".docx":  # a Word file is a zip archive; filetype names it docx or zip
        return None if kind and kind.extension in ("docx", "zip") else _("the file is named .docx but is not a Word document")
    if not head.strip():
        return _("the file is empty")
    if kind:
        return _("the file is named {ext} but holds {kind} data, not text").format(
            ext=ext, kind=kind.extension.upper())
    binary = _("the file is named {ext} but its content is binary, not text").format(ext=ext)
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return binary
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return binary if ctrl > max(8, len(head) // 50) else None


def _checked_copy(data: dict[str, Any], cache_root: Path, uploads_dir: Path, max_mb: float,
                  _: Gettext) -> tuple[Path, str] | str:
    """Copy one upload into ``uploads_dir`` -> (stored path, note on renaming), or why it was refused."""
    src = Path(str(data.get("path") or ""))
    orig = str(data.get("orig_name") or src.name)
    if not src.is_file() or not src.resolve().is_relative_to(cache_root.resolve()):
        return _("{name}: not an uploaded file").format(name=repr(orig))
    name = safe_filename(orig)
    ext = Path(name).suffix.lower()
    if not name or not Path(name).stem:
        return _("{name}: the file name has no usable characters").format(name=repr(orig))
    if ext not in ALLOWED_EXT:
        return _("{name}: unsupported type {ext}; upload {types}").format(
            name=repr(orig), ext=ext or _("(none)"), types=", ".join(ALLOWED_EXT))
    size = src.stat().st_size
    if size > max_mb * 1024 * 1024:
        return _("{name}: {size:.1f} MB is over the {limit:g} MB upload limit").format(
            name=repr(orig), size=size / 1e6, limit=max_mb)
    problem = sniff_problem(src, ext, _)
    if problem:
        return _("{name}: {problem}; nothing was stored").format(name=repr(orig), problem=problem)
    dest = uploads_dir / name
    shutil.copyfile(src, dest)
    note = _("file name made safe: {old} → {new}").format(old=repr(orig), new=repr(name)) if name != orig else ""
    return dest, note


def ingest_uploads(engine: Any, files: list[Any], cache_root: Path, uploads_dir: Path, max_mb: float,
                   _: Gettext, progress: Callable[..., Any]) -> str:
    """Check, store and index the uploaded files; the status notice as HTML (what was indexed, what failed)."""
    ok, bad, accepted = [], [], []
    uploads_dir.mkdir(parents=True, exist_ok=True)
    for f in files:
        data = f if isinstance(f, dict) else {"path": getattr(f, "path", f), "orig_name": None}
        result = _checked_copy(data, cache_root, uploads_dir, max_mb, _)
        if isinstance(result, str):
            bad.append(result)
        else:
            accepted.append((*result, str(data.get("orig_name") or result[0].name)))
    if accepted:
        progress(0, desc=_("indexing"))
        with INGEST_LOCK:
            try:
                report = engine.ingest([d for d, _n, _o in accepted], progress=True)
            except Exception as e:  # noqa: BLE001 - the store keeps its last committed generation
                log.exception("ingest failed")
                bad.append(f"{type(e).__name__}: {e}")
                report = None
        if report is not None:
            failed = {str(p): r for p, r in getattr(report, "failed", [])}
            # the name each stored file is known by: two files of one name are two documents (a path tells them apart)
            known = {d.path: d.doc_id for d in engine.documents()}
            for dest, note, orig in accepted:
                reason = failed.get(str(dest)) or failed.get(dest.name)
                if reason:
                    bad.append(f"{orig!r}: {reason}")
                else:
                    stored = known.get(str(dest.resolve()), dest.name)
                    done = _("{name} → {stored}: indexed").format(name=repr(orig), stored=stored)
                    ok.append(f"{done} ({note})" if note else done)
            if failed and not any(failed.get(str(d)) or failed.get(d.name) for d, _n, _o in accepted):
                bad.extend(f"{Path(p).name}: {r}" for p, r in failed.items())
    parts = []
    if ok:
        parts.append('<div class="k-ok">' + "<br>".join(esc(x) for x in ok) + "</div>")
    if bad:
        failed = esc(_("Failed"))
        parts.append(f'<div class="k-error"><b>{failed}:</b><br>' + "<br>".join(esc(x) for x in bad) + "</div>")
    return "".join(parts)
