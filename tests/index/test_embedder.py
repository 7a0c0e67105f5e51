"""Embedder: lifecycle, prompts, output contract, and the int8 backend's agreement with fp32."""
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


def _embedder(backend: str = "torch") -> Embedder:
    s = Settings()
    s.embedder.backend = backend
    return Embedder(s)


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


def test_init_does_not_load_and_use_before_warm_up_fails() -> None:
    e = _embedder()
    assert e._model is None
    with pytest.raises(RuntimeError, match="warm_up"):
        e.embed_queries(["x"])
    with pytest.raises(RuntimeError, match="warm_up"):
        e.embed_passages([])
    with pytest.raises(RuntimeError, match="warm_up"):
        _ = e.dim


def test_warm_up_is_idempotent(fp32: Embedder) -> None:
    model = fp32.model
    fp32.warm_up()
    assert fp32.model is model
    assert model.max_seq_length == Settings().embedder.max_seq_length


def test_output_contract(fp32: Embedder) -> None:
    q = fp32.embed_queries(QUESTIONS[:2])
    p = fp32.embed_passages(PASSAGES, progress=True)
    assert fp32.dim == 384
    assert q.dtype == p.dtype == np.float32
    assert q.shape == (2, 384) and p.shape == (len(PASSAGES), 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert fp32.embed_passages([]).shape == (0, 384)
    with pytest.raises(TypeError):
        fp32.embed_queries("not a list")  # type: ignore[arg-type]


def test_model_name_is_stable_and_names_the_backend(fp32: Embedder, int8: Embedder) -> None:
    assert fp32.model_name == f"{DEFAULT_MODEL}+torch"
    assert int8.model_name == f"{DEFAULT_MODEL}+torch-int8"
    assert _embedder().model_name == fp32.model_name  # known before warm-up


def test_prompts_are_applied(fp32: Embedder) -> None:
    q, p = fp32.embed_queries(["x"]), fp32.embed_passages(["x"])
    assert float(q[0] @ p[0]) < 0.999
    model = fp32.model
    assert np.allclose(q, model.encode(["query: x"], normalize_embeddings=True), atol=1e-5)
    assert np.allclose(p, model.encode(["passage: x"], normalize_embeddings=True), atol=1e-5)


def test_batching_does_not_change_vectors(model_path: Path, fp32: Embedder) -> None:
    s = Settings()
    s.embedder.batch_size = 2
    s.embedder.backend = "torch"  # compared with the fp32 embedder
    small = Embedder(s)
    small.warm_up()
    assert np.allclose(small.embed_passages(PASSAGES), fp32.embed_passages(PASSAGES), atol=1e-4)


def test_retrieval_finds_the_evidence(fp32: Embedder) -> None:
    scores = fp32.embed_queries(QUESTIONS) @ fp32.embed_passages(PASSAGES).T
    assert (scores.argmax(1) == np.arange(len(QUESTIONS))).all()


def test_int8_agrees_with_fp32(fp32: Embedder, int8: Embedder) -> None:
    p32, p8 = fp32.embed_passages(PASSAGES), int8.embed_passages(PASSAGES)
    q32, q8 = fp32.embed_queries(QUESTIONS), int8.embed_queries(QUESTIONS)
    assert (p32 * p8).sum(1).min() >= 0.98
    assert (q32 * q8).sum(1).min() >= 0.98
    assert ((q8 @ p8.T).argmax(1) == (q32 @ p32.T).argmax(1)).all()


def test_int8_actually_quantizes(int8: Embedder) -> None:
    import torch

    layers = [(n, m) for n, m in int8.model.named_modules() if "encoder.layer." in n]
    linear = [n for n, m in layers if type(m) is torch.nn.Linear]
    dynamic = [n for n, m in layers if "quantized" in type(m).__module__ and type(m).__name__ == "Linear"]
    assert len(dynamic) == 12 * 5  # q, k, v, attention out, FFN up per layer
    assert len(linear) == 12 and all(n.endswith("output.dense") for n in linear)  # FFN down stays fp32
