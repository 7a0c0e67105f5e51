"""Embedding speed and agreement of the CPU backends on real thesis passages.

    .venv/bin/python benchmarks/embed_backends.py [--n 300] [--skip-onnx]

Passages: the bundled thesis, lines joined, cut into ~800-character pieces (the size ingest makes). For each
configuration: passages/s (wall clock, and estimated from process CPU time / threads so a busy shared machine
does not hide the backend's own cost), ms per single query, mean and min cosine to torch fp32, and top-1
agreement with fp32 on 30 query -> passage searches (query = a sentence from the passage).
ONNX runs only if ``onnxruntime`` and ``onnx`` import: exported with ``torch.onnx`` from the local folder
(offline; sentence-transformers' own ONNX backend needs optimum-onnx, which pins transformers < 5) and
quantised with onnxruntime's dynamic int8, and rewritten by onnxruntime's transformer optimizer (fused layer
norms and GELU), cached under ``<models_dir>/bench-onnx``.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kaynak.config import BUNDLED_CORPUS, Settings  # noqa: E402
from index.embedder import Embedder, configure_torch_threads  # noqa: E402
from index.model_build import ensure_model  # noqa: E402

warnings.simplefilter("ignore")
QUERIES = 30


def passages(n: int, size: int = 800) -> list[str]:
    text = " ".join(l.strip() for l in BUNDLED_CORPUS.read_text(encoding="utf-8").splitlines() if l.strip())
    text = re.sub(r"\s+", " ", text)
    start = len(text) // 20  # skip the cover pages and the table of contents
    pieces = [text[i: i + size] for i in range(start, len(text) - size, size)]
    step = max(1, len(pieces) // n)  # spread over tr/ky/ru/en parts
    return pieces[::step][:n]


def queries(ps: list[str]) -> tuple[list[str], list[int]]:
    idx = np.linspace(0, len(ps) - 1, QUERIES).astype(int).tolist()
    qs = []
    for i in idx:
        sents = [s for s in re.split(r"(?<=[.!?])\s+", ps[i]) if len(s) > 40]
        qs.append((sents[1] if len(sents) > 2 else ps[i][200:330])[:160])
    return qs, idx


def timed(fn, *args):
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w, time.process_time() - c


class TorchRun:
    def __init__(self, backend: str, batch: int, seq: int):
        s = Settings()
        s.embedder.backend, s.embedder.batch_size, s.embedder.max_seq_length = backend, batch, seq
        self.e = Embedder(s)
        self.e.warm_up()

    def passages(self, ps):
        return self.e.embed_passages(ps)

    def query(self, q):
        return self.e.embed_queries([q])[0]


class OnnxRun:
    """Plain onnxruntime session over the exported BertModel; mean pooling + L2 norm in numpy."""

    def __init__(self, path: Path, batch: int, seq: int, threads: int):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        so = ort.SessionOptions()
        so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
        self.sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.tok = Tokenizer.from_file(str(Path(ensure_model(Settings())) / "tokenizer.json"))
        self.tok.enable_truncation(seq)
        self.tok.enable_padding(pad_id=1, pad_token="<pad>")
        self.batch = batch

    def _embed(self, texts):
        order = np.argsort([-len(t) for t in texts])  # length-sorted batches, as sentence-transformers does
        out = np.empty((len(texts), 384), dtype=np.float32)
        for i in range(0, len(texts), self.batch):
            sel = order[i: i + self.batch]
            enc = self.tok.encode_batch([texts[j] for j in sel])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            am = np.array([e.attention_mask for e in enc], dtype=np.int64)
            h = self.sess.run(None, {"input_ids": ids, "attention_mask": am})[0]
            v = (h * am[..., None]).sum(1) / am.sum(1, keepdims=True)
            out[sel] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out

    def passages(self, ps):
        return self._embed(["passage: " + p for p in ps])

    def query(self, q):
        return self._embed(["query: " + q])[0]


def export_onnx(cache: Path) -> tuple[Path, Path, Path]:
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    fp32, int8, fused = cache / "model.onnx", cache / "model-int8.onnx", cache / "model-fused.onnx"
    cache.mkdir(parents=True, exist_ok=True)
    if not fp32.is_file():
        bert = AutoModel.from_pretrained(str(ensure_model(Settings())), dtype=torch.float32).eval()

        class Wrap(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask):
                return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

        ids = torch.randint(5, 1000, (2, 16))
        axes = {0: "batch", 1: "seq"}
        tmp = fp32.with_suffix(".tmp")
        torch.onnx.export(Wrap(bert), (ids, torch.ones_like(ids)), str(tmp), opset_version=17, dynamo=False,
                          input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes})
        os.replace(tmp, fp32)
    if not int8.is_file():
        tmp = int8.with_suffix(".tmp.onnx")
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(tmp, int8)
    if not fused.is_file():
        from onnxruntime.transformers import optimizer

        tmp = fused.with_suffix(".tmp.onnx")
        optimizer.optimize_model(str(fp32), model_type="bert", num_heads=12, hidden_size=384).save_model_to_file(str(tmp))
        os.replace(tmp, fused)
    del onnx
    return fp32, int8, fused


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="passages to embed per configuration")
    ap.add_argument("--skip-onnx", action="store_true")
    ap.add_argument("--quick", action="store_true", help="only the backends at batch 32 / seq 256")
    args = ap.parse_args()
    threads = configure_torch_threads()
    ps = passages(args.n)
    qs, gold = queries(ps)
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(ensure_model(Settings())))
    lens = [len(tok("passage: " + p)["input_ids"]) for p in ps]
    print(f"{len(ps)} passages, {np.mean([len(p) for p in ps]):.0f} chars, tokens mean {np.mean(lens):.0f} "
          f"max {max(lens)}; {threads} threads; load average {os.getloadavg()[0]:.1f}")

    configs: list[tuple[str, object]] = [("torch fp32  b32 s256", lambda: TorchRun("torch", 32, 256)),
                                         ("torch int8  b32 s256", lambda: TorchRun("torch-int8", 32, 256))]
    if not args.skip_onnx:
        try:
            cache = Settings().models_dir / "bench-onnx"
            o32, o8, ofused = export_onnx(cache)
            configs += [("onnx fp32   b32 s256", lambda: OnnxRun(o32, 32, 256, threads)),
                        ("onnx int8   b32 s256", lambda: OnnxRun(o8, 32, 256, threads)),
                        ("onnx fused  b32 s256", lambda: OnnxRun(ofused, 32, 256, threads))]
        except ImportError as e:
            print(f"(onnx skipped: {e})")
    if not args.quick:
        configs += [("torch fp32  b32 s512", lambda: TorchRun("torch", 32, 512)),
                    ("torch int8  b16 s256", lambda: TorchRun("torch-int8", 16, 256)),
                    ("torch int8  b64 s256", lambda: TorchRun("torch-int8", 64, 256))]

    ref_p = ref_q = None
    head = (f"{'config':22} {'p/s wall':>9} {'p/s cpu-est':>11} {'ms/query':>9} {'cos mean':>9} {'cos min':>8} "
            f"{'top1=fp32':>9} {'top1=gold':>9} {'650 chunks':>10}")
    print(head)
    print("-" * len(head))
    for name, make in configs:
        run = make()
        run.passages(ps[:4])  # warm the kernels
        P, wall, cpu = timed(run.passages, ps)
        Q = np.stack([run.query(q) for q in qs[:3]])  # warm
        t0 = time.perf_counter()
        Q = np.stack([run.query(q) for q in qs])
        ms_q = (time.perf_counter() - t0) / len(qs) * 1000
        if ref_p is None:
            ref_p, ref_q = P, Q
        cos = (P * ref_p).sum(1)
        top = (Q @ P.T).argmax(1)
        ref_top = (ref_q @ ref_p.T).argmax(1)
        est = len(ps) / (cpu / threads)
        print(f"{name:22} {len(ps) / wall:9.1f} {est:11.1f} {ms_q:9.1f} {cos.mean():9.4f} {cos.min():8.4f} "
              f"{(top == ref_top).mean():9.2f} {(top == np.array(gold)).mean():9.2f} {650 / est:9.0f}s",
              flush=True)
        del run


if __name__ == "__main__":
    main()
