"""Threshold math for the app: which emotions (or roll-up groups) are detected, at what cut.

A *view* (``emotions``, or a roll-up such as GoEmotions' ``ekman`` and ``sentiment``; the
model's :class:`~emotions.labels.LabelSet` says which it has) turns a text's probabilities
into rows: one per label or group, with the probability, the threshold in force and whether
it is detected. Thresholds come from one of two modes:

- ``calibrated``: each row's calibrated threshold (per label, or per roll-up group when
  ``thresholds.json`` has them), shifted together by a *sensitivity* in log-odds, then
  any per-row overrides the visitor set;
- ``global``: one threshold for every row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from emotions.labels import GOEMOTIONS, LabelSet, emoji_for, is_guessed
from emotions.model.outputs import detected, rounded_scores
from emotions.model.thresholds import validate_thresholds

logger = logging.getLogger(__name__)
MODES = ("calibrated", "global")
SENSITIVITY_RANGE = (-2.0, 2.0)  # log-odds; +1 turns a 0.50 threshold into 0.27
T_MIN, T_MAX = 0.01, 0.99  # thresholds are kept inside this range


@dataclass
class ThresholdSettings:
    """What the visitor chose: the mode, the global cut, the sensitivity, overrides."""

    mode: str = "calibrated"
    global_threshold: float = 0.5
    sensitivity: float = 0.0
    overrides: dict[str, float] = field(default_factory=dict)  # key: "view:name"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r} is unknown: choose one of {list(MODES)}.")
        if not T_MIN <= float(self.global_threshold) <= T_MAX:
            raise ValueError(f"global_threshold={self.global_threshold} must lie in [{T_MIN}, {T_MAX}].")
        low, high = SENSITIVITY_RANGE
        if not low <= float(self.sensitivity) <= high:
            raise ValueError(f"sensitivity={self.sensitivity} must lie in [{low}, {high}].")


@dataclass
class Row:
    name: str
    emoji: str
    prob: float
    threshold: float
    passed: bool  # detected
    overridden: bool = False
    guessed: bool = False  # the emoji is guessed from the name (not GoEmotions' own)


def override_key(view: str, name: str) -> str:
    return f"{view}:{name}"


def shift(thresholds: np.ndarray, sensitivity: float) -> np.ndarray:
    """Move thresholds together by ``sensitivity`` log-odds (positive: lower, so more pass)."""
    t = np.clip(np.asarray(thresholds, dtype=np.float64), T_MIN, T_MAX)
    if sensitivity == 0:
        return t
    logits = np.log(t / (1 - t)) - float(sensitivity)
    return np.clip(1 / (1 + np.exp(-logits)), T_MIN, T_MAX)


class ViewThresholds:
    """The thresholds of every view of a model, so any view's rows can be cut.

    ``label_thresholds`` are the model's (calibrated, or the defaults when ``calibrated`` is
    False); ``rollups`` the stored thresholds of its roll-up views (``thresholds.json``'s
    ``rollups``). A view with none stored cuts each group at its members' mean threshold.
    """

    def __init__(
        self,
        label_thresholds: dict[str, float],
        rollups: dict | None = None,
        source: str = "",
        labelset: LabelSet = GOEMOTIONS,
        multi_label: bool = True,
        calibrated: bool = True,
        global_default: float = 0.5,
    ):
        self.labelset, self.multi_label, self.is_calibrated = labelset, multi_label, calibrated
        self.global_default = global_default  # the global slider's start: the best on dev, else 0.5
        self.by_view: dict[str, dict[str, float]] = {"emotions": dict(label_thresholds)}
        where = f"{source or 'thresholds'}: rollups"
        if rollups is not None and not isinstance(rollups, dict):
            raise ValueError(
                f"{where} must be an object keyed by view ({', '.join(labelset.rollups)}); recalibrate."
            )
        for view, groups in labelset.rollups.items():
            stored = (rollups or {}).get(view)
            if stored:
                if not isinstance(stored, dict) or "thresholds" not in stored:
                    raise ValueError(f"{where}.{view} has no 'thresholds' object; recalibrate.")
                self.by_view[view] = validate_thresholds(
                    stored["thresholds"], list(groups), f"{where}.{view}"
                )
            else:  # older thresholds files, or none: a group's members' mean threshold
                logger.info("No calibrated %s thresholds stored; using each group's member mean.", view)
                self.by_view[view] = {
                    g: float(np.mean([label_thresholds[m] for m in ms])) for g, ms in groups.items()
                }

    def calibrated(self, view: str, name: str) -> float:
        return self.by_view[view][name]

    def thresholds(
        self, view: str, names: list[str], settings: ThresholdSettings
    ) -> tuple[np.ndarray, np.ndarray]:
        """The cut in force for each name, and which of them the visitor overrode."""
        if settings.mode == "global":
            return np.full(len(names), float(settings.global_threshold)), np.zeros(len(names), bool)
        cut = shift(np.array([self.by_view[view][n] for n in names]), settings.sensitivity)
        overridden = np.zeros(len(names), bool)
        for i, name in enumerate(names):
            value = settings.overrides.get(override_key(view, name))
            if value is not None:
                cut[i], overridden[i] = float(np.clip(value, T_MIN, T_MAX)), True
        return cut, overridden


def row_result(rows: list[Row]) -> dict[str, Any]:
    """Rows as every answer gives them: ``scores`` (rounded, in the rows' order), the ``labels``
    detected and the ``thresholds`` in force."""
    return {
        "scores": rounded_scores([r.name for r in rows], [r.prob for r in rows]),
        "labels": [r.name for r in rows if r.passed],
        "thresholds": {r.name: round(r.threshold, 4) for r in rows},
    }


def score_rows(
    probs: np.ndarray, view: str, calibration: ViewThresholds, settings: ThresholdSettings
) -> list[Row]:
    """One text's rows, strongest first, each with its threshold and whether it is detected
    (its probability reaches the threshold; for a single-label model, the top row too)."""
    names, values, passed = detected_matrix(probs, view, calibration, settings)
    cut, overridden = calibration.thresholds(view, names, settings)
    rows = [
        Row(n, emoji_for(n), float(p), float(t), bool(d), bool(o), is_guessed(n))
        for n, p, t, d, o in zip(names, values, cut, passed, overridden)
    ]
    return sorted(rows, key=lambda r: -r.prob)


def detected_matrix(
    probs: np.ndarray, view: str, calibration: ViewThresholds, settings: ThresholdSettings
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Names, their probabilities (``[rows]`` or ``[n, rows]``) and which are detected."""
    names, values = calibration.labelset.view_probs(probs, view)
    cut, _ = calibration.thresholds(view, names, settings)
    return names, values, detected(values, cut, calibration.multi_label)
