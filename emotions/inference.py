"""Score texts with a fine-tuned checkpoint: ``EmotionClassifier.from_pretrained``."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from . import modeling  # noqa: F401  (registers the mean-pooling head)
from .thresholds import load_thresholds

logger = logging.getLogger(__name__)
MAX_LENGTH = 128  # tokens scored per text; GoEmotions comments are nearly all under 64
BATCH_SIZE = 64  # texts per forward pass when scoring many


@dataclass
class Prediction:
    text: str
    labels: list[str]  # the labels that pass their thresholds, strongest first
    scores: dict[str, float]  # every label's probability


def check_checkpoint(path: Path) -> None:
    """Fail early, naming the file, when a checkpoint folder is missing or broken."""
    if not path.is_dir():
        raise FileNotFoundError(f"Model folder not found: {path}. Train one or pass the right path.")
    config = path / "config.json"
    if not config.is_file():
        raise FileNotFoundError(f"{config} is missing: the folder is not a Hugging Face checkpoint.")
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{config} is corrupt ({err}); restore it from the Hub or retrain.") from None
    if not isinstance(data, dict) or not data.get("id2label"):
        raise ValueError(f"{config} has no id2label: the checkpoint does not describe its labels.")
    if not (path / "model.safetensors").is_file():
        raise FileNotFoundError(f"{path / 'model.safetensors'} is missing: no weights to load.")
    if not (path / "tokenizer.json").is_file() and not (path / "vocab.txt").is_file():
        raise FileNotFoundError(f"{path} has no tokenizer files (tokenizer.json or vocab.txt).")


class EmotionClassifier:
    """A multi-label emotion model, its tokenizer and its calibrated thresholds."""

    def __init__(self, model, tokenizer, thresholds: dict[str, float] | None = None, source: str = ""):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.labels: list[str] = [model.config.id2label[i] for i in range(model.config.num_labels)]
        self.thresholds = thresholds or {name: 0.5 for name in self.labels}
        self.source = source

    @classmethod
    def from_pretrained(
        cls, model_dir: str | Path, thresholds: str | Path | None = None
    ) -> EmotionClassifier:
        """Load a checkpoint folder and (optionally) its ``thresholds.json``."""
        path = Path(model_dir)
        check_checkpoint(path)
        try:
            model = AutoModelForSequenceClassification.from_pretrained(path, dtype=torch.float32)
            tokenizer = AutoTokenizer.from_pretrained(path)
        except Exception as err:  # safetensors/tokenizers raise many types for a bad file
            raise ValueError(f"Could not load the checkpoint in {path}: {err}") from err
        labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        found = load_thresholds(thresholds, labels) if thresholds is not None else None
        return cls(model, tokenizer, found, source=str(path))

    @property
    def threshold_array(self) -> np.ndarray:
        return np.array([self.thresholds[n] for n in self.labels], dtype=np.float32)

    @torch.inference_mode()
    def predict_proba(
        self, texts: str | list[str], batch_size: int = BATCH_SIZE, progress: bool = False
    ) -> np.ndarray:
        """Probabilities ``[len(texts), n_labels]``, in input order.

        Texts are sorted by length and padded per batch, so a batch of short texts
        costs only their length.
        """
        texts = [texts] if isinstance(texts, str) else list(texts)
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        if not texts:
            return out
        enc = self.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]
        order = np.argsort([len(ids) for ids in enc], kind="stable")
        batches = range(0, len(texts), batch_size)
        if progress:
            from tqdm.auto import tqdm

            batches = tqdm(batches, desc="Scoring", unit="batch")
        for start in batches:
            idx = order[start : start + batch_size]
            batch = self.tokenizer.pad({"input_ids": [enc[i] for i in idx]}, return_tensors="pt")
            logits = self.model(**batch).logits
            out[idx] = torch.sigmoid(logits.float()).numpy()
        return out

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
        cut = self.threshold_array if threshold is None else np.float32(threshold)
        return [to_prediction(t, p, self.labels, cut) for t, p in zip(texts, probs)]


def to_prediction(text: str, probs: np.ndarray, labels: list[str], cut: np.ndarray) -> Prediction:
    passing = np.flatnonzero(probs >= cut)
    strongest = passing[np.argsort(-probs[passing], kind="stable")]
    return Prediction(
        text=text,
        labels=[labels[i] for i in strongest],
        scores={name: round(float(p), 6) for name, p in zip(labels, probs)},
    )
