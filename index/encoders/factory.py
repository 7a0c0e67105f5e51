"""Pick and load the encoder backend: by measurement on the machine it runs on, unless the settings name one.

"auto" uses a GPU when torch sees one (PyTorch fp32 there, batches of 128). On the CPU it times each backend that
can run here — PyTorch dynamic int8 and ONNX Runtime fp32 — on the same passages, keeps those whose vectors are
within cosine MIN_COSINE of PyTorch fp32, and loads the fastest; the measurement is kept beside the model
(``backend.json``), per machine, so it runs once. `kaynak models --json` shows it.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.encoders import onnx_encoder
from index.encoders.base import Encoder
from index.encoders.torch_encoder import TorchEncoder
from kaynak.config import BUNDLED_CORPUS, EmbedderSettings

log = logging.getLogger(__name__)

BACKENDS = ("auto", "onnx", "torch", "torch-int8")
MIN_COSINE = 0.99  # a backend's vectors against PyTorch fp32, on every sample passage
SAMPLE = 24  # passages timed per backend
BATCH = {"cpu": 32, "cuda": 128}  # passages per forward pass, by device
CHOICE_FILE = "backend.json"


def resolve_device(device: str) -> str:
    """"auto": the first CUDA GPU torch sees, else the CPU."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def batch_size(settings: EmbedderSettings, device: str) -> int:
    return settings.batch_size or BATCH["cuda" if device.startswith("cuda") else "cpu"]


def create_encoder(folder: Path, settings: EmbedderSettings, threads: int) -> Encoder:
    """The configured backend, or the measured one for "auto"."""
    device = resolve_device(settings.device)
    name = settings.backend
    if name not in BACKENDS:
        raise ValueError(f"unknown embedder backend {name!r}; valid: {', '.join(BACKENDS)}")
    if name == "auto":
        name = "torch" if device.startswith("cuda") else measured_choice(folder, settings, threads)["choice"]
    return load(name, folder, settings, threads, device)


def load(name: str, folder: Path, settings: EmbedderSettings, threads: int, device: str = "cpu") -> Encoder:
    if name == "onnx":
        return onnx_encoder.OnnxEncoder(folder, settings.align_layer, settings.max_seq_length, threads, device)
    return TorchEncoder(folder, settings.align_layer, settings.max_seq_length, device, int8=name == "torch-int8")


def machine() -> str:
    """What the measurement depends on: the CPU model and the cores kaynak may use."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{cpu} / {os.cpu_count()} cpus"


def measured_choice(folder: Path, settings: EmbedderSettings, threads: int) -> dict[str, Any]:
    """The CPU backend measured fastest on this machine (kept in ``backend.json`` beside the model)."""
    path = folder / CHOICE_FILE
    key = f"{machine()} / {threads} threads / layer {settings.align_layer}"
    if path.is_file():
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("machine") == key:
            return record
    record = measure(folder, settings, threads) | {"machine": key}
    tmp = path.with_name(f".{CHOICE_FILE}.{os.getpid()}")
    tmp.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    log.info("embedder backend measured on this machine: %s (%s)", record["choice"], record["seconds"])
    return record


def measure(folder: Path, settings: EmbedderSettings, threads: int) -> dict[str, Any]:
    """Seconds per SAMPLE passages and the lowest cosine to PyTorch fp32, for each CPU backend that runs here."""
    texts = sample_passages()
    candidates = ["torch-int8", *(["onnx"] if onnx_encoder.available() else [])]
    reference = _pooled(load("torch", folder, settings, threads), texts)
    seconds: dict[str, float] = {}
    cosine: dict[str, float] = {}
    for name in candidates:
        encoder = load(name, folder, settings, threads)
        _pooled(encoder, texts[:2])  # first call allocates
        t0 = time.perf_counter()
        vectors = _pooled(encoder, texts)
        seconds[name] = round(time.perf_counter() - t0, 3)
        cosine[name] = round(float((vectors * reference).sum(axis=1).min()), 5)
    good = [n for n in candidates if cosine[n] >= MIN_COSINE] or ["torch"]
    return {"choice": min(good, key=lambda n: seconds.get(n, float("inf"))), "seconds": seconds, "cosine": cosine,
            "passages": len(texts)}


def sample_passages() -> list[str]:
    """SAMPLE passages of ~600 characters, the size ingest makes, from the bundled text (Turkish, Kyrgyz,
    Russian and English parts): timing material, nothing is learned from it."""
    text = " ".join(BUNDLED_CORPUS.read_text(encoding="utf-8").split())
    step = max(600, len(text) // SAMPLE)
    return [f"passage: {text[i : i + 600]}" for i in range(0, step * SAMPLE, step)][:SAMPLE]


def _pooled(encoder: Encoder, texts: list[str]) -> np.ndarray:
    out = []
    for lo in range(0, len(texts), 8):
        f = encoder.forward(texts[lo : lo + 8])
        mask = f.mask[..., None].astype(np.float32)
        v = (f.last * mask).sum(1) / mask.sum(1)
        out.append(v / np.linalg.norm(v, axis=1, keepdims=True))
    return np.vstack(out)
