"""read_document: encodings, PDFs and every kind of unusable input, each failing with file and reason."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.readers import SUPPORTED_SUFFIXES, IngestError, decode_text, read_document

TR = "Türkiye ile Kırgızistan arasında işbirliği güçlendi. Çağdaş öğrenciler şöyle düşünüyor."
RU = "Сотрудничество Турции с тюркским миром в области безопасности укрепилось."


def _raises(path: Path, *words: str, max_mb: float = 10) -> IngestError:
    with pytest.raises(IngestError) as err:
        read_document(path, max_mb)
    msg = str(err.value)
    assert str(path) in msg
    for w in words:
        assert w in msg.lower(), msg
    return err.value


def test_utf8_text(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(TR, encoding="utf-8")
    doc = read_document(p, 10)
    assert (doc.text, doc.kind, doc.doc_id, doc.layout) == (TR, "text", "a.txt", None)
    assert len(doc.sha256) == 64


@pytest.mark.parametrize("text,encoding", [(TR, "cp1254"), (TR, "iso-8859-9"), (RU, "cp1251"), ("Çok güzel.", "cp1254")])
def test_legacy_encodings(tmp_path: Path, text: str, encoding: str) -> None:
    p = tmp_path / "legacy.md"
    p.write_bytes(text.encode(encoding))
    assert read_document(p, 10).text == text


def test_short_cp1254_is_not_misread() -> None:
    # charset-normalizer alone tends to call this cp1250/latin-1 ("þ", "ý"); the plausibility score does not.
    text, enc = decode_text(Path("x.txt"), "Işık, şeker, ığdır, çiğ.".encode("cp1254"))
    assert text == "Işık, şeker, ığdır, çiğ." and enc in ("cp1254", "iso-8859-9")


def test_missing_file(tmp_path: Path) -> None:
    _raises(tmp_path / "nope.txt", "not found")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    _raises(tmp_path, "directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of permissions")
def test_unreadable(tmp_path: Path) -> None:
    p = tmp_path / "secret.txt"
    p.write_text(TR, encoding="utf-8")
    p.chmod(0)
    _raises(p, "permission")


def test_permission_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "secret.txt"
    p.write_text(TR, encoding="utf-8")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    _raises(p, "permission")


@pytest.mark.parametrize("content,word", [(b"", "empty"), (b"  \n\t\n ", "whitespace")])
def test_empty_and_blank(tmp_path: Path, content: bytes, word: str) -> None:
    p = tmp_path / "e.txt"
    p.write_bytes(content)
    _raises(p, word)


def test_binary(tmp_path: Path) -> None:
    p = tmp_path / "b.txt"
    p.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    _raises(p, "binary")


def test_unknown_extension_lists_supported(tmp_path: Path) -> None:
    p = tmp_path / "doc.odt"
    p.write_text(TR, encoding="utf-8")
    err = _raises(p, "unsupported", ".odt")
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in str(err)


def test_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.txt"
    with p.open("wb") as f:
        f.truncate(201 * 1024 * 1024)  # sparse: no 200 MB written

    def never(self: Path) -> bytes:
        raise AssertionError("read a file that is over the limit")

    monkeypatch.setattr(Path, "read_bytes", never)
    _raises(p, "larger than", "200", max_mb=200)


def _pdf(path: Path, font: Path, pages: list[str], **encryption: str) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=12)
    if encryption:
        pdf.set_encryption(**encryption)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_pages(tmp_path: Path, ttf_font: Path) -> None:
    doc = read_document(_pdf(tmp_path / "two.pdf", ttf_font, [TR, RU]), 10)
    assert doc.kind == "pdf" and doc.layout is not None
    by_page = {p: " ".join(l.text for l in doc.layout.lines if l.page == p) for p in (1, 2)}
    assert "Kırgızistan" in by_page[1] and "тюркским" in by_page[2]
    assert doc.layout.printed == {1: (1, ""), 2: (2, "")}


def test_encrypted_pdf(tmp_path: Path, ttf_font: Path) -> None:
    p = _pdf(tmp_path / "locked.pdf", ttf_font, [TR], owner_password="o", user_password="secret")
    _raises(p, "encrypted")


def test_malformed_pdf(tmp_path: Path) -> None:
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage\n%%EOF")
    _raises(p, "malformed pdf")
