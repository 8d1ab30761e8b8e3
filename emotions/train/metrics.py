"""Metrics: multi-label F1 in its four averages, per-class scores and ROC-AUC; single-label
accuracy, F1 of the argmax and the confusion matrix; the ``Trainer`` hook for either task."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score

from .calibration import calibrate_per_class


def binarize(probs: np.ndarray, thresholds: float | np.ndarray) -> np.ndarray:
    """1 where a probability reaches its threshold (one float, or one per column)."""
    return (np.asarray(probs) >= np.asarray(thresholds, dtype=np.float32)).astype(np.int8)


def f1_scores(targets: np.ndarray, preds: np.ndarray) -> dict[str, float]:
    """Macro, micro, weighted and samples F1 of 0/1 predictions."""
    out = {}
    for average in ("macro", "micro", "weighted", "samples"):
        _, _, f1, _ = precision_recall_fscore_support(targets, preds, average=average, zero_division=0)
        out[f"{average}_f1"] = float(f1)
    return out


def per_class(targets: np.ndarray, preds: np.ndarray, names: list[str]) -> list[dict]:
    """Precision, recall, F1 and support for each column, as rows of a table."""
    p, r, f1, support = precision_recall_fscore_support(targets, preds, average=None, zero_division=0)
    return [
        {"label": n, "precision": float(a), "recall": float(b), "f1": float(c), "support": int(s)}
        for n, a, b, c, s in zip(names, p, r, f1, support)
    ]


def roc_auc(targets: np.ndarray, probs: np.ndarray) -> float:
    """Macro ROC-AUC over the columns that have both classes present."""
    cols = [j for j in range(targets.shape[1]) if 0 < targets[:, j].sum() < len(targets)]
    if not cols:
        return float("nan")
    return float(roc_auc_score(targets[:, cols], probs[:, cols], average="macro"))


def best_global_threshold(
    targets: np.ndarray, probs: np.ndarray, grid: np.ndarray | None = None
) -> tuple[float, float]:
    """The single threshold with the best macro-F1, and that F1."""
    grid = np.arange(0.05, 0.951, 0.01) if grid is None else grid
    scores = [f1_scores(targets, binarize(probs, t))["macro_f1"] for t in grid]
    best = int(np.argmax(scores))
    return float(round(grid[best], 4)), float(scores[best])


def calibrated_macro_f1(targets: np.ndarray, probs: np.ndarray, multi_label: bool = True) -> float:
    """Macro-F1 at each class's best threshold on these very texts: what ``calibrate`` reaches on
    dev (unregularised), the number ``sweep`` maximises."""
    return float(np.mean(calibrate_per_class(targets, probs, multi_label=multi_label)[1]))


def compute_metrics(eval_pred) -> dict[str, float]:
    """``Trainer`` hook: dev macro-F1 at 0.5, at the best global threshold and at per-class ones."""
    logits, targets = eval_pred
    probs = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))
    targets = np.asarray(targets).astype(np.int8)
    threshold, best_f1 = best_global_threshold(targets, probs, np.arange(0.1, 0.91, 0.05))
    return {
        **f1_scores(targets, binarize(probs, 0.5)),
        "macro_f1_best_global": best_f1,
        "best_global_threshold": threshold,
        "calibrated_macro_f1": calibrated_macro_f1(targets, probs),
        "roc_auc": roc_auc(targets, probs),
    }


def compute_metrics_single(eval_pred) -> dict[str, float]:
    """``Trainer`` hook for single-label models: accuracy and F1 of the argmax."""
    logits, classes = eval_pred
    logits = np.asarray(logits, dtype=np.float64)
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    classes = np.asarray(classes).astype(int)
    targets = one_hot(classes, probs.shape[1])
    calibrated = calibrated_macro_f1(targets, probs, multi_label=False)
    return {
        **argmax_scores(classes, probs),
        "calibrated_macro_f1": calibrated,
        "roc_auc": roc_auc(targets, probs),
    }


def make_compute_metrics(multi_label: bool):
    return compute_metrics if multi_label else compute_metrics_single


def one_hot(classes: np.ndarray, n_labels: int) -> np.ndarray:
    out = np.zeros((len(classes), n_labels), dtype=np.int8)
    out[np.arange(len(classes)), classes] = 1
    return out


def argmax_scores(classes: np.ndarray, probs: np.ndarray) -> dict[str, float]:
    """Accuracy, macro and weighted F1 of the strongest label (every label counts in macro)."""
    pred = np.asarray(probs).argmax(1)
    every = list(range(np.asarray(probs).shape[1]))
    out = {"accuracy": float(accuracy_score(classes, pred))}
    for average in ("macro", "weighted"):
        _, _, f1, _ = precision_recall_fscore_support(
            classes, pred, labels=every, average=average, zero_division=0
        )
        out[f"{average}_f1"] = float(f1)
    return out


def roc_auc_per_class(targets: np.ndarray, probs: np.ndarray, names: list[str]) -> dict[str, float | None]:
    """One-vs-rest ROC-AUC of each label (None where test has only one class for it)."""
    out: dict[str, float | None] = {}
    for j, name in enumerate(names):
        col = targets[:, j]
        out[name] = float(roc_auc_score(col, probs[:, j])) if 0 < col.sum() < len(col) else None
    return out


def confusion_matrix(true: np.ndarray, pred: np.ndarray, n_labels: int) -> np.ndarray:
    """``counts[i, j]``: texts of label ``i`` predicted as ``j``."""
    counts = np.zeros((n_labels, n_labels), dtype=int)
    np.add.at(counts, (np.asarray(true, dtype=int), np.asarray(pred, dtype=int)), 1)
    return counts
