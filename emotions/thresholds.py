"""Per-class decision thresholds: calibrate on dev, save, load and validate."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)
THRESHOLDS_FILE = "thresholds.json"
GRID = np.round(np.arange(0.02, 0.981, 0.01), 4)  # candidate thresholds, 0.01 apart


def f1_curves(targets: np.ndarray, probs: np.ndarray, grid: np.ndarray = GRID) -> np.ndarray:
    """F1 of each class at each grid threshold: ``[n_classes, len(grid)]``."""
    targets = np.asarray(targets).astype(bool)
    preds = np.asarray(probs)[:, :, None] >= grid[None, None, :]  # [n, classes, grid]
    tp = (preds & targets[:, :, None]).sum(0)
    fp = (preds & ~targets[:, :, None]).sum(0)
    fn = (~preds & targets[:, :, None]).sum(0)
    return 2 * tp / np.maximum(2 * tp + fp + fn, 1)


def calibrate_per_class(
    targets: np.ndarray, probs: np.ndarray, grid: np.ndarray = GRID, shrink: float = 0.0, smooth: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Each class's F1-maximising threshold; returns ``(thresholds, f1 at them)``.

    A rare class's best threshold on dev is noisy, so two optional regularisers:
    ``smooth`` averages each F1 curve over that many grid steps before taking its
    peak, and ``shrink`` pulls a class's threshold towards the best global one with the
    weight of that many positive examples: ``(n * t_class + shrink * t_global) / (n + shrink)``.
    """
    curves = f1_curves(targets, probs, grid)
    global_t = grid[curves.mean(0).argmax()]
    if smooth > 1:
        kernel = np.ones(smooth) / smooth
        pad = smooth // 2
        curves = np.stack([np.convolve(np.pad(c, pad, mode="edge"), kernel, mode="valid") for c in curves])
    best = grid[curves.argmax(1)]
    positives = np.asarray(targets).sum(0)
    thresholds = (positives * best + shrink * global_t) / np.maximum(positives + shrink, 1e-9)
    thresholds = np.round(thresholds, 4)
    return thresholds.astype(float), f1_curves_at(targets, probs, thresholds).astype(float)


def select_regularisation(
    targets: np.ndarray,
    probs: np.ndarray,
    shrinks: tuple[float, ...] = (0, 10, 25, 50, 100),
    smooths: tuple[int, ...] = (1, 5, 9, 15),
    repeats: int = 6,
    seed: int = 0,
) -> tuple[float, int, dict[str, float]]:
    """Pick ``shrink`` and ``smooth`` by repeated 2-fold cross-validation on the given split.

    Calibrate on one half, score macro-F1 on the other, both ways, ``repeats`` times.
    Returns the best pair and every pair's mean held-out macro-F1.
    """
    rng = np.random.default_rng(seed)
    scores: dict[tuple[float, int], list[float]] = {(k, w): [] for k in shrinks for w in smooths}
    for _ in range(repeats):
        order = rng.permutation(len(targets))
        halves = (order[: len(order) // 2], order[len(order) // 2 :])
        for fit, held in (halves, halves[::-1]):
            for k, w in scores:
                t, _ = calibrate_per_class(targets[fit], probs[fit], shrink=k, smooth=w)
                scores[(k, w)].append(float(f1_curves_at(targets[held], probs[held], t).mean()))
    means = {f"shrink={k},smooth={w}": float(np.mean(v)) for (k, w), v in scores.items()}
    best = max(scores, key=lambda kw: np.mean(scores[kw]))
    return best[0], best[1], means


def calibrate_regularised(
    targets: np.ndarray, probs: np.ndarray, shrink: float | None = None, smooth: int | None = None
) -> tuple[np.ndarray, np.ndarray, dict]:
    """``calibrate_per_class`` with ``shrink``/``smooth`` chosen by CV when not given."""
    cv = None
    if shrink is None or smooth is None:
        best_k, best_w, cv = select_regularisation(targets, probs)
        shrink = best_k if shrink is None else shrink
        smooth = best_w if smooth is None else smooth
    thresholds, f1 = calibrate_per_class(targets, probs, shrink=shrink, smooth=smooth)
    return thresholds, f1, {"shrink": shrink, "smooth": smooth, "cv_macro_f1": cv}


def f1_curves_at(targets: np.ndarray, probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """F1 of each class at its own threshold."""
    targets = np.asarray(targets).astype(bool)
    preds = np.asarray(probs) >= thresholds
    tp, fp, fn = (preds & targets).sum(0), (preds & ~targets).sum(0), (~preds & targets).sum(0)
    return 2 * tp / np.maximum(2 * tp + fp + fn, 1)


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


def load_thresholds(path: str | Path, labels: list[str] | tuple[str, ...]) -> dict[str, float]:
    """Read and validate ``thresholds.json`` (a file, or a folder holding one)."""
    path = Path(path)
    if path.is_dir():
        path = path / THRESHOLDS_FILE
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
) -> Path:
    """Write thresholds plus how they were made (method, split, per-class dev F1)."""
    path = Path(path)
    if path.suffix != ".json":
        path = path / THRESHOLDS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "thresholds": {n: round(float(t), 4) for n, t in zip(labels, thresholds)},
        "method": "per-class F1 maximisation over a 0.01 grid, shrunk towards the best global threshold",
        "split": "dev",
        "dev_f1": {n: round(float(f), 4) for n, f in zip(labels, dev_f1)},
        **(extra or {}),
    }
    validate_thresholds(payload["thresholds"], labels, str(path))
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    logger.info("Wrote %s (dev macro-F1 with these thresholds: %.4f)", path, float(np.mean(dev_f1)))
    return path
