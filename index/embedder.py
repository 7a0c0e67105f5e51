"""Dense embedder: multilingual e5 with its query/passage prompts, normalised float32 vectors, and the token
states the alignment reads.

Haystack style: ``__init__`` only stores settings, ``warm_up()`` loads the model once (safe to call again),
and the ``embed_*`` methods fail clearly before warm-up. The model runs through a backend
(``index/encoders``): PyTorch fp32 or dynamic int8, or ONNX Runtime fp32 — by default the one measured fastest on
this machine among those whose vectors stay within cosine 0.99 of fp32, and PyTorch on a GPU when one is present.
Every backend hands back the same arrays, so pooling and token states are computed here once.

Besides one vector per text, :meth:`Embedder.embed_with_tokens` returns the contextual vector of each token at
an inner layer (:class:`TokenStates`), from the same forward pass: the multilingual model places a token near its
translations and respellings there ("Second" near "2.", "War" near "Savaşı", "Ashgabat" near "Aşkabat"), which
the answerer and the rerank use to tell whether a passage states what a question pins down.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from kaynak.config import Settings

log = logging.getLogger(__name__)

# How a long pass reports: True for a progress bar on stderr, or a callback (what, done, total) — the web app's
# status line while the first index is built.
Progress = Union[bool, Callable[[str, int, int], None]]

QUERY_PROMPT = "query"
WORD_START = "\u2581"  # SentencePiece's mark on a piece that begins a word
# sentence-transformers >= 5 calls it "document"; older folders (and other e5 conversions) only "passage".
PASSAGE_PROMPTS = ("document", "passage")
# Questions kept encoded: the retriever and then the answerer read the same question, and a chat's follow-up
# reads the previous one again; a forward pass is a third of what `ask` costs.
RECENT_QUERIES = 32


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
        self._encoder: Any = None
        self._batch = settings.embedder.batch_size or 32
        self._recent: OrderedDict[str, tuple[np.ndarray, list[TokenStates], list[np.ndarray]]] = OrderedDict()
        self._recent_lock = threading.Lock()

    # ------------------------------------------------------------------------------------------ lifecycle
    def warm_up(self) -> None:
        """Load (building if needed) the model once; later calls do nothing."""
        if self._encoder is not None:
            return
        from index.encoders.factory import batch_size, create_encoder
        from index.model_build import ensure_model, local_folder

        cfg = self.settings.embedder
        threads = configure_torch_threads()
        folder = local_folder(ensure_model(self.settings))
        t0 = time.perf_counter()
        encoder = create_encoder(folder, cfg, threads)
        prompts = encoder.prompts
        if QUERY_PROMPT not in prompts or not any(p in prompts for p in PASSAGE_PROMPTS):
            log.warning("model %s defines no query/passage prompts (%s); texts are embedded as given", cfg.model, sorted(prompts))
        self._batch = batch_size(cfg, encoder.device)
        self._encoder = encoder
        log.info("embedder %s ready in %.1f s (%s on %s, %d threads, batches of %d)", cfg.model,
                 time.perf_counter() - t0, encoder.name, encoder.device, threads, self._batch)

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            raise RuntimeError("Embedder is not warmed up: call warm_up() before embedding")
        return self._encoder

    # ------------------------------------------------------------------------------------------ facts
    @property
    def dim(self) -> int:
        return self.encoder.dim

    @property
    def backend(self) -> str:
        """The runtime that embeds ("onnx", "torch", "torch-int8") and where ("cpu", "cuda")."""
        return f"{self.encoder.name}@{self.encoder.device}"

    @property
    def tokenizer(self) -> Any:
        return self.encoder.tokenizer

    def prompt(self, kind: str) -> str:
        """The text put before a query or a passage ("query: ", "passage: "), "" if the model has none."""
        prompts = self.encoder.prompts
        names = (QUERY_PROMPT,) if kind == "query" else PASSAGE_PROMPTS
        return next((prompts[n] for n in names if n in prompts), "")

    # ------------------------------------------------------------------------------------------ embedding
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Questions -> ``(n, dim)`` float32, with the model's ``query`` prompt."""
        return self._vectors(texts, "query", progress=False)

    def embed_passages(self, texts: list[str], progress: Progress = False, what: str = "passages") -> np.ndarray:
        """Passages -> ``(n, dim)`` float32, with the ``document``/``passage`` prompt, in batches."""
        return self._vectors(texts, "passage", progress=progress, what=what)

    def _vectors(self, texts: list[str], kind: str, progress: Progress, what: str = "") -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of strings, not a single string")
        encoder = self.encoder
        out = np.empty((len(texts), encoder.dim), dtype=np.float32)
        for idx, f, _ in self._batches(texts, kind, progress, what):
            out[idx] = _mean_pool(f.last, f.mask)
        return out

    def _batches(self, texts: list[str], kind: str, progress: Progress, what: str = "") -> Any:
        """(indices, Forward, prompt length) per batch, shortest texts first (padding to the longest of a batch is
        wasted work). Queries go one at a time: under dynamic int8 a batch's activations are quantised together,
        so batch-mates would move a question's vector."""
        encoder = self.encoder
        prompt = self.prompt(kind)
        batch = 1 if kind == "query" else self._batch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        what = what or f"{kind}s"
        report = progress if callable(progress) else None
        bar = _progress_bar(len(texts), f"embedding {len(texts)} {what}") if progress is True else None
        try:
            for lo in range(0, len(order), batch):
                idx = order[lo : lo + batch]
                yield idx, encoder.forward([prompt + texts[i] for i in idx]), len(prompt)
                if bar is not None:
                    bar.update(len(idx))
                if report is not None:
                    report(what, lo + len(idx), len(texts))
        finally:
            if bar is not None:
                bar.close()

    def embed_with_tokens(
        self,
        texts: list[str],
        kind: str = "passage",
        progress: Progress = False,
        spans: list[list[tuple[int, int]]] | None = None,
    ) -> tuple[np.ndarray, list[TokenStates], list[np.ndarray]]:
        """One forward pass per text -> its vector (as `embed_queries` / `embed_passages` give it), its
        `TokenStates`, and, for each text's character `spans` (sentences), a vector pooled from the same pass:
        the mean of the last layer's states of the tokens inside the span, normalised ("late chunking",
        Günther et al. 2024): a sentence read in its passage's context, at no extra cost. `kind` is "query" or
        "passage" (the e5 prompt). One question is encoded once for its `RECENT_QUERIES` next reads (the arrays
        are read-only)."""
        one_question = kind == "query" and len(texts) == 1 and spans is None
        if one_question:
            with self._recent_lock:
                if texts[0] in self._recent:
                    self._recent.move_to_end(texts[0])
                    return self._recent[texts[0]]
        result = self._embed_with_tokens(texts, kind, progress, spans)
        if one_question:
            for a in (result[0], result[1][0].vectors, result[1][0].spans, result[1][0].starts):
                a.setflags(write=False)
            with self._recent_lock:
                self._recent[texts[0]] = result
                while len(self._recent) > RECENT_QUERIES:
                    self._recent.popitem(last=False)
        return result

    def _embed_with_tokens(
        self, texts: list[str], kind: str, progress: Progress, spans: list[list[tuple[int, int]]] | None
    ) -> tuple[np.ndarray, list[TokenStates], list[np.ndarray]]:
        encoder = self.encoder
        special = set(encoder.tokenizer.all_special_ids)
        vectors = np.empty((len(texts), encoder.dim), dtype=np.float32)
        states: dict[int, TokenStates] = {}
        pooled: dict[int, np.ndarray] = {}
        for idx, f, prompt_len in self._batches(texts, kind, progress):
            vectors[idx] = _mean_pool(f.last, f.mask)
            norms = np.linalg.norm(f.inner, axis=-1, keepdims=True)
            inner = f.inner / np.maximum(norms, 1e-12)
            for j, i in enumerate(idx):
                offsets = f.offsets[j] - prompt_len
                keep = np.array([t not in special for t in f.ids[j]]) & (offsets[:, 0] >= 0) & (f.mask[j] > 0)
                pieces = encoder.tokenizer.convert_ids_to_tokens([int(t) for t, k in zip(f.ids[j], keep) if k])
                states[i] = TokenStates(
                    vectors=np.ascontiguousarray(inner[j][keep], dtype=np.float32),
                    spans=offsets[keep].astype(np.int32),
                    starts=np.array([p.startswith(WORD_START) for p in pieces], dtype=bool),
                )
                if spans is not None:
                    pooled[i] = _pool_spans(f.last[j][keep], states[i].spans, spans[i], encoder.dim)
        return vectors, [states[i] for i in range(len(texts))], [pooled[i] for i in range(len(texts))] if spans is not None else []


def _mean_pool(last: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the last layer over the real tokens, prompt included (as e5 was trained), L2-normalised."""
    m = mask[..., None].astype(np.float32)
    v = (last * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


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
