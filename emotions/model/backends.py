"""How :class:`~emotions.model.inference.EmotionClassifier` runs its model: one *runner* per backend.

A runner maps padded token ids and their attention mask (``int64`` arrays ``[batch, seq]``)
to logits (``float32 [batch, labels]``). Backends:

- ``torch``: the checkpoint as loaded, fp32 (the reference; the default).
- ``onnx``: the same model exported to ONNX, run by ONNX Runtime (fp32).
- ``onnx-int8``: an export with each layer's attention fused into one op, every MatMul
  dynamically quantised to int8 (see :func:`emotions.model.onnxfiles.fuse_attention` and
  :func:`emotions.model.onnxfiles.quantize_onnx`). Dynamic quantisation picks one scale per
  input tensor, so a batched text's scores would depend on its companions and their padding
  (9.6% of test texts changed labels between batch sizes 1 and 64): it runs each text alone,
  unpadded (:class:`PerText`), and a text's answer is a function of the text alone.

Every backend is *batch-independent*: a text's probabilities are the same, to 1e-4, alone or
in any batch, in any order (tests/model/test_batch_independence.py; the int8 recipe was chosen
by ``scripts/compare_backends.py``, docs/benchmarks.md).

Pick one with ``EmotionClassifier.from_pretrained(..., backend=...)`` or the environment
variable ``EMOTIONS_BACKEND``. The ONNX backends need ``onnxruntime`` and ``onnx``
(requirements.txt); :mod:`emotions.model.onnxfiles` exports, quantises and caches their files.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import onnxfiles
from .threads import default_threads, usable_cores

logger = logging.getLogger(__name__)
BACKENDS = ("torch", "onnx", "onnx-int8")
BACKEND_ENV = "EMOTIONS_BACKEND"
# The app's default: int8 ONNX answers 4x faster than torch with test macro-F1 within 0.001 of
# it (docs/benchmarks.md). torch stays the reference, and the fallback without onnxruntime.
APP_BACKEND = "onnx-int8"
# Single-threaded copies of the int8 session that share out a batch, at most (each holds the
# weights: 23 MB for the served model), however many cores a big machine reports.
MAX_COPIES = 8

if TYPE_CHECKING:  # torch is imported only by the torch backend and exports: it takes seconds
    import torch


def resolve_backend(name: str | None = None, default: str = "torch") -> str:
    """``name``, else ``$EMOTIONS_BACKEND``, else ``default``; unknown names raise ``ValueError``."""
    chosen = (name or os.environ.get(BACKEND_ENV) or default).strip().lower()
    if chosen not in BACKENDS:
        raise ValueError(f"Unknown backend {chosen!r}: choose one of {', '.join(BACKENDS)}.")
    return chosen


def app_backend(name: str | None = None) -> str:
    """What the app serves: ``name``, else ``$EMOTIONS_BACKEND``, else ``APP_BACKEND`` when
    ONNX Runtime is installed (requirements.txt has it), else the torch reference."""
    return resolve_backend(name, default=APP_BACKEND if onnx_available() else "torch")


def onnx_available() -> bool:
    """True when ONNX Runtime and onnx (export, quantisation) are installed. Found, not imported:
    importing onnx took 1.9 s of the app's cold start (docs/model.md) and only an export needs it."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnx", "onnxruntime"))


def pad_batch(rows: list[list[int]], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad token id lists to the longest: ``(input_ids, attention_mask)``, int64."""
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def length_batches(lengths: list[int], batch_size: int, max_tokens: int) -> list[np.ndarray]:
    """Indices of texts grouped shortest first, each group at most ``batch_size`` texts and
    ``max_tokens`` padded tokens (its size times its longest), so one long text does not pad
    a whole batch of short ones to its length."""
    order = np.argsort(lengths, kind="stable")
    groups: list[list[int]] = [[]]
    for i in order:
        group = groups[-1]
        if group and (len(group) >= batch_size or (len(group) + 1) * lengths[i] > max_tokens):
            groups.append(group := [])
        group.append(int(i))
    return [np.array(g) for g in groups if g]


class TorchRunner:
    def __init__(self, model: torch.nn.Module):
        self.model = model.eval()

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            ids, mask = torch.from_numpy(input_ids), torch.from_numpy(attention_mask)
            return self.model(input_ids=ids, attention_mask=mask).logits.float().numpy()


class OnnxRunner:
    def __init__(self, path: str | Path, threads: int | None = None):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()  # torch's budget, or the quota's
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.path = Path(path)
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        return self.session.run(["logits"], feeds)[0]


class PerText:
    """Runs each row alone, without its padding: the answer of a runner whose numbers depend on
    the whole input tensor (dynamic int8) then depends on that row only.

    One row goes to ``runner`` (all the cores on one text: 1.7x faster than one core for a short
    text). Many rows are shared out among ``workers`` single-threaded copies made by ``make_one``
    on first use, one per core, each running its rows on a thread of its own: a short text
    keeps two cores less busy than it keeps one, so batches ran 1.1x to 1.65x faster, and far
    steadier, in one process (docs/benchmarks.md). Every copy runs the same file, so a row's
    answer is the same whichever runs it (tests/model/test_batch_independence.py).
    """

    pads = False  # each row runs unpadded: callers need not group rows by length

    def __init__(self, runner, make_one: Callable[[], object] | None = None, workers: int = 1):
        self.runner = runner
        self._make_one, self.workers = make_one, max(1, workers) if make_one else 1
        self._copies: list | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name):  # the wrapped runner's path, session, ...
        return getattr(self.runner, name)

    def _parallel(self) -> tuple[list, ThreadPoolExecutor]:
        with self._lock:
            if self._pool is None:
                self._copies = [self._make_one() for _ in range(self.workers)]
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="per-text")
            return self._copies, self._pool

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        lengths = attention_mask.sum(1)
        rows = [(input_ids[i : i + 1, :n], attention_mask[i : i + 1, :n]) for i, n in enumerate(lengths)]
        if len(rows) == 1 or self.workers == 1:
            return np.concatenate([self.runner(*row) for row in rows])
        copies, pool = self._parallel()
        k = len(copies)

        def run(j: int) -> np.ndarray:  # copy j takes rows j, j + k, ...: sorted by length, all get alike
            return np.concatenate([copies[j](*row) for row in rows[j::k]])

        parts = list(pool.map(run, range(min(k, len(rows)))))
        out = np.empty((len(rows), parts[0].shape[1]), parts[0].dtype)
        for j, part in enumerate(parts):
            out[j::k] = part
        return out


def per_text(path: Path, threads: int | None = None) -> PerText:
    """The int8 runner: one session on every core for one text, one single-threaded copy per
    core for many."""
    workers = min(threads or default_threads() or usable_cores(), MAX_COPIES)
    return PerText(OnnxRunner(path, threads), lambda: OnnxRunner(path, threads=1), workers)


def make_runner(backend: str, model_dir: str | Path, load_model: Callable[[], torch.nn.Module]):
    """A runner for ``backend`` on the checkpoint in ``model_dir``. ``load_model`` gives its
    torch model; the ONNX backends call it only to export (not when the file exists)."""
    if backend == "torch":
        return TorchRunner(load_model())
    if not onnx_available():
        raise ValueError(f"Backend {backend!r} needs onnxruntime and onnx: pip install -r requirements.txt")
    int8 = backend == "onnx-int8"
    open_runner = per_text if int8 else OnnxRunner
    path = onnxfiles.onnx_file(model_dir, int8, load_model)
    try:
        return open_runner(path)
    except Exception as err:  # ONNX Runtime's errors (InvalidProtobuf, Fail) are RuntimeErrors
        if path.parent != onnxfiles.cache_dir():
            raise ValueError(
                f"{path} does not load in ONNX Runtime ({err}). Delete it to export the checkpoint "
                "afresh, or set EMOTIONS_BACKEND=torch."
            ) from err
        logger.warning("Cached ONNX file %s does not load (%s); exporting it again.", path, err)
        path.unlink()
        return open_runner(onnxfiles.onnx_file(model_dir, int8, load_model))
