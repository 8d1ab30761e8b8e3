"""The thresholds file beside a model: save, load and validate ``thresholds.json``.

How the thresholds are chosen (on dev) is :mod:`emotions.train.calibration`.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)
THRESHOLDS_FILE = "thresholds.json"


def validate_thresholds(
    thresholds: dict, labels: list[str] | tuple[str, ...], source: str
) -> dict[str, float]:
    """Check a label→threshold mapping against a model's labels; return it as floats."""
    if not isinstance(thresholds, dict):
        raise ValueError(f"{source}: 'thresholds' must be an object mapping label names to floats.")
    missing = [n for n in labels if n not in thresholds]
    extra = [n for n in thresholds if n not in labels]
    if missing or extra:
        raise ValueError(
            f"{source}: thresholds do not match the model's labels "
            f"(missing: {missing or 'none'}; unknown: {extra or 'none'}). "
            "Recalibrate with `python -m emotions calibrate` for this model."
        )
    out = {}
    for name in labels:
        value = thresholds[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise ValueError(f"{source}: threshold for {name!r} is {value!r}, not a number.")
        if not 0.0 < value < 1.0:
            raise ValueError(f"{source}: threshold for {name!r} is {value}, outside (0, 1).")
        out[name] = float(value)
    return out


def thresholds_file(path: str | Path) -> Path:
    """``path``, or the ``thresholds.json`` inside it when it is a folder."""
    path = Path(path)
    return path / THRESHOLDS_FILE if path.is_dir() else path


def load_thresholds(path: str | Path, labels: list[str] | tuple[str, ...]) -> dict[str, float]:
    """Read and validate ``thresholds.json`` (a file, or a folder holding one)."""
    path = thresholds_file(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"Thresholds file not found: {path}. Run `python -m emotions calibrate` to make it."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not valid JSON ({err}). Recalibrate or restore the file.") from None
    if not isinstance(data, dict) or "thresholds" not in data:
        raise ValueError(f"{path}: expected a JSON object with a 'thresholds' key.")
    return validate_thresholds(data["thresholds"], labels, str(path))


def save_thresholds(
    path: str | Path,
    labels: list[str] | tuple[str, ...],
    thresholds: np.ndarray,
    dev_f1: np.ndarray,
    extra: dict | None = None,
    decimals: int | None = 4,
) -> Path:
    """Write thresholds plus how they were made (method, split, per-class dev F1).

    ``decimals=None`` keeps every digit: thresholds mapped onto calibrated probabilities must
    stay exactly where the map put them, to detect exactly what they did before."""
    path = Path(path)
    if path.suffix != ".json":
        path = path / THRESHOLDS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "thresholds": {
            n: float(t) if decimals is None else round(float(t), decimals) for n, t in zip(labels, thresholds)
        },
        "method": "per-class F1 maximisation over a 0.01 grid, shrunk towards the best global threshold",
        "split": "dev",
        "dev_f1": {n: round(float(f), 4) for n, f in zip(labels, dev_f1)},
        **(extra or {}),
    }
    validate_thresholds(payload["thresholds"], labels, str(path))
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    logger.info("Wrote %s (dev macro-F1 with these thresholds: %.4f)", path, float(np.mean(dev_f1)))
    return path
