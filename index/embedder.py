"""Dense embedder: a sentence-transformers model with e5 query/passage prompts, normalised float32 output.

Haystack style: ``__init__`` only stores settings, ``warm_up()`` loads the model once (safe to call again),
and the ``embed_*`` methods fail clearly before warm-up. Backends (``settings.embedder.backend``):

- ``torch``: the model as stored, float32.
- ``torch-int8``: torch dynamic int8 quantisation of the ``nn.Linear`` layers (see :func:`quantize_int8`);
  faster on CPU with cosine >= 0.99 to fp32 and the same top-1 (numbers: benchmarks/embed_backends.py).

Besides one vector per text, :meth:`Embedder.embed_with_tokens` returns the contextual vector of each token at
an inner layer (:class:`TokenStates`), from the same forward pass: the multilingual model places a token near its
translations and respellings there ("Second" near "2.", "War" near "Savaşı", "Ashgabat" near "Aşkabat"), which
the answerer and the rerank use to tell whether a passage states what a question pins down.
"""
from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

from dataclasses import dataclass

import numpy as np

from kaynak.config import Settings

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

QUERY_PROMPT = "query"
WORD_START = "\u2581"  # SentencePiece's mark on a piece that begins a word
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


@dataclass(frozen=True)
class TokenStates:
    """A text's tokens as the model reads them in context, prompt and special tokens left out.

    `vectors` are the L2-normalised states of the alignment layer (`EmbedderSettings.align_layer`), `spans` the
    character offsets of each token in the text, `starts` whether a token begins a word (the tokenizer's own
    word-boundary mark), so tokens can be grouped back into words."""

    vectors: np.ndarray  # (n, dim) float32
    spans: np.ndarray  # (n, 2) int32
    starts: np.ndarray  # (n,) bool

    def __len__(self) -> int:
        return len(self.spans)


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

    def embed_with_tokens(
        self,
        texts: list[str],
        kind: str = "passage",
        progress: bool = False,
        spans: list[list[tuple[int, int]]] | None = None,
    ) -> tuple[np.ndarray, list[TokenStates], list[np.ndarray]]:
        """One forward pass per text -> its vector (as `embed_queries` / `embed_passages` give it), its
        `TokenStates`, and, for each text's character `spans` (sentences), a vector pooled from the same pass:
        the mean of the last layer's states of the tokens inside the span, normalised ("late chunking",
        Günther et al. 2024): a sentence read in its passage's context, at no extra cost. `kind` is "query" or
        "passage" (the e5 prompt). Queries go one at a time: the int8 model quantises a batch's activations
        together, so batch-mates would move a question's vector."""
        import torch

        model = self.model
        prompt_name = QUERY_PROMPT if kind == "query" else self._passage_prompt
        prompt = model.prompts.get(prompt_name, "") if prompt_name else ""
        transformer = model[0]
        tokenizer, network = transformer.tokenizer, transformer.auto_model
        layer = self.settings.embedder.align_layer
        batch = 1 if kind == "query" else self.settings.embedder.batch_size
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        # shortest first: padding to the batch's longest text is wasted work
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        by_index: dict[int, TokenStates] = {}
        sentence_vectors: dict[int, np.ndarray] = {}
        bar = _progress_bar(len(texts), f"embedding {len(texts)} {kind}s") if progress else None
        for lo in range(0, len(order), batch):
            idx = order[lo : lo + batch]
            enc = tokenizer(
                [prompt + texts[i] for i in idx], return_tensors="pt", padding=True, truncation=True,
                max_length=model.max_seq_length, return_offsets_mapping=True,
            )
            offsets = enc.pop("offset_mapping").numpy() - len(prompt)
            with torch.inference_mode():
                out = network(**enc, output_hidden_states=True)
            mask = enc["attention_mask"].unsqueeze(-1).to(out.last_hidden_state.dtype)
            pooled = (out.last_hidden_state * mask).sum(1) / mask.sum(1)  # mean pooling, prompt included (as trained)
            vectors[idx] = torch.nn.functional.normalize(pooled, dim=-1).float().numpy()
            inner = torch.nn.functional.normalize(out.hidden_states[layer], dim=-1).float().numpy()
            last = out.last_hidden_state.float().numpy()
            special = set(tokenizer.all_special_ids)
            for j, i in enumerate(idx):
                ids = enc["input_ids"][j].tolist()
                keep = np.array([t not in special for t in ids]) & (offsets[j][:, 0] >= 0) & enc["attention_mask"][j].bool().numpy()
                pieces = tokenizer.convert_ids_to_tokens([t for t, k in zip(ids, keep) if k])
                by_index[i] = TokenStates(
                    vectors=np.ascontiguousarray(inner[j][keep]),
                    spans=offsets[j][keep].astype(np.int32),
                    starts=np.array([p.startswith(WORD_START) for p in pieces], dtype=bool),
                )
                if spans is not None:
                    sentence_vectors[i] = _pool_spans(last[j][keep], by_index[i].spans, spans[i], self.dim)
            if bar is not None:
                bar.update(len(idx))
        if bar is not None:
            bar.close()
        states = [by_index[i] for i in range(len(texts))]
        return vectors, states, [sentence_vectors[i] for i in range(len(texts))] if spans is not None else []

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


def _pool_spans(states: np.ndarray, token_spans: np.ndarray, spans: list[tuple[int, int]], dim: int) -> np.ndarray:
    """Per character span, the normalised mean of the states of the tokens inside it (a span no token falls in
    entirely takes the tokens that overlap it)."""
    out = np.zeros((len(spans), dim), dtype=np.float32)
    for k, (a, b) in enumerate(spans):
        inside = (token_spans[:, 0] >= a) & (token_spans[:, 1] <= b)
        if not inside.any():
            inside = (token_spans[:, 0] < b) & (token_spans[:, 1] > a)
        if inside.any():
            v = states[inside].mean(axis=0)
            out[k] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out


def _progress_bar(total: int, description: str) -> Any:
    """One bar that says what it does ("embedding 785 passages"), on stderr."""
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="text", leave=False)


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
