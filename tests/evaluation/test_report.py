"""run_eval end to end on a fake assistant built from real thesis passages: files, values, reports."""
from __future__ import annotations

import json
import re

import pytest
from eval_fakes import read_jsonl

from evaluation.runner import read_results, read_summary

SCRIPT_A = {
    "d001": "good@1", "d002": "good@3", "d003": "miss", "d004": "wrong_cite",
    "d023": "good@1", "d024": "good@2", "d025": "error",
    "d043": "good@1", "d044": "good@6", "d045": "good@1",
    "d021": "refuse", "d022": "answer",
}


@pytest.fixture(scope="module")
def run_a(make_run):
    return make_run("run_a", SCRIPT_A)


def test_every_output_file_exists_and_parses(run_a):
    for name in ("results.jsonl", "summary.json", "report.md", "report.html"):
        assert (run_a / name).is_file() and (run_a / name).stat().st_size > 0, name
    rows = read_jsonl(run_a / "results.jsonl")
    assert [r["id"] for r in rows] == list(SCRIPT_A)
    for r in rows:
        for key in ("id", "question", "lang", "type", "retrieved", "first_hit", "answer", "refused", "citations",
                    "verdicts", "latency"):
            assert key in r, key
    summary = json.loads((run_a / "summary.json").read_text(encoding="utf-8"))
    assert summary["meta"]["label"] == "run_a" and summary["meta"]["mode"] == "fake"
    assert set(summary["groups"]) == {"lang", "pair", "type"}
    assert "en->tr" in summary["groups"]["pair"]
    assert summary["metrics"]["recall@5"]["ci"] is not None


def test_per_question_verdicts(run_a):
    recs = {r.id: r for r in read_results(run_a)}
    assert recs["d001"].first_hit == 1 and recs["d002"].first_hit == 3 and recs["d044"].first_hit == 6
    assert recs["d003"].first_hit is None and recs["d003"].refused
    assert recs["d001"].verdicts["citation_precision"] == 1.0 and recs["d001"].verdicts["value_match"] == 1.0
    assert recs["d004"].verdicts["citation_precision"] == 0.0
    assert recs["d025"].error.startswith("RuntimeError") and recs["d025"].retrieved == []
    assert recs["d021"].verdicts["refusal"] == 1.0 and recs["d022"].verdicts["refusal"] == 0.0
    assert recs["d024"].verdicts["mrr@10"] == 0.5  # tied scores: kaynak's order kept
    assert not recs["d001"].failures and recs["d022"].failures == ["answered an unanswerable question"]


def test_summary_values(run_a):
    s = read_summary(run_a)
    m = s.metrics
    # answerable: 10; first hits at 1,3,-,-(d004 distractors only),1,2,-(error),1,6,1
    assert m["recall@1"]["value"] == pytest.approx(4 / 10)
    assert m["recall@5"]["value"] == pytest.approx(6 / 10)
    assert m["recall@10"]["value"] == pytest.approx(7 / 10)
    assert m["mrr@10"]["value"] == pytest.approx((1 + 1 / 3 + 1 + 1 / 2 + 1 + 1 / 6 + 1) / 10)
    assert m["refusal"]["value"] == 0.5 and m["false_refusal"]["value"] == pytest.approx(1 / 10)
    # answered answerable: 9 (d003 refused); d004 cites a wrong passage, d025 errored without citations
    assert m["citation_precision"]["n"] == 9
    assert m["citation_precision"]["value"] == pytest.approx(7 / 9)
    assert s.counts["errors"] == 1
    assert s.latency["p50"] is not None and s.latency["p95"] >= s.latency["p50"]
    assert s.groups["lang"]["ru"]["n"] == 3


def test_html_is_self_contained_and_escaped(run_a):
    page = (run_a / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.I)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//|@import|<script|<link", page, re.I)
    assert "https://" not in page and "http://" not in page
    assert page.count("data:image/png;base64,") == 3
    assert "<b>Özbek" not in page  # nothing from the corpus is trusted as markup
    q = read_results(run_a)[0].question
    assert q.replace("'", "&#x27;") in page or q in page


def test_failures_come_first(run_a):
    page = (run_a / "report.html").read_text(encoding="utf-8")
    classes = re.findall(r'<tr class="(fail|pass)">', page)
    assert classes and "fail" in classes and "pass" in classes
    assert classes == sorted(classes)  # every "fail" row before every "pass" row
    md = (run_a / "report.md").read_text(encoding="utf-8")
    fails = md.split("## Failures", 1)[1]
    for qid in ("d003", "d004", "d022", "d025"):
        assert f"**{qid}**" in fails
    assert "**d001**" not in fails
    assert "| Recall@5 |" in md and "## By question language" in md


def test_html_escapes_hostile_text(tmp_path, chunks):
    from evaluation.qa import QAItem
    from evaluation.runner import run_eval
    from kaynak.types import Answer, Citation, Hit

    item = QAItem("x1", "<script>alert(1)</script> nedir?", "tr", "<b>bold</b>", [chunks[3].text[:60]],
                  "factoid", "s", "tr")
    ans = Answer('<img src="http://evil/x.png"> cevap [1]', "tr",
                 (Citation(1, chunks[3], "<i>q</i>", 0, 5),), hits=(Hit(chunks[3], 1.0),))
    run_eval([item], lambda q: ans, tmp_path, progress=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and '<img src="http' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_llm_judged_faithfulness_is_labelled(tmp_path, eval_items, chunks):
    from eval_fakes import FakeAssistant

    from evaluation.judge import judge_faithfulness, parse_score
    from evaluation.runner import run_eval

    class Reply:
        content = "SCORE: 0.75"

    class FakeChat:
        def __init__(self):
            self.calls = []

        def invoke(self, messages):
            self.calls.append(messages)
            return Reply()

    chat = FakeChat()
    items = eval_items[:2]
    s = run_eval(items, FakeAssistant(items, chunks, {}), tmp_path, progress=False, chat_model=chat)
    assert len(chat.calls) == 2 and s.metrics["faithfulness"]["value"] == 0.75
    assert s.meta["faithfulness"] == "LLM-judged"
    assert "LLM-judged" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "LLM-judged" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert parse_score("I think 0,4 overall") == 0.4 and parse_score("no idea") is None
    assert parse_score("SCORE: 7") is None

    class Broken:
        def invoke(self, messages):
            raise ConnectionError("no server")

    assert judge_faithfulness("q", "a", ["p"], Broken()) is None
    assert judge_faithfulness("q", "", ["p"], chat) is None
