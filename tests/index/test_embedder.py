"""Embedder: lifecycle, prompts, output contract, the backends (ONNX Runtime and int8 against fp32), the choice
of backend by measurement, and the device."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedder import Embedder
from kaynak.config import DEFAULT_MODEL, Settings

# A small retrieval set from kaynak/data/thesis.txt: each question's evidence is the passage at the same index.
PASSAGES = [
    "Azerbaycan, Türkiye'nin en çok ortak askeri tatbikat gerçekleştirdiği ülke konumundadır. Bu kapsamda "
    "Türkiye ve Azerbaycan çok sayıda ikili ve çok taraflı askeri tatbikat icra etmektedir.",
    "Bu ulaşım koridoru sayesinde Türkiye'nin Orta Asya'daki Türk devletlerine doğrudan erişimi sağlanacak ve "
    "bu durum, mal ihracatının ve hammadde ithalatının artmasına sebep olacaktır.",
    "Temmuz ayında Erdoğan Aşkabat'a, Kasım ayında da Berdimuhamedov Ankara'ya ziyarette bulunmuştur.",
    "Азербайжандын куралдуу күчтөрү Түркияда жасалган SİHAлар менен 2-Карабах согушунда Армениянын аскердик "
    "бөлүктөрүнө абдан олуттуу зыян келтирген.",
    "Источниками, которые будут использованы в диссертационном исследовании, являются различные книги, "
    "статьи, доклады, журналы и газеты на разных языках, изданные в разных странах, особенно в Турции.",
    "The collapse of the Soviet Union has brought about significant changes in Turkey's military and security "
    "situation that have affected its international political position.",
]
QUESTIONS = [
    "Türkiye en çok hangi ülkeyle ortak askeri tatbikat yapmıştır?",
    "Trans-Hazar koridoru Türkiye'ye ne sağlayacak?",
    "Erdoğan Aşkabat'ı hangi ay ziyaret etti?",
    "Карабах согушунда Азербайжан кайсы куралдарды колдонгон?",
    "Какие источники используются в диссертации?",
    "How did the collapse of the Soviet Union affect Turkey?",
]


def _embedder(backend: str = "torch", **embedder: object) -> Embedder:
    return Embedder(Settings(embedder={"backend": backend, "device": "cpu", **embedder}))


@pytest.fixture(scope="module")
def fp32(model_path: Path) -> Embedder:
    e = _embedder("torch")
    e.warm_up()
    return e


@pytest.fixture(scope="module")
def int8(model_path: Path) -> Embedder:
    e = _embedder("torch-int8")
    e.warm_up()
    return e


@pytest.fixture(scope="module")
def onnx(model_path: Path) -> Embedder:
    e = _embedder("onnx")
    e.warm_up()
    return e


def test_init_does_not_load_and_use_before_warm_up_fails() -> None:
    e = _embedder()
    assert e._encoder is None
    with pytest.raises(RuntimeError, match="warm_up"):
        e.embed_queries(["x"])


def test_warm_up_is_idempotent(fp32: Embedder) -> None:
    encoder = fp32.encoder
    fp32.warm_up()
    assert fp32.encoder is encoder and encoder.max_length == Settings().embedder.max_seq_length


def test_output_contract(fp32: Embedder) -> None:
    q = fp32.embed_queries(["Türkiye nerede?", "Where is Turkey?"])
    p = fp32.embed_passages(PASSAGES)
    assert q.shape == (2, 384) and p.shape == (len(PASSAGES), 384)
    assert q.dtype == p.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert fp32.embed_passages([]).shape == (0, 384)
    with pytest.raises(TypeError):
        fp32.embed_passages("one string")  # type: ignore[arg-type]


def test_backend_is_named(fp32: Embedder, int8: Embedder, onnx: Embedder) -> None:
    assert (fp32.backend, int8.backend, onnx.backend) == ("torch@cpu", "torch-int8@cpu", "onnx@cpu")


def test_prompts_are_applied_as_sentence_transformers_does(fp32: Embedder, model_path: Path) -> None:
    """The mean pooling done here gives sentence-transformers' own vectors for the prompted text."""
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_path), device="cpu")
    assert fp32.prompt("query") == "query: " and fp32.prompt("passage") == "passage: "
    assert np.allclose(fp32.embed_queries(["x"]), st.encode(["query: x"], normalize_embeddings=True), atol=1e-5)
    assert np.allclose(fp32.embed_passages(PASSAGES), st.encode([f"passage: {p}" for p in PASSAGES], normalize_embeddings=True), atol=1e-5)


def test_batching_does_not_change_vectors(fp32: Embedder) -> None:
    small = _embedder("torch", batch_size=2)
    small.warm_up()
    assert np.allclose(small.embed_passages(PASSAGES), fp32.embed_passages(PASSAGES), atol=1e-4)


def test_retrieval_finds_the_evidence(fp32: Embedder) -> None:
    scores = fp32.embed_queries(QUESTIONS) @ fp32.embed_passages(PASSAGES).T
    assert (scores.argmax(1) == np.arange(len(QUESTIONS))).all()


def test_onnx_gives_fp32_vectors_and_token_states(fp32: Embedder, onnx: Embedder) -> None:
    assert (fp32.embed_passages(PASSAGES) * onnx.embed_passages(PASSAGES)).sum(1).min() >= 0.9999
    assert (fp32.embed_queries(QUESTIONS) * onnx.embed_queries(QUESTIONS)).sum(1).min() >= 0.9999
    _, a, _ = fp32.embed_with_tokens(PASSAGES[:3])
    _, b, _ = onnx.embed_with_tokens(PASSAGES[:3])
    for x, y in zip(a, b):
        assert (x.spans == y.spans).all() and (x.vectors * y.vectors).sum(1).min() >= 0.9999


def test_int8_agrees_with_fp32(fp32: Embedder, int8: Embedder) -> None:
    p32, p8 = fp32.embed_passages(PASSAGES), int8.embed_passages(PASSAGES)
    q32, q8 = fp32.embed_queries(QUESTIONS), int8.embed_queries(QUESTIONS)
    assert (p32 * p8).sum(1).min() >= 0.98
    assert (q32 * q8).sum(1).min() >= 0.98
    assert ((q8 @ p8.T).argmax(1) == (q32 @ p32.T).argmax(1)).all()


def test_int8_actually_quantizes(int8: Embedder) -> None:
    import torch

    layers = [(n, m) for n, m in int8.encoder.network.named_modules() if "encoder.layer." in n]
    linear = [n for n, m in layers if type(m) is torch.nn.Linear]
    dynamic = [n for n, m in layers if "quantized" in type(m).__module__ and type(m).__name__ == "Linear"]
    assert len(dynamic) == 12 * 5  # q, k, v, attention out, FFN up per layer
    assert len(linear) == 12 and all(n.endswith("output.dense") for n in linear)  # FFN down stays fp32


@pytest.mark.slow  # a real subprocess of its own: seconds, not milliseconds
def test_auto_backend_is_the_one_measured_fastest_within_cosine(model_path: Path, tmp_path: Path) -> None:
    """"auto" times each CPU backend on the same passages, keeps those within MIN_COSINE of fp32, loads the
    fastest and keeps the measurement beside the model for this machine."""
    import shutil

    from index.encoders.factory import CHOICE_FILE, MIN_COSINE, measured_choice

    folder = tmp_path / "model"
    shutil.copytree(model_path, folder, ignore=shutil.ignore_patterns(CHOICE_FILE))
    record = measured_choice(folder, Settings().embedder, threads=2)
    assert set(record["seconds"]) == {"torch-int8", "onnx"} and record["passages"] > 0
    ok = {n for n, c in record["cosine"].items() if c >= MIN_COSINE}
    assert record["choice"] == min(ok, key=record["seconds"].get)
    assert record["cosine"]["onnx"] >= 0.9999
    assert (folder / CHOICE_FILE).is_file()
    assert measured_choice(folder, Settings().embedder, threads=2) == record  # measured once per machine


def test_a_gpu_is_used_when_torch_sees_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """No GPU here: the device choice and the batch size are checked with torch told it has one."""
    import torch

    from index.encoders.factory import batch_size, resolve_device

    assert resolve_device("auto") == "cpu" and batch_size(Settings().embedder, "cpu") == 32
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda" and batch_size(Settings().embedder, "cuda") == 128
    assert resolve_device("cpu") == "cpu"  # a device named in the settings is kept


def test_unknown_backend_is_refused(model_path: Path) -> None:
    from index.encoders.factory import create_encoder

    cfg = Settings().embedder.model_copy(update={"backend": "tpu"})
    with pytest.raises(ValueError, match="unknown embedder backend 'tpu'; valid: auto, onnx, torch, torch-int8"):
        create_encoder(model_path, cfg, threads=1)
