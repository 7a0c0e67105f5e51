"""A first start on an empty data directory: `kaynak serve` serves the page before the index exists, builds the
index in the background while the page says how far it is, and answers the question asked meanwhile once the
index is ready. How many seconds the first page takes is measured by benchmarks/first_start.py, not asserted."""
from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from chromium import CHROME_ARGS, CHROMIUM, free_port, kaynak_command, playwright_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# A hang guard, not a speed goal: a start that serves nothing for this long is broken.
NO_PAGE_SECONDS = 600

sync_api = playwright_or_skip()


def test_first_start_serves_at_once_shows_progress_then_answers(tmp_path: Path, model_path: Path) -> None:
    port = free_port()
    cmd = kaynak_command()
    env = {**os.environ, "KAYNAK_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "KAYNAK_AUTH": ""}
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        t0 = time.monotonic()
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        try:
            while True:
                assert proc.poll() is None, log_path.read_text()[-3000:]
                try:
                    with urllib.request.urlopen(url, timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                assert time.monotonic() - t0 < NO_PAGE_SECONDS, log_path.read_text()[-3000:]
                time.sleep(0.5)
            with sync_api.sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
                page = browser.new_context(locale="en-US").new_page()
                page.goto(url, wait_until="load")
                page.wait_for_selector("#k-question textarea", timeout=60_000)
                page.wait_for_function(
                    "() => /Indexing|Loading the model/.test(document.querySelector('#k-corpus')?.innerText || '')",
                    timeout=60_000,
                )
                page.locator("#k-question textarea").fill("How many days did the Second Karabakh War last?")
                page.locator("#k-question textarea").press("Enter")
                page.wait_for_function(
                    "() => /as soon as the index is ready/.test(document.querySelector('#k-chat')?.innerText || '')",
                    timeout=60_000,
                )
                page.wait_for_function("() => document.querySelector('#k-sources .k-sources') !== null",
                                       timeout=1_200_000)
                assert "44 gün" in page.locator("#k-sources").inner_text()
                page.wait_for_function(
                    "() => /thesis\\.txt/.test(document.querySelector('#k-corpus')?.innerText || '')", timeout=10_000
                )
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
