"""`kaynak eval` on the dev set with the real assistant: every output file, and the report in Chromium."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chromium import CHROME_ARGS, CHROMIUM, playwright_or_skip
from kaynak.config import BUNDLED_DEV_QA

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def run_dir(thesis_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eval") / "dev"
    env = {**os.environ, "KAYNAK_DATA_DIR": str(thesis_dir), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "eval", str(BUNDLED_DEV_QA), "--out", str(out),
         "-q", "--gate", str(ROOT / "benchmarks" / "floors.json")],
        capture_output=True, text=True, env=env, timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "recall@5=" in proc.stdout
    return out


def test_every_output_file(run_dir: Path, dev_qa: list[dict]) -> None:
    results = [json.loads(l) for l in (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == [q["id"] for q in dev_qa]
    for r in results:
        assert {"retrieved", "first_hit", "answer", "citations", "verdicts", "latency"} <= r.keys()
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    for m in ("recall@1", "recall@5", "mrr@10", "ndcg@10", "citation_precision", "refusal", "false_refusal"):
        assert summary["metrics"][m]["value"] is not None
        assert summary["metrics"][m]["ci"] is not None
    assert {"lang", "pair", "type"} <= summary["groups"].keys()
    assert summary["metrics"]["recall@5"]["value"] >= 0.95
    md = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "| Recall@5 |" in md and "## Failures" in md
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "http://" not in html.replace("http://www.w3.org", "")


@pytest.mark.browser
def test_report_renders_in_chromium(run_dir: Path) -> None:
    sync_api = playwright_or_skip()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        # Playwright starts Chromium with a fresh temporary --user-data-dir of its own
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1600})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((run_dir / "report.html").as_uri())
        assert page.locator("img").count() >= 3  # recall@k per language, per type, latency histogram
        assert page.locator("table").count() >= 2
        page.screenshot(path=str(SHOTS / "eval-report.png"), full_page=False)
        browser.close()
    assert all(u.startswith(("file://", "data:")) for u in requests), requests
