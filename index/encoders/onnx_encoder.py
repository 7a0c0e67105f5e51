"""The model through ONNX Runtime, fp32: the same vectors as PyTorch fp32 (cosine 1.0000), about twice as fast as
PyTorch's int8 on this kind of CPU (AVX2, no VNNI), and deterministic — a text's vector does not depend on its
batch-mates, as it does under dynamic int8.

The ONNX graph is exported once per model folder from the PyTorch weights (`export`), with two outputs: the last
layer (for pooling) and the alignment layer (for token states); it is kept beside the weights.
"""
from __future__ import annotations

import logging
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from index.encoders.base import Encoder, Forward

log = logging.getLogger(__name__)
_EXPORT_LOCK = threading.Lock()


def onnx_path(folder: Path, layer: int) -> Path:
    return folder / "onnx" / f"kaynak-layer{layer}.onnx"


def available() -> bool:
    """ONNX Runtime (a dependency) and the exporter's `onnx` package both import."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def export(folder: Path, layer: int) -> Path:
    """The model's ONNX graph (last layer and layer `layer` as outputs), exported once; written to a temporary
    name and moved into place, so a half-written file is never read."""
    path = onnx_path(folder, layer)
    with _EXPORT_LOCK:
        if path.is_file():
            return path
        import torch
        from transformers import AutoModel

        model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

        class Outputs(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
                out = self.model(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
                return out.last_hidden_state, out.hidden_states[layer]

        _export = torch.onnx.export
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        sample = torch.ones((2, 8), dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        log.info("exporting %s to ONNX (once)", folder.name)
        with warnings.catch_warnings():  # the tracer's notes on shapes it treats as constants: none matter here
            warnings.simplefilter("ignore")
            _export(
                Outputs(), (sample, sample), str(tmp), input_names=["input_ids", "attention_mask"],
                output_names=["last", "inner"], opset_version=17, dynamo=False,
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last": axes, "inner": axes},
            )
        os.replace(tmp, path)
        return path


class OnnxEncoder(Encoder):
    name = "onnx"

    def __init__(self, folder: Path, layer: int, max_length: int, threads: int, device: str = "cpu") -> None:
        super().__init__(folder, layer, max_length)
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if device.startswith("cuda") else ["CPUExecutionProvider"]
        self.session = ort.InferenceSession(str(export(folder, layer)), options, providers=providers)
        self.device = device
        self._dim = int(self.session.get_outputs()[0].shape[-1] or 0) or self._probe_dim()

    @property
    def dim(self) -> int:
        return self._dim

    def _probe_dim(self) -> int:
        return int(self.forward(["x"]).last.shape[-1])

    def forward(self, texts: list[str]) -> Forward:
        enc = self._tokenize(texts, "np")
        ids = enc["input_ids"].astype(np.int64)
        mask = enc["attention_mask"].astype(np.int64)
        last, inner = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return Forward(last=last, inner=inner, mask=mask, ids=ids, offsets=enc["offset_mapping"])
