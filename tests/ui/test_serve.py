"""`kaynak serve` refuses unsafe options at once; the library never loads gradio."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui.server import is_loopback, parse_auth, ServeError

ROOT = Path(__file__).resolve().parents[2]


def _kaynak() -> list[str]:
    exe = Path(sys.executable).with_name("kaynak")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "app.cli"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "KAYNAK_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1", "KAYNAK_AUTH": ""}


def test_public_host_without_auth_exits_at_once(tmp_path):
    t0 = time.monotonic()
    r = subprocess.run([*_kaynak(), "serve", "--host", "0.0.0.0", "--port", "7999"], cwd=tmp_path,
                       env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert "0.0.0.0" in r.stderr and "--auth" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "data").exists(), "nothing may be loaded or written before the refusal"
    assert time.monotonic() - t0 < 60


def test_bad_auth_format_is_a_clear_error(tmp_path):
    r = subprocess.run([*_kaynak(), "serve", "--auth", "nocolon", "--port", "7999"], cwd=tmp_path,
                       env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "user:password" in r.stderr and "Traceback" not in r.stderr


def test_auth_and_host_helpers():
    assert parse_auth("ana:gizli:parola") == ("ana", "gizli:parola")
    assert parse_auth("") is None and parse_auth(None) is None
    for bad in ("x", ":p", "u:"):
        with pytest.raises(ServeError):
            parse_auth(bad)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_library_never_imports_gradio():
    code = (
        "import sys\n"
        "import ingest, index, assistant, app.cli\n"
        "import ingest.pipeline, index.retriever, index.store, app.engine\n"
        "assert 'gradio' not in sys.modules, sorted(m for m in sys.modules if m.startswith('gradio'))\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    assert "ok" in r.stdout
