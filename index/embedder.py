"""Dense embedder: a sentence-transformers model with e5 query/passage prompts, normalised float32 output.

Haystack style: ``__init__`` only stores settings, ``warm_up()`` loads the model once (safe to call again),
and the ``embed_*`` methods fail clearly before warm-up. Backends (``settings.embedder.backend``):

- ``torch``: the model as stored, float32.
- ``torch-int8``: torch dynamic int8 quantisation of the ``nn.Linear`` layers (see :func:`quantize_int8`);
  faster on CPU with cosine >= 0.99 to fp32 and the same top-1 (numbers: benchmarks/embed_backends.py).
"""
from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from kaynak.config import Settings

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

QUERY_PROMPT = "query"
# sentence-transformers >= 5 calls it "document"; older folders (and other e5 conversions) only "passage".
PASSAGE_PROMPTS = ("document", "passage")


def available_cpus() -> int:
    """CPUs this process may run on (affinity / container limits), not the host's count."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        n = os.cpu_count() or 1
    try:  # cgroup v2 quota, e.g. "200000 100000" = 2 CPUs
        quota, period = open("/sys/fs/cgroup/cpu.max").read().split()
        if quota != "max":
            n = min(n, max(1, int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, n)


def configure_torch_threads() -> int:
    """One intra-op thread per usable core (more only oversubscribes a 2-core box); returns the count."""
    import torch

    n = available_cpus()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


class Embedder:
    """Embeds queries and passages with the configured model; rows are L2-normalised float32."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: SentenceTransformer | None = None
        self._passage_prompt: str | None = None

    # ------------------------------------------------------------------------------------------ lifecycle
    def warm_up(self) -> None:
        """Load (building if needed) the model once; later calls do nothing."""
        if self._model is not None:
            return
        from sentence_transformers import SentenceTransformer

        from index.model_build import ensure_model

        cfg = self.settings.embedder
        threads = configure_torch_threads()
        source = ensure_model(self.settings)
        t0 = time.perf_counter()
        model = SentenceTransformer(str(source), device=cfg.device)
        model.max_seq_length = cfg.max_seq_length
        model.eval()
        if cfg.backend == "torch-int8":
            model = quantize_int8(model)
        self._passage_prompt = next((p for p in PASSAGE_PROMPTS if p in model.prompts), None)
        if QUERY_PROMPT not in model.prompts or self._passage_prompt is None:
            log.warning("model %s defines no query/passage prompts (%s); texts are embedded as given",
                        cfg.model, sorted(model.prompts))
        self._model = model
        log.info("embedder %s ready in %.1f s (%d threads, max_seq_length %d)",
                 self.model_name, time.perf_counter() - t0, threads, cfg.max_seq_length)

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            raise RuntimeError("Embedder is not warmed up: call warm_up() before embedding")
        return self._model

    # ------------------------------------------------------------------------------------------ facts
    @property
    def dim(self) -> int:
        model = self.model
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dim())

    @property
    def model_name(self) -> str:
        """Stable id for the index manifest: vectors from different names must not be mixed."""
        cfg = self.settings.embedder
        return f"{cfg.model}+{cfg.backend}"

    # ------------------------------------------------------------------------------------------ embedding
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Questions -> ``(n, dim)`` float32, with the model's ``query`` prompt."""
        prompt = QUERY_PROMPT if QUERY_PROMPT in self.model.prompts else None
        return self._encode(texts, prompt, progress=False)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Passages -> ``(n, dim)`` float32, with the ``document``/``passage`` prompt, in batches."""
        self.model  # noqa: B018 - fail before warm-up even for an empty list
        return self._encode(texts, self._passage_prompt, progress=progress)

    def _encode(self, texts: list[str], prompt_name: str | None, progress: bool) -> np.ndarray:
        model = self.model
        if isinstance(texts, str):
            raise TypeError("pass a list of strings, not a single string")
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        import torch

        with torch.inference_mode():
            out = model.encode(
                list(texts), prompt_name=prompt_name, batch_size=self.settings.embedder.batch_size,
                show_progress_bar=progress, convert_to_numpy=True, normalize_embeddings=True,
            )
        return np.ascontiguousarray(out, dtype=np.float32)


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantisation of the ``nn.Linear`` layers, in place; returns ``model``.

    Weights are quantised per output channel (per-tensor loses too much on these already 4-bit weights:
    cosine 0.96 to fp32) and the FFN down-projections (``*.output.dense`` outside attention) stay fp32: their
    input, the GELU output, has outliers that int8 activations clip. Measured on thesis chunks: all layers
    per-channel -> min cosine 0.978; without the FFN down-projections -> min cosine 0.995.
    """
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    spec = {
        name: per_channel_dynamic_qconfig
        for name, mod in model.named_modules()
        if isinstance(mod, torch.nn.Linear) and not _is_ffn_down(name)
    }
    with warnings.catch_warnings():  # torch >= 2.10 marks torch.ao quantized tensors deprecated (-> torchao)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)
    return model


def _is_ffn_down(name: str) -> bool:
    return name.endswith("output.dense") and not name.endswith("attention.output.dense")
