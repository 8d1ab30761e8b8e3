"""The ONNX files behind the ``onnx`` and ``onnx-int8`` backends: export, quantise, cache, ship.

The checkpoint is exported to ONNX (fp32, dynamic batch and sequence axes). The int8 file
comes from a second export, whose attention ONNX Runtime fuses into one op per layer,
quantised to int8 (see :func:`fuse_attention` and :func:`quantize_onnx`). Files are named
by a hash of the weights and config (:func:`weights_key`), so a retrained checkpoint is
exported afresh. They are looked for first in the checkpoint's ``onnx/`` folder (``python -m
emotions.model.onnxfiles MODEL_DIR`` writes them there, and ``publish`` ships the int8 one in the
model repo), then in ``$EMOTIONS_ONNX_CACHE`` (default ``~/.cache/emotions/onnx``), where a
missing file is exported on first use (seconds).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .checkpoint import load_torch_model

if TYPE_CHECKING:  # imported by exports only: serving a file that exists needs no torch
    import torch

logger = logging.getLogger(__name__)
CACHE_ENV = "EMOTIONS_ONNX_CACHE"
OPSET = 17
INT8_NAME = "int8v4"  # in the int8 file's name: change it when the int8 recipe changes


def _logits_module(model: torch.nn.Module) -> torch.nn.Module:
    """The classifier as ``(input_ids, attention_mask) -> logits`` for the exporter."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, model: torch.nn.Module):
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    return Logits(model)


def export_onnx(model: torch.nn.Module, path: str | Path, fused: bool = False) -> Path:
    """Export ``model`` (fp32, eval) to ONNX with dynamic batch and sequence axes; ``fused``:
    with its attention as one ONNX Runtime op per layer (see :func:`fuse_attention`)."""
    import warnings

    import torch

    if fused:  # the fusion knows the graph of transformers' eager attention, not of SDPA's
        previous = model.config._attn_implementation
        model.set_attn_implementation("eager")
        try:
            return fuse_attention(export_onnx(model, path), model.config)
        finally:
            model.set_attn_implementation(previous)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Two rows of different lengths: the traced graph keeps the padding mask.
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    ids = torch.tensor([[2, 5, 6, 3], [2, 5, 3, 0]]) % model.config.vocab_size * mask
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    # eval() on the wrapper too: the exporter puts the module back in its previous mode,
    # and a fresh nn.Module is in training mode (dropout on) for every later torch call.
    wrapper = _logits_module(model.float()).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter about shapes it treats as constants
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(tmp),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}},
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter: no onnxscript needed, handles this model
        )
    model.eval()
    tmp.replace(path)  # atomic: a half-written file is never picked up
    return path


def fuse_attention(path: Path, config) -> Path:
    """Fuse each layer's attention (Q, K, V projections, scores, softmax, mix) into one ONNX
    Runtime ``Attention`` op, in place; quantised, it becomes ``QAttention``, whose one int8
    GEMM for Q, K and V quantises the input once instead of three times.

    Only this fusion: measured on the shipped model (int8v3, quiet, same session), single-text
    p50 3.83 -> 3.42 ms and batch +3-5%, dev macro-F1 the same (0.5390 against 0.5388), test
    0.5385 against 0.5404 (fp32 0.5414). With ONNX Runtime's other BERT fusions too (skip
    layer norm, bias GELU, embedding layer norm), batch was 5% slower than unfused.
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    for name in ("skip_layer_norm", "bias_skip_layer_norm", "bias_gelu", "embed_layer_norm"):
        setattr(options, f"enable_{name}", False)
    heads, width = config.num_attention_heads, config.hidden_size
    model = optimize_model(str(path), "bert", heads, width, optimization_options=options, opt_level=0)
    fused = model.get_fused_operator_statistics().get("Attention", 0)
    if fused != config.num_hidden_layers:  # still correct, only slower
        logger.warning("Fused %d of %d attention layers in %s.", fused, config.num_hidden_layers, path)
    model.save_model_to_file(str(path))
    return path


def quantize_onnx(src: str | Path, dst: str | Path, keep_fp32: Sequence[str] = ()) -> Path:
    """Dynamic int8 quantisation of every MatMul of an fp32 ONNX file (but the nodes named in
    ``keep_fp32``): per-channel int8 weights, activations quantised per call.

    Measured on the shipped model with the attention fused (``scripts/compare_models.py``;
    dev decides, test reported): dev macro-F1 -0.0002 and test -0.0009 against fp32, the
    same labels on 90% of test texts, and 19% more texts/s and 23% less time for one text
    than keeping each layer's feed-forward output projection in fp32 (the previous recipe,
    int8v3: dev +0.004, test -0.003). Without the attention fused, quantising every MatMul
    had cost test -0.006. Per-tensor weights, 7-bit (``reduce_range``) and uint8 weights
    were no better; nor was SmoothQuant on the feed-forward outputs (docs/benchmarks.md).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    dst = Path(dst)
    tmp = dst.with_suffix(f".{os.getpid()}.tmp")
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.ERROR))  # the quantiser logs every node (and advice) on root
    try:
        quantize_dynamic(
            str(src), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
            nodes_to_exclude=list(keep_fp32),
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # types of fused ops' outputs
        )  # fmt: skip
    finally:
        root.setLevel(level)
    tmp.replace(dst)
    return dst


def weights_key(model_dir: str | Path) -> str:
    """Short hash of the checkpoint's weights and config: names its exported files."""
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors"):
        with open(Path(model_dir) / name, "rb") as f:
            while chunk := f.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def file_name(key: str, quantized: bool) -> str:
    """``model-<weights key>.onnx``, or ``model-<weights key>-<INT8_NAME>.onnx`` for int8."""
    return f"model-{key}{'-' + INT8_NAME if quantized else ''}.onnx"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "emotions" / "onnx")


def onnx_file(model_dir: str | Path, quantized: bool, load_model: Callable[[], torch.nn.Module]) -> Path:
    """The ONNX file for this checkpoint: shipped, cached, or exported (and cached) now.

    ``load_model`` gives the torch model; it is called only when an export is needed.
    """
    key = weights_key(model_dir)
    name = file_name(key, quantized)
    for folder in (Path(model_dir) / "onnx", cache_dir()):
        if (folder / name).is_file():
            return folder / name
    logger.info("Exporting %s to ONNX (once per checkpoint): %s", model_dir, cache_dir() / name)
    model = load_model()
    try:
        return _int8(model, cache_dir() / name) if quantized else export_onnx(model, cache_dir() / name)
    except Exception as err:  # the exporter, the fusion or the quantiser: an architecture they miss
        kind = type(model).__name__
        raise ExportError(
            f"{kind} from {model_dir} does not export to ONNX ({type(err).__name__}: {err})"
        ) from err


class ExportError(ValueError):
    """A checkpoint that the ONNX exporter (or int8 recipe) cannot handle."""


def _int8(model: torch.nn.Module, path: Path) -> Path:
    """The int8 file: a fused export (a temporary file), quantised."""
    fused = path.with_suffix(f".fused.{os.getpid()}.tmp")
    try:
        return quantize_onnx(export_onnx(model, fused, fused=True), path)
    finally:
        fused.unlink(missing_ok=True)


def export_beside(model_dir: str | Path, keep_fp32: bool = True) -> list[Path]:
    """Write the ONNX files (both, or only int8) into ``MODEL_DIR/onnx/``, where loading looks first."""
    model_dir = Path(model_dir)
    key = weights_key(model_dir)
    model = load_torch_model(model_dir)
    int8 = _int8(model, model_dir / "onnx" / file_name(key, quantized=True))
    if not keep_fp32:
        return [int8]
    return [export_onnx(model, model_dir / "onnx" / file_name(key, quantized=False)), int8]


if __name__ == "__main__":  # python -m emotions.model.onnxfiles [MODEL_DIR]: ship the exports with it
    import argparse

    parser = argparse.ArgumentParser(description="Export a checkpoint to MODEL_DIR/onnx/ (fp32 and int8).")
    parser.add_argument("model_dir", nargs="?", default="model", help="checkpoint folder (default: model)")
    parser.add_argument(
        "--int8-only", action="store_true", help="keep only the int8 file (what the app serves)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    for written in export_beside(args.model_dir, keep_fp32=not args.int8_only):
        logger.info("Wrote %s (%.1f MB)", written, written.stat().st_size / 1e6)
