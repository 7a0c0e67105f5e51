"""The `kaynak` command as users and the scorer run it: JSON contracts, batch files, exit codes, messages."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KAYNAK = [sys.executable, "-m", "app.cli"]


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    e = {**os.environ, "KAYNAK_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **env}
    return subprocess.run(KAYNAK + args, capture_output=True, text=True, env=e, timeout=600)


def test_chunks_json(thesis_dir: Path) -> None:
    out = run(["chunks", "--json"], thesis_dir)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(l) for l in out.stdout.splitlines()]
    assert len(rows) > 500
    for r in rows:
        assert {"id", "text", "section", "page", "lang", "doc"} <= r.keys()
        assert r["section"] and r["page"] and r["lang"] in ("tr", "ky", "ru", "en")


def test_search_batch_keeps_order_and_fields(thesis_dir: Path, tmp_path: Path, dev_qa) -> None:
    qs = tmp_path / "q.jsonl"
    qs.write_text("".join(json.dumps({"id": q["id"], "question": q["question"], "extra": i}) + "\n"
                          for i, q in enumerate(dev_qa[:6])), encoding="utf-8")
    out = run(["search", "--batch", str(qs), "--json", "--k", "10"], thesis_dir)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(l) for l in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [q["id"] for q in dev_qa[:6]]
    assert [r["extra"] for r in rows] == list(range(6))
    for r in rows:
        assert 1 <= len(r["hits"]) <= 10
        assert {"id", "text", "section", "page", "lang", "score"} <= r["hits"][0].keys()


def test_ask_batch_contract(thesis_dir: Path, tmp_path: Path, dev_qa) -> None:
    picked = [q for q in dev_qa if q["evidence"]][:2] + [q for q in dev_qa if not q["evidence"]][:1]
    qs = tmp_path / "q.jsonl"
    qs.write_text("".join(json.dumps({"id": q["id"], "question": q["question"]}, ensure_ascii=False) + "\n"
                          for q in picked), encoding="utf-8")
    out = run(["ask", "--batch", str(qs), "--json"], thesis_dir)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(l) for l in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [q["id"] for q in picked]
    for r in rows:
        assert {"answer", "lang", "refused", "citations"} <= r.keys()
        for c in r["citations"]:
            assert {"n", "id", "section", "page", "lang", "quote", "text"} <= c.keys()
            assert c["quote"] in c["text"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", "   "], "empty"),
        (["search", "?"], "no letter or digit"),
        (["ask", "…?!"], "no letter or digit"),
        (["search", "Manas", "--k", "0"], "k must be at least 1"),
        (["search", "Manas", "--lang", "tr,xx"], "unknown language code(s) xx"),
        (["ask", ""], "give a question or --batch FILE"),
        (["lookup", "Manas", "--id", "thesis.txt#0001"], "not a text and --id CHUNK_ID together"),
        (["search", "Manas", "--batch", "/nonexistent/q.jsonl"], "not a query and --batch FILE together"),
        (["ask", "   "], "empty"),
        (["lookup", "Manas", "--to", "de"], "unknown language"),
        (["remove", "nope.txt"], "no such document"),
        (["chunks", "--doc", "nope.txt"], "no document named 'nope.txt'"),
        (["ask", "Manas nedir?", "--history", "/nonexistent/turns.jsonl"], "cannot read history file"),
        (["eval", "/nonexistent/qa.jsonl"], "cannot read QA file"),
        (["eval"], "give a QA file (JSONL in the dev-set format) or --compare RUN_A RUN_B"),
        (["eval", "/nonexistent/qa.jsonl", "--compare", "a", "b"], "not a QA file (JSONL in the dev-set format) and"),
    ],
)
def test_bad_input_is_one_clear_line(thesis_dir: Path, args: list[str], message: str) -> None:
    out = run(args, thesis_dir)
    assert out.returncode in (1, 2)
    assert message in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""  # nothing done, nothing else said (no "0 embedded" summary line)


def test_an_invalid_or_unknown_setting_is_one_clear_line(thesis_dir: Path) -> None:
    out = run(["docs"], thesis_dir, KAYNAK_ANSWER__PASSAGES="0")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith("kaynak: error: invalid setting answer.passages = '0'") and out.stdout == ""
    out = run(["docs"], thesis_dir, KAYNAK_RETREIVAL__MODE="dense")
    assert out.returncode == 0 and "KAYNAK_RETREIVAL__MODE names no setting" in out.stderr


def test_ingesting_an_empty_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty" / ".hidden").mkdir(parents=True)
    out = run(["ingest", str(tmp_path / "empty")], tmp_path / "data")
    assert out.returncode == 1 and "holds no files" in out.stderr and out.stdout == "", out.stderr


def test_a_bad_gate_file_stops_eval_before_it_runs(tmp_path: Path) -> None:
    """Missing, not JSON, or naming a metric eval does not report: one line each, before any model loads."""
    from kaynak.config import BUNDLED_DEV_QA

    bad_json, unknown = tmp_path / "bad.json", tmp_path / "unknown.json"
    bad_json.write_text("{recall@5: 0.9", encoding="utf-8")
    unknown.write_text('{"recall@5": 0.9, "recal@10": 0.9}', encoding="utf-8")
    for gate, message in [(tmp_path / "none.json", "cannot read gate file"), (bad_json, "is not JSON"),
                          (unknown, "no such metric recal@10")]:
        out = run(["eval", str(BUNDLED_DEV_QA), "--gate", str(gate), "--out", str(tmp_path / "run")], tmp_path / "data")
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
        assert not (tmp_path / "run").exists() and not (tmp_path / "data").exists()  # nothing ran


def test_bad_batch_file_names_the_line(thesis_dir: Path, tmp_path: Path) -> None:
    qs = tmp_path / "q.jsonl"
    qs.write_text('{"question": "Manas nedir?"}\nnot json\n{"q": 1}\n', encoding="utf-8")
    out = run(["search", "--batch", str(qs), "--json"], thesis_dir)
    assert out.returncode == 2
    assert "line 2" in out.stderr and "line 3" in out.stderr and out.stdout == ""


def test_language_codes_in_any_case_and_an_empty_history(thesis_dir: Path, tmp_path: Path) -> None:
    hits = run(["search", "Manas", "--lang", "TR,Ky", "--json"], thesis_dir)
    assert hits.returncode == 0 and {h["lang"] for h in json.loads(hits.stdout)["hits"]} <= {"tr", "ky"}
    history = tmp_path / "turns.jsonl"
    history.write_text("", encoding="utf-8")  # a conversation not started yet
    out = run(["ask", "Manas Üniversitesi nerededir?", "--history", str(history), "--json"], thesis_dir)
    assert out.returncode == 0 and json.loads(out.stdout)["query"] == "Manas Üniversitesi nerededir?"


def test_search_before_anything_is_ingested(tmp_path: Path) -> None:
    out = run(["search", "Manas"], tmp_path / "empty", KAYNAK_AUTO_INGEST="false")
    assert out.returncode == 2
    assert "nothing is ingested yet" in out.stderr and "kaynak ingest" in out.stderr


@pytest.mark.slow  # a real subprocess of its own: seconds, not milliseconds
def test_ingest_mixed_directory_reports_each_failure(tmp_path: Path, model_path: Path) -> None:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "good.txt").write_text("Manas Üniversitesi Bişkek'te 1995 yılında kurulmuştur. " * 5, encoding="utf-8")
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (d / "notes.xyz").write_text("hello", encoding="utf-8")
    data = tmp_path / "data"
    out = run(["ingest", "-q", str(d), str(tmp_path / "missing.txt")], data, KAYNAK_AUTO_INGEST="false")
    assert out.returncode == 1
    for name in ("empty.txt", "binary.txt", "notes.xyz", "missing.txt"):
        assert out.stderr.count(name) == 1  # each failure said once, not again by a log line
    assert "added good.txt" in out.stdout
    docs = run(["docs", "--json"], data, KAYNAK_AUTO_INGEST="false")
    assert [json.loads(l)["doc_id"] for l in docs.stdout.splitlines()] == ["good.txt"]


@pytest.mark.slow  # a real subprocess of its own: seconds, not milliseconds
def test_same_named_files_are_two_documents(tmp_path: Path, model_path: Path) -> None:
    for folder, text in (("a", "Manas Üniversitesi Bişkek'te 1995 yılında kurulmuştur. "),
                         ("b", "Yunus Emre Enstitüsü Türkçe kursları düzenlemektedir. ")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notes.txt").write_text(text * 5, encoding="utf-8")
    data = tmp_path / "data"
    env = {"KAYNAK_AUTO_INGEST": "false"}
    out = run(["ingest", "-q", str(tmp_path / "a" / "notes.txt"), str(tmp_path / "b" / "notes.txt")], data, **env)
    assert out.returncode == 0, out.stderr
    assert "added a/notes.txt" in out.stdout and "added b/notes.txt" in out.stdout
    docs = [json.loads(l) for l in run(["docs", "--json"], data, **env).stdout.splitlines()]
    assert [d["doc_id"] for d in docs] == ["a/notes.txt", "b/notes.txt"]
    assert [Path(d["path"]) for d in docs] == [(tmp_path / f / "notes.txt").resolve() for f in "ab"]
    chunks = [json.loads(l) for l in run(["chunks", "--json"], data, **env).stdout.splitlines()]
    assert {c["doc"] for c in chunks} == {"a/notes.txt", "b/notes.txt"}
    assert all(c["kind"] == "body" for c in chunks)
    removed = run(["remove", "b/notes.txt"], data, **env)
    assert removed.returncode == 0 and "removed b/notes.txt" in removed.stdout
    left = [json.loads(l)["doc_id"] for l in run(["docs", "--json"], data, **env).stdout.splitlines()]
    assert left == ["a/notes.txt"]


def test_docs_says_what_an_empty_folder_will_do(tmp_path: Path) -> None:
    """A data folder never ingested into gets the thesis on first use; one emptied by `remove` stays empty, and
    `kaynak docs` says which (a new user's trial found it promising the thesis after everything was removed)."""
    out = run(["docs"], tmp_path / "data")
    assert out.returncode == 0 and "the first `ask` or `search` ingests the bundled thesis" in out.stdout
    note = tmp_path / "not.txt"
    note.write_text("Kütüphane cumartesi günleri öğlene kadar açıktır ve pazar günleri kapalıdır.\n", encoding="utf-8")
    assert run(["ingest", "-q", str(note)], tmp_path / "data").returncode == 0
    assert run(["remove", "not.txt"], tmp_path / "data").returncode == 0
    out = run(["docs"], tmp_path / "data")
    assert out.returncode == 0 and "ingests the bundled thesis" not in out.stdout, out.stdout
    assert "`kaynak ingest` alone, the bundled thesis" in out.stdout
    search = run(["search", "kütüphane"], tmp_path / "data")
    assert search.returncode == 0 and search.stdout.strip() == "no passages found"
