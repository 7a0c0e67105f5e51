"""QA file loading: the dev set loads; bad lines are named with their line number; wrong formats are refused."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.qa import QAFormatError, QAItem, load_qa
from kaynak.config import BUNDLED_CORPUS, BUNDLED_DEV_QA
from kaynak.text import contains_quote

DEV = BUNDLED_DEV_QA
GOOD = {"id": "x1", "question": "Kaç?", "lang": "tr", "answer": "3", "evidence": ["bir alıntı metni burada"],
        "type": "numeric", "section": "1. Giriş", "evidence_lang": "tr"}


def write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "qa.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def line(**over) -> str:
    d = {**GOOD, **over}
    for k in [k for k, v in over.items() if v is ...]:
        del d[k]
    return json.dumps(d, ensure_ascii=False)


def test_dev_set_loads():
    items = load_qa(DEV)
    assert len(items) == 50 and all(isinstance(i, QAItem) for i in items)
    assert sum(not i.answerable for i in items) == 5
    assert {i.lang for i in items} == {"tr", "en", "ru", "ky"}


def test_an_unanswerable_item_may_leave_evidence_lang_empty(tmp_path):
    """Nothing is to be located for it: "" or null reads as the question's language."""
    none = {"answer": "Belgede yer almıyor.", "evidence": [], "type": "unanswerable", "section": ""}
    items = load_qa(write(tmp_path, [line(id="n1", evidence_lang="", **none), line(id="n2", evidence_lang=None, **none)]))
    assert [i.evidence_lang for i in items] == ["tr", "tr"]
    with pytest.raises(QAFormatError, match="unknown evidence_lang ''"):
        load_qa(write(tmp_path, [line(evidence_lang="")]))  # an answerable item must say where its evidence is


def test_each_bad_line_is_named(tmp_path):
    lines = [
        line(id="ok1"),  # 1
        "{not json",  # 2
        line(id="x2", question=...),  # 3 missing field
        line(id="x3", lang="de"),  # 4 unknown lang
        line(id="x4", type="trivia"),  # 5 unknown type
        line(id="x5", evidence="a quote"),  # 6 evidence not a list
        line(id="x6", evidence=["ok", 3]),  # 7 evidence not strings
        line(id="ok1"),  # 8 duplicate id
        line(id="x8", answer=42),  # 9 wrong type
        "",  # 10 blank: skipped
        "[1, 2]",  # 11 not an object
        line(id="x9", type="unanswerable"),  # 12 unanswerable with evidence
    ]
    with pytest.raises(QAFormatError) as ei:
        load_qa(write(tmp_path, lines))
    probs = dict(ei.value.problems)
    assert "not valid JSON" in probs[2]
    assert "missing field 'question'" in probs[3]
    assert "unknown lang 'de'" in probs[4]
    assert "unknown type 'trivia'" in probs[5]
    assert "'evidence' must be a list of strings" in probs[6] and "list of strings" in probs[7]
    assert "duplicate id 'ok1'" in probs[8] and "line 1" in probs[8]
    assert "'answer' must be a string" in probs[9]
    assert "expected a JSON object" in probs[11]
    assert "empty evidence" in probs[12]
    assert 1 not in probs and 10 not in probs
    msg = str(ei.value)
    assert "line 2:" in msg and "more" in msg  # first few listed, the rest counted


def test_a_few_bad_lines_are_all_listed(tmp_path):
    """A file that is mostly right lists every problem, so it can be fixed in one pass (a new user's trial)."""
    lines = [line(id=f"ok{i}") for i in range(14)] + [line(id=f"x{i}", lang="de") for i in range(6)]
    with pytest.raises(QAFormatError) as ei:
        load_qa(write(tmp_path, lines))
    msg = str(ei.value)
    assert "6 problem(s)" in msg and all(f"line {n}:" in msg for n in range(15, 21)) and "more" not in msg


def test_codes_are_read_in_any_case(tmp_path):
    items = load_qa(write(tmp_path, [line(lang="EN", evidence_lang=" Tr", type="Numeric")]))
    assert (items[0].lang, items[0].evidence_lang, items[0].type) == ("en", "tr", "numeric")


def test_one_bad_line_in_a_good_file(tmp_path):
    with pytest.raises(QAFormatError) as ei:
        load_qa(write(tmp_path, [line(id=f"i{n}") for n in range(9)] + [line(id="z", lang="fr")]))
    assert ei.value.problems == [(10, "unknown lang 'fr' (expected one of tr, ky, ru, en)")]
    assert "1 problem" in str(ei.value) and "line 10" in str(ei.value)


def test_csv_is_refused_with_one_message(tmp_path):
    p = tmp_path / "qa.csv"
    p.write_text("id,question,answer\nd1,Kaç?,3\nd2,Ne zaman?,1992\n", encoding="utf-8")
    with pytest.raises(QAFormatError) as ei:
        load_qa(p)
    msg = str(ei.value)
    assert msg.startswith(f"{p}: not a QA file in the dev-set format")
    assert "line 1: not valid JSON" in msg


def test_jsonl_of_another_shape_is_refused(tmp_path):
    p = write(tmp_path, [json.dumps({"id": f"q{n}", "text": "hello"}) for n in range(20)])
    with pytest.raises(QAFormatError) as ei:
        load_qa(p)
    msg = str(ei.value)
    assert "not a QA file in the dev-set format" in msg
    assert "missing field 'question'" in msg
    assert len(msg.splitlines()) <= 7  # one message with the first few problems


def test_empty_and_binary_files(tmp_path):
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(QAFormatError, match="empty"):
        load_qa(empty)
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(QAFormatError, match="UTF-8"):
        load_qa(binary)


@pytest.mark.parametrize("name", ["followups_qa.jsonl", "followups2_qa.jsonl"])
def test_the_follow_up_sets_quote_the_thesis_verbatim(name):
    """benchmarks/followups.py scores by these quotes: each must stand in the thesis as written."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    thesis = BUNDLED_CORPUS.read_text(encoding="utf-8")
    assert len(rows) == 40 and {r["kind"] for r in rows} == {"new_predicate", "new_value", "detail"}
    assert all(r["first"] and r["followup"] and r["evidence"] for r in rows)
    assert [q for r in rows for q in r["evidence"] if not contains_quote(thesis, q)] == []
