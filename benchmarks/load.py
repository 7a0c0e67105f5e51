"""Load test of the web app: N concurrent gradio_client clients, each asking Q questions through /ask.

    python benchmarks/load.py                      # starts `kaynak serve` on a free loopback port itself
    python benchmarks/load.py --url http://127.0.0.1:7860/ --clients 32 --questions 5

Questions are the dev set's Turkish and English ones, interleaved. A request counts as an error when it raises,
or when the returned page shows an error notice or no answer. Prints errors and p50/p95/max latency (seconds,
per request, measured at the client, queueing included) next to the naive baseline: the same questions asked
one after another by a single client.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from kaynak.config import BUNDLED_DEV_QA

ROOT = Path(__file__).resolve().parents[1]
DEV = BUNDLED_DEV_QA


def questions() -> list[str]:
    rows = [json.loads(l) for l in DEV.read_text(encoding="utf-8").splitlines() if l.strip()]
    tr = [r["question"] for r in rows if r["lang"] == "tr"]
    en = [r["question"] for r in rows if r["lang"] == "en"]
    mixed = []
    for a, b in zip(tr, en):
        mixed += [a, b]
    return mixed or [r["question"] for r in rows]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    i = min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))
    return s[i]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(timeout: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).with_name("kaynak")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "app.cli"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([*cmd, "serve", "--port", str(port)], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kaynak serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return proc, url
        except OSError:
            time.sleep(2)
    proc.terminate()
    raise SystemExit("kaynak serve did not answer in time")


def ask_once(client, question: str) -> tuple[float, str | None]:
    t0 = time.perf_counter()
    try:
        chat, sources, notice, _ = client.predict(question, [], "hybrid", 5, "", "", "en", api_name="/ask")
    except Exception as e:  # noqa: BLE001 - every failure is counted and shown
        return time.perf_counter() - t0, f"{type(e).__name__}: {e}"[:300]
    dt = time.perf_counter() - t0
    if notice and "k-error" in str(notice):
        return dt, f"error notice: {str(notice)[:200]}"
    if not chat or not isinstance(chat, list) or len(chat) < 2:
        return dt, "no answer in the chat"
    return dt, None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", help="a running server; default: start one")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--questions", type=int, default=5, help="questions per client")
    ap.add_argument("--baseline", type=int, default=5, help="sequential single-client questions first (0: skip)")
    ap.add_argument("--start-timeout", type=float, default=1800)
    ap.add_argument("--json", help="write the numbers to this file")
    args = ap.parse_args()

    from gradio_client import Client

    proc = None
    url = args.url
    if not url:
        proc, url = start_server(args.start_timeout)
    qs = questions()
    try:
        base: list[float] = []
        if args.baseline:
            c = Client(url, verbose=False)
            for q in qs[: args.baseline]:
                dt, err = ask_once(c, q)
                if err is None:
                    base.append(dt)
        lat: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def worker(i: int) -> None:
            try:
                client = Client(url, verbose=False)
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.extend([f"client {i}: connect: {e}"] * args.questions)
                return
            for j in range(args.questions):
                q = qs[(i * args.questions + j) % len(qs)]
                dt, err = ask_once(client, q)
                with lock:
                    lat.append(dt)
                    if err:
                        errors.append(f"client {i} q{j}: {err}")

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as ex:
            list(ex.map(worker, range(args.clients)))
        wall = time.perf_counter() - t0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)

    n = args.clients * args.questions
    out = {
        "url": url, "clients": args.clients, "questions_per_client": args.questions, "requests": n,
        "errors": len(errors), "wall_s": round(wall, 2), "throughput_qps": round(n / wall, 3) if wall else None,
        "p50_s": round(pct(lat, 50), 3), "p95_s": round(pct(lat, 95), 3), "max_s": round(max(lat), 3) if lat else None,
        "baseline_sequential_p50_s": round(statistics.median(base), 3) if base else None,
        "baseline_sequential_qps": round(len(base) / sum(base), 3) if base else None,
    }
    for e in errors[:20]:
        print("ERROR", e)
    print(f"{n} requests from {args.clients} clients in {wall:.1f}s: errors={len(errors)} "
          f"p50={out['p50_s']}s p95={out['p95_s']}s max={out['max_s']}s throughput={out['throughput_qps']} q/s")
    if base:
        print(f"baseline (1 client, sequential, {len(base)} q): p50={out['baseline_sequential_p50_s']}s "
              f"throughput={out['baseline_sequential_qps']} q/s")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
