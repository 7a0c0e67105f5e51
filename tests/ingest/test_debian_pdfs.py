"""Two PDFs nobody here wrote (Debian's libtasn1 manual and the shared-mime-info spec) against the passages a
helper placed by hand: benchmarks/data/pdf_sections.jsonl gives each quote's true section path, printed page
label and kind (front/body/back).

Section paths include the libtasn1 function names (level 3 in pdf_headings.json): they are headings in the
layout (bold, larger than the text), and a citation "4.3 DER functions > asn1_der_coding" is the useful one.
Titles are compared on letters and digits only: the PDF draws the underscores of "asn1_der_coding" as rules,
so its text reads "asn1 der coding", and the outline spells "Non-regular" as "Nonregular".
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import NameObject

from ingest.pipeline import ParsedDocument, parse_document
from kaynak.config import Settings

BENCHMARK_DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SECTION_ACCURACY = 0.9  # the floor; both PDFs measure 1.0 with and without their outline


def key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _keyed(text: str) -> tuple[str, list[int]]:
    """`text` reduced to `key` form, with the offset in `text` of each character kept."""
    kept = [(ch, i) for i, ch in enumerate(text.casefold()) if ch.isalnum()]
    return "".join(ch for ch, _ in kept), [i for _, i in kept]


def placed(doc: ParsedDocument, passage: dict) -> tuple[str, object] | None:
    """Where a hand-checked quote is in the parsed document: (printed page label there, chunk holding it).

    A quote found more than once (the magic and treemagic sections share a sentence) is taken where its page
    is the hand-checked one."""
    text, offsets = _keyed(doc.text)
    found = []
    for m in re.finditer(re.escape(key(passage["quote"])), text):
        at = offsets[m.start()]
        chunk = next((c for c in doc.chunks if c.start <= at < c.end), None)
        if chunk is not None:
            found.append((doc.page_map.label_at(at) or str(doc.page_map.page_at(at)), chunk))
    return next((f for f in found if f[0] == passage["page_label"]), found[0] if found else None)


def passages(name: str) -> list[dict]:
    rows = [json.loads(l) for l in (BENCHMARK_DATA / "pdf_sections.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["pdf"] == name]


def score(doc: ParsedDocument, name: str) -> dict[str, list[str]]:
    """For each measure, the quotes it gets wrong."""
    wrong: dict[str, list[str]] = {"missing": [], "section": [], "label": [], "kind": []}
    for p in passages(name):
        where = placed(doc, p)
        if where is None:
            wrong["missing"].append(p["quote"])
            continue
        label, chunk = where
        if [key(t) for t in chunk.section] != [key(t) for t in p["section"]]:
            wrong["section"].append(f"{p['quote'][:50]}: {chunk.section} != {p['section']}")
        if label != p["page_label"]:
            wrong["label"].append(f"{p['quote'][:50]}: {label} != {p['page_label']}")
        if chunk.kind != p["kind"]:
            wrong["kind"].append(f"{p['quote'][:50]}: {chunk.kind} != {p['kind']}")
    return wrong


@pytest.fixture(scope="module")
def parsed(debian_pdfs: dict[str, Path]) -> dict[str, ParsedDocument]:
    return {name: parse_document(path, Settings()) for name, path in debian_pdfs.items()}


@pytest.mark.parametrize("name", ["libtasn1.pdf", "shared-mime-info-spec.pdf"])
def test_hand_checked_passages(parsed: dict[str, ParsedDocument], name: str) -> None:
    wrong = score(parsed[name], name)
    n = len(passages(name))
    assert n >= 50
    assert len(wrong["missing"]) + len(wrong["section"]) <= (1 - SECTION_ACCURACY) * n, wrong
    assert not wrong["missing"] and not wrong["label"] and not wrong["kind"], wrong


@pytest.mark.parametrize("name", ["libtasn1.pdf", "shared-mime-info-spec.pdf"])
def test_without_the_outline_headings_come_from_the_layout(
    debian_pdfs: dict[str, Path], tmp_path: Path, name: str
) -> None:
    writer = PdfWriter(clone_from=debian_pdfs[name])
    del writer.root_object[NameObject("/Outlines")]
    bare = tmp_path / name
    writer.write(bare)
    wrong = score(parse_document(bare, Settings()), name)
    assert len(wrong["missing"]) + len(wrong["section"]) <= (1 - SECTION_ACCURACY) * len(passages(name)), wrong


def test_no_page_below_one_and_labels_as_printed(parsed: dict[str, ParsedDocument]) -> None:
    for doc in parsed.values():
        assert min(c.page_start for c in doc.chunks) >= 1
    labels = {c.page_text for c in parsed["libtasn1.pdf"].chunks}
    assert {"T-1", "T-2", "i", "1", "33"} <= labels


def test_every_section_is_a_heading_the_pdf_prints(parsed: dict[str, ParsedDocument]) -> None:
    """No section is a code line ("-- INCORRECT", "# update-mime-database command. DO NOT EDIT!") or running
    head: every title on every path is one of the headings pdf_headings.json lists for its PDF."""
    headings = json.loads((BENCHMARK_DATA / "pdf_headings.json").read_text(encoding="utf-8"))
    for name, doc in parsed.items():
        known = {key(h["title"]) for h in headings[name]}
        titles = {t for c in doc.chunks for t in c.section}
        assert titles and {t for t in titles if key(t) not in known} == set()


def test_front_and_back_matter(parsed: dict[str, ParsedDocument]) -> None:
    tasn = parsed["libtasn1.pdf"]
    kinds = {c.section[0] if c.section else "": c.kind for c in tasn.chunks}
    assert kinds[""] == "front" and kinds["Table of Contents"] == "front"
    assert kinds["Concept Index"] == "back" and kinds["Function and Data Index"] == "back"
    assert kinds["1 Introduction"] == "body" and kinds["Appendix A Copying Information"] == "body"
    mime = parsed["shared-mime-info-spec.pdf"]
    assert {c.kind for c in mime.chunks if c.section[:1] == ("References",)} == {"back"}
