"""Turn a file on disk into text: plain text in whatever encoding it came in, or, for the formats that say how
they are structured (PDF, HTML, Word), the lines and headings their own readers find.

Everything that can go wrong with an input file is raised as one `IngestError` whose message names the file and
the reason, so the CLI can report it in one line and go on with the next file.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from lxml import etree

from .docx_reader import read_docx
from .errors import IngestError
from .html_reader import declared_charset, read_html
from .layout import Layout
from .pdf_structure import read_pdf

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
PDF_SUFFIXES = (".pdf",)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
DOCX_SUFFIXES = (".docx",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + PDF_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES

# Legacy single-byte encodings a Turkish, Kyrgyz or Russian file may come in, most likely first: ties go to
# the earlier one (cp1254 and ISO-8859-9 differ only in 0x80-0x9F, where cp1254 has the typographic quotes).
_LEGACY = ("cp1254", "iso-8859-9", "cp1251", "koi8-r", "cp1252")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))

_TR_LETTERS = set("çğıöşüÇĞİÖŞÜâîûÂÎÛ")
_WORD = re.compile(r"[^\W\d_]+")
_CASE_FLIP = re.compile(r"[^\W\d_]*[a-zа-яё][A-ZА-ЯЁ]")  # "пРИВЕТ": KOI8-R bytes read as cp1251 and vice versa
_MIN_PLAUSIBLE = 0.5


__all__ = ["IngestError", "RawDocument", "SUPPORTED_SUFFIXES", "check_file", "decode_text", "read_document"]


@dataclass(frozen=True)
class RawDocument:
    """One file as read, before repair.

    Plain text comes as `text` alone, to be repaired and structured by the pipeline; a PDF, HTML page or Word
    document comes with its `layout` (lines, headings, printed pages), and `text` is those lines joined.
    """

    doc_id: str
    path: Path
    text: str
    kind: str  # "text", "pdf", "html" or "docx"
    encoding: str = "utf-8"
    sha256: str = ""  # of the source bytes: the index layer re-ingests a file only when this changes
    layout: Layout | None = None


def check_file(path: Path, max_mb: float) -> None:
    """Raise IngestError unless `path` is an existing file of a supported type within the size limit.

    Runs before any byte is read, so a huge or unsupported file is refused without being loaded.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError(path, "file not found") from None
    except OSError as e:
        raise IngestError(path, f"cannot read file: {e.strerror or e}") from None
    if path.is_dir():
        raise IngestError(path, "is a directory, not a file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            path, f"unsupported file type {suffix or '(none)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if size > max_mb * 1024 * 1024:
        raise IngestError(
            path, f"file is {size / 1024 / 1024:.1f} MB, larger than the limit of {max_mb:g} MB (chunking.max_file_mb)"
        )


def read_document(path: Path, max_mb: float) -> RawDocument:
    """Read one .txt/.md/.pdf/.html/.docx file; raise IngestError for anything unusable."""
    path = Path(path)
    check_file(path, max_mb)
    try:
        data = path.read_bytes()
    except PermissionError:
        raise IngestError(path, "permission denied") from None
    except OSError as e:
        raise IngestError(path, f"cannot read file: {e.strerror or e}") from None
    if not data.strip():
        raise IngestError(path, "file is empty" if not data else "file holds only whitespace")
    sha = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return _structured(path, "pdf", read_pdf(path, data), sha)
    if suffix in DOCX_SUFFIXES:
        return _structured(path, "docx", read_docx(path, data), sha)
    if suffix in HTML_SUFFIXES:
        return _structured(path, "html", _read_html(path, data), sha)
    text, encoding = decode_text(path, data)
    if not text.strip():
        raise IngestError(path, "file holds only whitespace")
    log.debug("%s: decoded as %s", path, encoding)
    return RawDocument(path.name, path, text, "text", encoding=encoding, sha256=sha)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): a BOM wins, then strict UTF-8, then the most plausible legacy encoding.

    charset-normalizer alone mis-guesses short Turkish files (cp1254 read as cp1250 or Latin-1), so the legacy
    candidates are scored by how much the decoded text looks like Turkish/Kyrgyz/Russian/English letters;
    charset-normalizer is the fallback for anything none of them explains.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                raise IngestError(path, f"starts with a {enc} byte-order mark but is not valid {enc}") from None
    if b"\x00" in data[:8192]:
        raise IngestError(path, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    scored = []
    for enc in _LEGACY:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        scored.append((plausibility(text), -_LEGACY.index(enc), enc, text))
    if scored:
        score, _, enc, text = max(scored)
        if score >= _MIN_PLAUSIBLE:
            return text, enc
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(path, "binary or undecodable file: no text encoding fits its bytes")
    return str(best), best.encoding


def plausibility(text: str) -> float:
    """Share of letters that belong to the project's alphabets, less penalties for decoding garbage.

    Wrong legacy decodings show up as letters outside Turkish/Cyrillic/ASCII ("Ð", "þ"), words mixing Latin
    and Cyrillic, case flips inside a word, and C1 control characters.
    """
    letters = good = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if ch.isascii() or ch in _TR_LETTERS or "\u0400" <= ch <= "\u04ff":
                good += 1
    if not letters:
        return 0.0
    controls = sum(1 for ch in text if "\x80" <= ch <= "\x9f")
    words = _WORD.findall(text)
    mixed = sum(
        1 for w in words if any(c.isascii() for c in w) and any("\u0400" <= c <= "\u04ff" for c in w)
    )
    flips = sum(1 for w in words if _CASE_FLIP.match(w))
    bad = (letters - good) + 3 * controls + 3 * mixed + 2 * flips
    return (letters - bad) / letters


def _read_html(path: Path, data: bytes) -> Layout:
    """An HTML page in the encoding it declares (else as plain text is decoded); IngestError if it is not HTML."""
    charset = declared_charset(data)
    if charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise IngestError(path, f"declares the encoding {charset!r} but is not valid {charset}") from None
    else:
        text, _ = decode_text(path, data)
    try:
        return read_html(path, text)
    except (etree.ParserError, ValueError) as e:
        raise IngestError(path, f"malformed HTML: {e}") from None


def _structured(path: Path, kind: str, layout: Layout, sha: str) -> RawDocument:
    if not any(line.text.strip() for line in layout.lines):
        raise IngestError(path, f"no text in this {kind.upper()} file")
    text = "\n".join(line.text for line in layout.lines)
    return RawDocument(path.name, path, text, kind, encoding="", sha256=sha, layout=layout)
