"""What the browser tests share (the web app's and the evaluation report's): Debian's headless Chromium driven by
Playwright, and `kaynak serve` started on a free loopback port. Importable from every test folder: pytest puts
tests/, the folder of the root conftest.py, on the path."""
from __future__ import annotations

import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def playwright_or_skip() -> ModuleType:
    """playwright.sync_api, or the calling test module skipped with what to install."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kaynak_command() -> list[str]:
    """The venv's `kaynak` script, or the module when the package is not installed as a script."""
    exe = Path(sys.executable).with_name("kaynak")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "app.cli"]
