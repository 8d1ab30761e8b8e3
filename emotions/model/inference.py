"""Score texts with a fine-tuned checkpoint: ``EmotionClassifier.from_pretrained``."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from emotions.labels import LabelSet
from emotions.limits import MAX_LENGTH, MAX_TEXT_CHARS

from .backends import TorchRunner, length_batches, make_runner, pad_batch, resolve_backend
from .calibration_maps import CalibrationMaps, maps_for
from .checkpoint import (
    check_checkpoint,
    load_encoder,
    load_tokenizer,
    load_torch_model,
    read_config,
    truncating,
)
from .onnxfiles import ExportError
from .outputs import Prediction, activate, config_labels, detected, is_multi_label, to_prediction
from .preprocessing import Preprocessing
from .thresholds import load_thresholds

logger = logging.getLogger(__name__)
BATCH_SIZE = 64  # texts per forward pass when scoring many
# Padded tokens per forward pass. A 5,000-character text read by sentence put its 128-token
# whole text in a batch of 37 sentences padded to 128: 5,824 padded tokens for 1,604 real
# ones. A cap of 512 pads to 2,103 (0.35x the time), 256 to 1,811 (about 10% less again);
# the test set's throughput is the same for all three (measured in one process, alternating).
MAX_BATCH_TOKENS = 256
# Texts per call of a runner that runs each text alone (int8): a 5,000-character text's sentences
# in one call, shared out among the cores, read 1.1x (served model) to 1.3x (student) faster than
# in groups of 256 padded tokens, and the test split 1.1x (one process, alternating).
UNPADDED_GROUP = 1024


class EmotionClassifier:
    """An emotion model (multi- or single-label), its tokenizer, labels and thresholds.

    It describes itself: ``labels`` from the config's ``id2label``, ``multi_label`` from its
    ``problem_type``, roll-up views from a ``rollups.json`` beside it (``labelset``), and
    ``calibrated`` says whether thresholds were given (else 0.5 for a multi-label model, and
    the strongest label only for a single-label one). ``maps`` (calibration maps, loaded when
    the thresholds file asks for them) turn scores into probabilities that mean what they say;
    ``probabilities`` is ``"calibrated"`` with them, ``"uncalibrated"`` without.

    ``runner`` computes the logits (see :mod:`emotions.model.backends`); by default the torch
    ``model`` itself, the reference every other backend is tested against. With an ONNX
    backend whose export already exists neither torch nor transformers is imported (memory,
    start-up time): the config is read as JSON, texts are tokenised by ``encoder`` (the
    ``tokenizers`` library), and ``model`` and ``tokenizer`` load only when something reads them.
    """

    def __init__(
        self,
        model,
        tokenizer,
        thresholds: dict[str, float] | None = None,
        source: str = "",
        runner=None,
        backend: str = "torch",
        *,
        config=None,
        load_model: Callable[[], object] | None = None,
        labelset: LabelSet | None = None,
        maps: CalibrationMaps | None = None,
        encoder=None,
        pad_id: int = 0,
    ):
        if model is None and (runner is None or config is None or load_model is None):
            raise TypeError("Without a model, give the runner, the config and load_model.")
        if tokenizer is None and encoder is None:
            raise TypeError("Give the tokenizer, or the encoder (tokenizer.json's) and its pad_id.")
        self._model = model.eval() if model is not None else None
        self._load_model = load_model
        self._lock = threading.Lock()
        self._tokenizer = tokenizer
        config = model.config if model is not None else config
        self.labelset: LabelSet = labelset or LabelSet.for_labels(config_labels(config))
        self.labels: list[str] = list(self.labelset.labels)
        self.multi_label = is_multi_label(config)
        self.calibrated = thresholds is not None
        self.maps = maps
        self.probabilities = "calibrated" if maps is not None else "uncalibrated"
        default = 0.5 if self.multi_label else 1.0  # single-label: the strongest label only
        self.thresholds = thresholds or {name: default for name in self.labels}
        self.source = source
        self.runner = runner or TorchRunner(self._model)
        self.backend = backend if runner is not None else "torch"
        self.pad_id = (tokenizer.pad_token_id or 0) if tokenizer is not None else pad_id
        self.preprocessing = Preprocessing.from_config(config)  # what the checkpoint reads (emoji as words)
        # The fast tokenizer's Rust backend, truncation set once (None: a slow tokenizer).
        self.encoder = truncating(
            getattr(tokenizer, "backend_tokenizer", None) if tokenizer is not None else encoder
        )

    @property
    def model(self):
        """The torch model (loaded now if an ONNX backend has not needed it yet)."""
        with self._lock:
            if self._model is None:
                self._model = self._load_model().eval()
            return self._model

    @property
    def tokenizer(self):
        """The transformers tokenizer (loaded now if the classifier was built from tokenizer.json)."""
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(Path(self.source))
        return self._tokenizer

    @classmethod
    def from_pretrained(
        cls, model_dir: str | Path, thresholds: str | Path | None = None, backend: str | None = None
    ) -> EmotionClassifier:
        """Load a checkpoint folder and (optionally) its ``thresholds.json``.

        ``backend``: ``torch`` (default), ``onnx`` or ``onnx-int8``; None reads
        ``$EMOTIONS_BACKEND`` (see :mod:`emotions.model.backends`).
        """
        backend = resolve_backend(backend)
        path = Path(model_dir)
        check_checkpoint(path)
        if backend == "torch":
            model, runner = load_torch_model(path), None
        else:
            loaded = []  # the torch model, if an export needed it: kept rather than loaded again

            def load():
                loaded.append(load_torch_model(path))
                return loaded[-1]

            try:
                runner = make_runner(backend, path, load)
            except ExportError as err:  # an architecture the ONNX path cannot take: say so, use torch
                logger.warning("The %s backend cannot run this model (%s); using torch.", backend, err)
                backend, runner = "torch", None
                loaded = loaded or [load_torch_model(path)]
            model = loaded[0] if loaded else None
        config = model.config if model is not None else read_config(path)  # ONNX: JSON, no torch
        encoder, pad_id = load_encoder(path)  # tokenizer.json, read by the tokenizers library
        tokenizer = load_tokenizer(path) if encoder is None else None  # only vocab.txt: transformers'
        labelset = LabelSet.from_pretrained(path, config_labels(config, path / "config.json"))
        found = load_thresholds(thresholds, labelset.labels) if thresholds is not None else None
        maps = maps_for(thresholds, labelset.labels) if thresholds is not None else None
        return cls(
            model, tokenizer, found, source=str(path), runner=runner, backend=backend,
            config=config, load_model=lambda: load_torch_model(path), labelset=labelset, maps=maps,
            encoder=encoder, pad_id=pad_id,
        )  # fmt: skip

    def forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Logits ``[batch, labels]`` of padded token ids, from the chosen backend."""
        # Measured and dropped: running every forward pass on one dedicated thread saved ~4 ms
        # per quiet /predict on torch but cut the load test's throughput by a third (thread
        # hand-offs wait for a time slice when the 2 cores are busy).
        return self.runner(input_ids, attention_mask)

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text as the checkpoint reads it (its declared preprocessing),
        special tokens included, cut to ``MAX_LENGTH``."""
        if not self.preprocessing.is_identity:  # emoji names can make a text longer: cut again
            texts = [self.preprocessing(t)[:MAX_TEXT_CHARS] for t in texts]
        if self.encoder is None:  # a slow (Python) tokenizer
            return self.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]
        return [e.ids for e in self.encoder.encode_batch(texts)]

    @property
    def threshold_array(self) -> np.ndarray:
        """The thresholds in the probabilities' own precision (calibrated ones are float64)."""
        dtype = np.float32 if self.maps is None else np.float64
        return np.array([self.thresholds[n] for n in self.labels], dtype=dtype)

    def predict_proba(
        self,
        texts: str | list[str],
        batch_size: int = BATCH_SIZE,
        progress: bool = False,
        raw: bool = False,
        encoded: list[list[int]] | None = None,
    ) -> np.ndarray:
        """Probabilities ``[len(texts), n_labels]``, in input order: through the calibration
        maps when the model has them, unless ``raw`` (the model's own scores).

        Texts are sorted by length and padded per batch (at most ``batch_size`` texts and
        ``MAX_BATCH_TOKENS`` padded tokens), so a batch of short texts costs only their length.
        ``encoded``: the texts' ids from :meth:`encode`, for a caller that already has them
        (``read_document`` needs their lengths), so no text is preprocessed and tokenised twice.
        """
        texts = [t[:MAX_TEXT_CHARS] for t in ([texts] if isinstance(texts, str) else texts)]
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not texts:
            return out
        if encoded is not None and len(encoded) != len(texts):
            raise ValueError(
                f"encoded holds {len(encoded)} texts' ids for {len(texts)} texts: pass encode(texts)."
            )
        enc = self.encode(texts) if encoded is None else encoded
        # A runner that runs each text alone pads nothing: a large group shares out evenly among the cores.
        pads = getattr(self.runner, "pads", True)
        size, cap = (batch_size, MAX_BATCH_TOKENS) if pads else (UNPADDED_GROUP, sys.maxsize)
        batches = length_batches([len(ids) for ids in enc], size, cap)
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="Scoring", unit="batch")
        for idx in batches:
            logits = self.forward(*pad_batch([enc[i] for i in idx], self.pad_id))
            out[idx] = activate(logits, self.multi_label)
        return out if self.maps is None or raw else self.maps(out)

    def predict(
        self, texts: str | list[str], threshold: float | None = None, batch_size: int = BATCH_SIZE
    ) -> list[Prediction]:
        """Labels passing the calibrated thresholds (or one global ``threshold``)."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        return self.to_predictions(texts, self.predict_proba(texts, batch_size), threshold)

    def to_predictions(
        self, texts: list[str], probs: np.ndarray, threshold: float | None = None
    ) -> list[Prediction]:
        """Cut already-computed probabilities at the calibrated or a global threshold."""
        thresholds = self.threshold_array if threshold is None else np.float32(threshold)
        return [
            to_prediction(t, p, self.labels, detected(p, thresholds, self.multi_label))
            for t, p in zip(texts, probs)
        ]
