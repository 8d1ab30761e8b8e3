"""Calibration maps: scores that mean what they say.

A fine-tuned model's sigmoid scores are not probabilities: trained with focal loss, the shipped
model's 0.3 was right 17% of the time. A calibration map per emotion turns a score into the
share of texts scored like it that GoEmotions' raters gave that emotion. The map is Platt
scaling on the score's logit, ``calibrated = sigmoid(slope * logit(score) + bias)``, fitted on
the dev split (:mod:`emotions.train.probabilities`). ``slope > 0``, so each map is strictly
increasing: a per-class threshold mapped through it detects exactly the labels it did before.

The maps are saved as ``calibration_maps.json`` beside ``thresholds.json`` and published with
the model like it; a thresholds file that says ``"probabilities": "calibrated"`` holds thresholds
on the calibrated scale and needs its maps. An emotion with too few dev positives to fit keeps
slope 1 and bias 0 (its score as is), and the file says so. Multi-label models only: a
single-label model's softmax is served as it is.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .thresholds import thresholds_file

logger = logging.getLogger(__name__)
MAPS_FILE = "calibration_maps.json"
METHOD = "platt"  # sigmoid(slope * logit(score) + bias), one map per emotion
_EPS = 1e-12  # scores are float32; clipping in float64 keeps every distinct score distinct


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return np.log(p) - np.log1p(-p)


@dataclass(frozen=True)
class CalibrationMaps:
    """One Platt map per label; ``fitted[i]`` False keeps label i's score as it is."""

    labels: tuple[str, ...]
    slope: np.ndarray  # > 0 for every label: strictly increasing maps
    bias: np.ndarray
    fitted: tuple[bool, ...]

    def __post_init__(self) -> None:
        n = len(self.labels)
        if not (len(self.slope) == len(self.bias) == len(self.fitted) == n):
            raise ValueError(
                f"Calibration maps: {n} labels but {len(self.slope)} slopes, {len(self.bias)} biases."
            )
        values = np.concatenate([self.slope, self.bias])
        if not np.isfinite(values).all():
            raise ValueError(
                "Calibration maps hold a non-finite slope or bias: refit with `python -m emotions calibrate`."
            )
        bad = [name for name, s in zip(self.labels, self.slope) if s <= 0]
        if bad:
            raise ValueError(f"Calibration maps for {bad} are not increasing (slope <= 0): refit them.")

    @classmethod
    def identity(cls, labels: list[str] | tuple[str, ...]) -> CalibrationMaps:
        n = len(labels)
        return cls(tuple(labels), np.ones(n), np.zeros(n), (False,) * n)

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of scores ``[..., labels]`` (same shape, float64: two
        float32 scores a step apart stay apart, so no score ties with a threshold it was under)."""
        z = logit(scores) * self.slope + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def map_thresholds(self, thresholds: dict[str, float]) -> dict[str, float]:
        """Thresholds on the score scale moved onto the calibrated scale: the same detections.
        Each is taken as the float32 the scores were compared with, mapped in float64."""
        raw = np.array([thresholds[n] for n in self.labels], dtype=np.float32)
        mapped = 1.0 / (1.0 + np.exp(-(logit(raw) * self.slope + self.bias)))
        return {n: float(t) for n, t in zip(self.labels, mapped)}

    def save_pretrained(self, folder: str | Path, extra: dict | None = None) -> Path:
        """Write ``calibration_maps.json`` in ``folder`` (or to ``folder`` if it names a .json)."""
        path = Path(folder)
        path = path if path.suffix == ".json" else path / MAPS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        maps = {
            n: {"slope": float(s), "bias": float(b), "fitted": f}
            for n, s, b, f in zip(self.labels, self.slope, self.bias, self.fitted)
        }
        payload = {
            "method": METHOD,
            "formula": "sigmoid(slope * logit(score) + bias)",
            "maps": maps,
            **(extra or {}),
        }
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        logger.info("Wrote %s (%d of %d emotions fitted)", path, sum(self.fitted), len(self.labels))
        return path

    @classmethod
    def from_pretrained(cls, path: str | Path, labels: list[str] | tuple[str, ...]) -> CalibrationMaps:
        """Read and validate ``calibration_maps.json`` (a file, or a folder holding one)."""
        path = Path(path)
        path = path / MAPS_FILE if path.is_dir() else path
        if not path.is_file():
            raise FileNotFoundError(
                f"Calibration maps not found: {path}. Run `python -m emotions calibrate` to fit them."
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ValueError(
                f"{path}: not valid JSON ({err}). Refit with `python -m emotions calibrate`."
            ) from None
        maps = data.get("maps") if isinstance(data, dict) else None
        if not isinstance(maps, dict) or data.get("method") != METHOD:
            raise ValueError(f"{path}: expected an object with method {METHOD!r} and 'maps' by label.")
        missing, extra = [n for n in labels if n not in maps], [n for n in maps if n not in labels]
        if missing or extra:
            raise ValueError(
                f"{path}: maps do not match the model's labels (missing: {missing or 'none'}; "
                f"unknown: {extra or 'none'}). Refit with `python -m emotions calibrate` for this model."
            )
        rows = [maps[n] for n in labels]
        try:
            slope = [_number(r["slope"]) for r in rows]
            bias = [_number(r["bias"]) for r in rows]
            fitted = tuple(bool(r.get("fitted", True)) for r in rows)
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{path}: each map needs a numeric 'slope' and 'bias' ({err}).") from None
        try:
            return cls(tuple(labels), np.array(slope), np.array(bias), fitted)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None


def maps_for(thresholds: str | Path, labels: list[str] | tuple[str, ...]) -> CalibrationMaps | None:
    """The maps a thresholds file asks for, read from beside it; None if it asks for none.

    A file whose ``"probabilities"`` is ``"calibrated"`` holds thresholds on the calibrated
    scale: without its maps they would cut raw scores, so a missing or bad maps file is an error.
    """
    path = thresholds_file(thresholds)
    try:
        declared = json.loads(path.read_text(encoding="utf-8")).get("probabilities", "scores")
    except (OSError, ValueError, AttributeError):
        return None  # load_thresholds reports a broken thresholds file
    if declared != "calibrated":
        return None
    return CalibrationMaps.from_pretrained(path.parent / MAPS_FILE, labels)


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)
