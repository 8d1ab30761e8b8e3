"""What a model's outputs mean: probabilities from logits, which labels are detected, and
the label names a config gives (multi-label: sigmoid and thresholds; single-label: softmax,
the strongest label always detected, any other that reaches its threshold too)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Prediction:
    text: str
    labels: list[str]  # the labels detected, strongest first
    scores: dict[str, float]  # every label's probability


def is_multi_label(config) -> bool:
    """Multi-label (sigmoid, each label on its own) when the config says so; else single-label
    (softmax over the labels, the strongest one always detected)."""
    return getattr(config, "problem_type", None) == "multi_label_classification"


def activate(logits: np.ndarray, multi_label: bool) -> np.ndarray:
    """Probabilities from logits ``[..., n_labels]``: sigmoid (multi-label) or softmax, float32,
    in numpy (the ONNX backends serve without importing torch)."""
    x = np.asarray(logits, dtype=np.float32)
    if multi_label:
        with np.errstate(over="ignore"):  # exp(88+) is inf in float32, and 1 / inf is the right 0
            return (1 / (1 + np.exp(-x))).astype(np.float32)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def detected(probs: np.ndarray, thresholds: np.ndarray | float, multi_label: bool) -> np.ndarray:
    """Which labels are detected: those whose probability reaches its threshold, and for a
    single-label model the strongest one too (``probs``: ``[n_labels]`` or ``[n, n_labels]``)."""
    probs = np.asarray(probs)
    passed = probs >= thresholds
    if not multi_label and probs.shape[-1]:
        top = probs.argmax(axis=-1)
        np.put_along_axis(passed, np.expand_dims(top, -1), True, axis=-1)
    return passed


def config_labels(config, where: str | Path = "config.json") -> tuple[str, ...]:
    """The labels a config names (``id2label``, in id order); a clear error if it names none."""
    id2label = getattr(config, "id2label", None) or {}
    n = getattr(config, "num_labels", len(id2label))
    if not id2label or any(i not in id2label for i in range(n)):
        raise ValueError(
            f"{where} does not name its {n} labels (id2label is missing or incomplete): "
            'set config.id2label = {0: "joy", 1: "anger", ...} and save it again.'
        )
    return tuple(str(id2label[i]) for i in range(n))


def strongest_first(probs: np.ndarray, passed: np.ndarray) -> np.ndarray:
    """The indices where ``passed``, strongest probability first (ties: in label order)."""
    passing = np.flatnonzero(passed)
    return passing[np.argsort(-np.asarray(probs)[passing], kind="stable")]


def rounded_scores(names, probs) -> dict[str, float]:
    """Every name's probability, rounded to 6 decimals: how every answer shows them."""
    return {name: round(float(p), 6) for name, p in zip(names, probs)}


def to_prediction(text: str, probs: np.ndarray, labels: list[str], passed: np.ndarray) -> Prediction:
    """The one result of one text: the labels detected, strongest first, and every score."""
    return Prediction(
        text=text,
        labels=[labels[i] for i in strongest_first(probs, passed)],
        scores=rounded_scores(labels, probs),
    )
