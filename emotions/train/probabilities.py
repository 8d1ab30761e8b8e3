"""Fitting calibration maps on dev, and measuring how well probabilities are calibrated.

The maps themselves (apply, save, load) are :mod:`emotions.model.calibration_maps`. Each
emotion gets Platt scaling: a logistic regression of "did the raters give this emotion?" on the
logit of the model's score (scikit-learn, unpenalised: ``C=inf``). Isotonic regression was compared on dev
(2-fold cross-validation, ``scripts/compare_calibration.py``; the numbers are in docs/model.md):
closer on average, worse on the scores of 0.2 and up, and its flat steps straddle a per-class
threshold in most emotions, merging scores that detect with scores that do not.

Expected calibration error (ECE): scores in ``ECE_BINS`` equal-width bins over [0, 1]; the
mean of |mean score - share right| over the bins, weighted by how many scores each holds.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from emotions.labels import LabelSet
from emotions.model.calibration_maps import CalibrationMaps, logit

from .targets import Split

logger = logging.getLogger(__name__)
MIN_POSITIVES = 10  # dev positives (and negatives) an emotion needs for its map to be fitted
ECE_BINS = 10  # equal-width bins over [0, 1]
NOTABLE = 0.2  # the page lists scores from here up: their calibration is measured on its own


def fit_platt(
    scores: np.ndarray, targets: np.ndarray, labels: list[str] | tuple[str, ...]
) -> CalibrationMaps:
    """One Platt map per label from dev ``scores`` and 0/1 ``targets`` (both ``[n, labels]``)."""
    n_labels = scores.shape[1]
    slope, bias, fitted = np.ones(n_labels), np.zeros(n_labels), [False] * n_labels
    for i, name in enumerate(labels):
        y = targets[:, i].astype(int)
        positives = int(y.sum())
        if min(positives, len(y) - positives) < MIN_POSITIVES:
            logger.warning(
                "%s: %d dev positives, fewer than %d: its scores stay uncalibrated.",
                name,
                positives,
                MIN_POSITIVES,
            )
            continue
        model = LogisticRegression(C=np.inf, max_iter=1000).fit(logit(scores[:, [i]]), y)
        a, b = float(model.coef_[0, 0]), float(model.intercept_[0])
        if not (a > 0 and np.isfinite([a, b]).all()):  # scores that anti-correlate: nothing to trust
            logger.warning("%s: fitted slope %.3g is not positive: its scores stay uncalibrated.", name, a)
            continue
        slope[i], bias[i], fitted[i] = a, b, True
    return CalibrationMaps(tuple(labels), slope, bias, tuple(fitted))


def ece(scores: np.ndarray, targets: np.ndarray, bins: int = ECE_BINS) -> float:
    """Expected calibration error of a flat array of scores against 0/1 outcomes: each bin of
    :func:`reliability_curve` weighs in by how many scores it holds."""
    rows = reliability_curve(scores, targets, bins)
    n = sum(r["n"] for r in rows)
    return float(sum(r["n"] * abs(r["score"] - r["right"]) for r in rows) / n) if n else float("nan")


def calibration_report(scores: np.ndarray, targets: np.ndarray, labels: list[str] | tuple[str, ...]) -> dict:
    """ECE per label, its mean over labels, and the ECE of every (text, label) score >= 0.2."""
    per_label = {name: ece(scores[:, i], targets[:, i]) for i, name in enumerate(labels)}
    notable = scores >= NOTABLE
    return {
        "bins": ECE_BINS,
        "per_label": {k: round(v, 4) for k, v in per_label.items()},
        "mean": round(float(np.mean(list(per_label.values()))), 4),
        "notable": round(ece(scores[notable], targets[notable]), 4),
    }


def probability_report(
    test: Split, raw: np.ndarray, calibrated: np.ndarray | None, labelset: LabelSet
) -> dict:
    """ECE of the raw scores and of the calibrated probabilities (None: the model has no maps),
    per label and over scores of 0.2 and up; each roll-up view's too (a group's probability is
    its strongest member's)."""
    out = {}
    for name, probs in (("before", raw), ("after", calibrated)):
        if probs is None:
            out[name] = None
            continue
        out[name] = calibration_report(probs, test.targets, labelset.labels)
        for view in labelset.rollups:
            groups, rolled = labelset.view_probs(probs, view)
            _, rolled_targets = labelset.view_targets(test.targets, view)
            out[name][view] = calibration_report(rolled, rolled_targets, groups)
    return out


def reliability_curve(scores: np.ndarray, targets: np.ndarray, bins: int = ECE_BINS) -> list[dict]:
    """Per bin: the mean score, the share right, and how many scores it holds (flat arrays)."""
    scores, targets = np.ravel(scores), np.ravel(targets).astype(float)
    which = np.minimum((scores * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            rows.append(
                {
                    "bin": b,
                    "score": float(scores[inside].mean()),
                    "right": float(targets[inside].mean()),
                    "n": int(inside.sum()),
                }
            )
    return rows


def plot_reliability(curves: dict[str, list[dict]], path: Path, title: str) -> None:
    """Predicted probability against how often it was right, one line per curve (PNG)."""
    from .plots import plt

    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfectly calibrated")
    for name, rows in curves.items():
        ax.plot([r["score"] for r in rows], [r["right"] for r in rows], marker="o", label=name)
    ax.set_xlabel("predicted probability (mean of the bin)")
    ax.set_ylabel("share right (raters gave the emotion)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
