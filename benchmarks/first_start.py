"""How soon a first `kaynak serve` on an empty data directory serves its page, beside how soon the index it
builds in the background is ready (what a start that indexes before serving would make the user wait).

Both numbers come from one process start in this run: the page's first HTTP 200, then the moment the header
names the ingested thesis (`/api/` is not polled: the page's own status line is what a user sees). The model must
be built already (`kaynak models --build`).

    .venv/bin/python benchmarks/first_start.py [--timeout 1800]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace") if r.status == 200 else None
    except OSError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=1800.0)
    a = ap.parse_args()
    exe = Path(sys.executable).with_name("kaynak")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "app.cli"]
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KAYNAK_DATA_DIR": str(Path(tmp) / "data"), "HF_HUB_OFFLINE": "1",
               "GRADIO_ANALYTICS_ENABLED": "False", "KAYNAK_AUTH": ""}
        t0 = time.monotonic()
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first_page = ready = None
        try:
            while time.monotonic() - t0 < a.timeout and proc.poll() is None:
                if first_page is None and _get(url) is not None:
                    first_page = time.monotonic() - t0
                if first_page is not None and (Path(tmp) / "data").exists() and _index_ready(cmd, env):
                    ready = time.monotonic() - t0
                    break
                time.sleep(1.0)
        finally:
            proc.terminate()
            proc.wait(30)
    print(f"first page: {first_page:.1f} s" if first_page is not None else "first page: never")
    print(f"index ready (what a serve that indexes first would make the user wait): {ready:.1f} s"
          if ready is not None else "index ready: not within the timeout")


def _index_ready(cmd: list[str], env: dict[str, str]) -> bool:
    """The background ingest has committed: `kaynak docs` lists a document without ingesting anything itself."""
    out = subprocess.run([*cmd, "docs", "--json"], check=False, env={**env, "KAYNAK_AUTO_INGEST": "false"},
                         capture_output=True, text=True, timeout=120)
    return out.returncode == 0 and "thesis" in out.stdout


if __name__ == "__main__":
    main()
