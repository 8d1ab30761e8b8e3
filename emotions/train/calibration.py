"""Per-class thresholds that maximise dev F1, and ``python -m emotions calibrate``.

A rare class's best threshold on dev is noisy: :func:`calibrate_regularised` shrinks each
towards the best global one and smooths its F1 curve, by amounts picked with cross-validation.

Multi-label models detect a label when its probability reaches its threshold. Single-label
models always detect their strongest label, and a threshold decides which *extra* labels are
shown too (:func:`emotions.model.outputs.detected`): their thresholds are calibrated the same
way, with each class's F1 counted under that rule (``multi_label=False``: a class is predicted
when it is the argmax or reaches its threshold). Roll-up thresholds are calibrated for the
views the model's label set has (``rollups.json``; GoEmotions' Ekman and sentiment).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from emotions.model.inference import EmotionClassifier
from emotions.model.thresholds import save_thresholds

from .data import DataArguments
from .keptthresholds import keep_thresholds
from .probabilities import calibration_report, fit_platt

logger = logging.getLogger(__name__)
GRID = np.round(np.arange(0.02, 0.981, 0.01), 4)  # candidate thresholds, 0.01 apart


def _top(probs: np.ndarray, multi_label: bool) -> np.ndarray | None:
    """Single-label: where each row's strongest class is (always predicted); else None."""
    if multi_label:
        return None
    probs = np.asarray(probs)
    top = np.zeros(probs.shape, dtype=bool)
    top[np.arange(len(probs)), probs.argmax(1)] = True
    return top


def f1_curves(
    targets: np.ndarray, probs: np.ndarray, grid: np.ndarray = GRID, multi_label: bool = True
) -> np.ndarray:
    """F1 of each class at each grid threshold: ``[n_classes, len(grid)]``."""
    targets = np.asarray(targets).astype(bool)
    preds = np.asarray(probs)[:, :, None] >= grid[None, None, :]  # [n, classes, grid]
    top = _top(probs, multi_label)
    if top is not None:
        preds |= top[:, :, None]
    tp = (preds & targets[:, :, None]).sum(0)
    fp = (preds & ~targets[:, :, None]).sum(0)
    fn = (~preds & targets[:, :, None]).sum(0)
    return 2 * tp / np.maximum(2 * tp + fp + fn, 1)


def calibrate_per_class(
    targets: np.ndarray,
    probs: np.ndarray,
    grid: np.ndarray = GRID,
    shrink: float = 0.0,
    smooth: int = 1,
    multi_label: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Each class's F1-maximising threshold; returns ``(thresholds, f1 at them)``.

    A rare class's best threshold on dev is noisy, so two optional regularisers:
    ``smooth`` averages each F1 curve over that many grid steps before taking its
    peak, and ``shrink`` pulls a class's threshold towards the best global one with the
    weight of that many positive examples: ``(n * t_class + shrink * t_global) / (n + shrink)``.
    ``multi_label=False``: the argmax is predicted whatever the threshold (see the module).
    """
    curves = f1_curves(targets, probs, grid, multi_label)
    global_t = grid[curves.mean(0).argmax()]
    if smooth > 1:
        kernel = np.ones(smooth) / smooth
        pad = smooth // 2
        curves = np.stack([np.convolve(np.pad(c, pad, mode="edge"), kernel, mode="valid") for c in curves])
    best = grid[curves.argmax(1)]
    positives = np.asarray(targets).sum(0)
    thresholds = (positives * best + shrink * global_t) / np.maximum(positives + shrink, 1e-9)
    thresholds = np.round(thresholds, 4)
    return thresholds.astype(float), f1_curves_at(targets, probs, thresholds, multi_label).astype(float)


def select_regularisation(
    targets: np.ndarray,
    probs: np.ndarray,
    shrinks: tuple[float, ...] = (0, 10, 25, 50, 100),
    smooths: tuple[int, ...] = (1, 5, 9, 15),
    repeats: int = 6,
    seed: int = 0,
    multi_label: bool = True,
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
                t, _ = calibrate_per_class(
                    targets[fit], probs[fit], shrink=k, smooth=w, multi_label=multi_label
                )
                scores[(k, w)].append(float(f1_curves_at(targets[held], probs[held], t, multi_label).mean()))
    means = {f"shrink={k},smooth={w}": float(np.mean(v)) for (k, w), v in scores.items()}
    best = max(scores, key=lambda kw: np.mean(scores[kw]))
    return best[0], best[1], means


def calibrate_regularised(
    targets: np.ndarray,
    probs: np.ndarray,
    shrink: float | None = None,
    smooth: int | None = None,
    multi_label: bool = True,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """``calibrate_per_class`` with ``shrink``/``smooth`` chosen by CV when not given."""
    cv = None
    if shrink is None or smooth is None:
        best_k, best_w, cv = select_regularisation(targets, probs, multi_label=multi_label)
        shrink = best_k if shrink is None else shrink
        smooth = best_w if smooth is None else smooth
    thresholds, f1 = calibrate_per_class(
        targets, probs, shrink=shrink, smooth=smooth, multi_label=multi_label
    )
    return thresholds, f1, {"shrink": shrink, "smooth": smooth, "cv_macro_f1": cv}


def f1_curves_at(
    targets: np.ndarray, probs: np.ndarray, thresholds: np.ndarray, multi_label: bool = True
) -> np.ndarray:
    """F1 of each class at its own threshold."""
    targets = np.asarray(targets).astype(bool)
    preds = np.asarray(probs) >= thresholds
    top = _top(probs, multi_label)
    if top is not None:
        preds |= top
    tp, fp, fn = (preds & targets).sum(0), (preds & ~targets).sum(0), (~preds & targets).sum(0)
    return 2 * tp / np.maximum(2 * tp + fp + fn, 1)


@dataclass
class CalibrateConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint to calibrate."})
    output: str = field(default="thresholds/thresholds.json", metadata={"help": "Where to write."})
    max_examples: int | None = field(default=None, metadata={"help": "First N dev texts only."})
    shrink: float | None = field(
        default=None,
        metadata={
            "help": "Pull towards the global threshold, in dev positives (default: chosen by 2-fold CV on dev)."
        },
    )
    smooth: int | None = field(
        default=None,
        metadata={"help": "Grid steps to smooth each F1 curve over (default: chosen by CV on dev)."},
    )
    maps: bool = field(
        default=True,
        metadata={
            "help": "Fit calibration maps (Platt, per emotion; multi-label models), written beside "
            "--output, so scores are probabilities; the thresholds move onto them, detecting the same."
        },
    )
    keep: str | None = field(
        default=None,
        metadata={
            "help": "Keep this thresholds.json (and the maps beside it) instead of fitting new ones, "
            "re-measuring dev: for a model changed only on texts the thresholds barely saw (teach-emoji's)."
        },
    )

    def __post_init__(self) -> None:
        if not self.output.endswith(".json"):
            raise ValueError(f"output={self.output!r} must be a .json file path.")
        if self.shrink is not None and self.shrink < 0:
            raise ValueError(f"shrink={self.shrink} must be >= 0 (0 turns shrinkage off).")
        if self.smooth is not None and self.smooth < 1:
            raise ValueError(f"smooth={self.smooth} must be >= 1 (1 turns smoothing off).")


def calibrate(config: CalibrateConfig, data: DataArguments | None = None) -> dict:
    """Score the dev split once; pick each class's (and each roll-up group's) best threshold;
    fit calibration maps (multi-label models) and move the thresholds onto them."""
    start = time.perf_counter()
    data = data or DataArguments()
    if config.keep:
        return keep_thresholds(config.keep, config.model_dir, config.output, data)
    classifier = EmotionClassifier.from_pretrained(config.model_dir)
    multi = classifier.multi_label
    dev = data.load("dev", classifier.labels, multi).head(config.max_examples)
    texts, targets = dev.texts, dev.targets
    probs = classifier.predict_proba(texts, progress=True)
    thresholds, f1, regularisation = calibrate_regularised(
        targets, probs, config.shrink, config.smooth, multi
    )
    extra: dict = {}
    if config.maps and multi:  # from here on, probabilities are the calibrated ones
        maps = fit_platt(probs, targets, classifier.labels)
        extra = {"probabilities": "calibrated", "score_thresholds": dict(zip(classifier.labels, thresholds))}
        thresholds = np.array(list(maps.map_thresholds(dict(zip(classifier.labels, thresholds))).values()))
        before = calibration_report(probs, targets, classifier.labels)
        probs = maps(probs)
        after = calibration_report(probs, targets, classifier.labels)
        extra["global_threshold"] = float(GRID[f1_curves(targets, probs).mean(0).argmax()])
        maps.save_pretrained(
            Path(config.output).parent, {"split": "dev", "dev_ece": {"before": before, "after": after}}
        )
    elif config.maps:
        logger.info(
            "Calibration maps are fitted for multi-label models only: %s is single-label.", config.model_dir
        )
    rollups = {}
    labelset = classifier.labelset
    for view in labelset.rollups:
        groups, rolled = labelset.view_probs(probs, view)
        _, rolled_targets = labelset.view_targets(targets, view)
        group_thr, group_f1, _ = calibrate_regularised(
            rolled_targets, rolled, config.shrink, config.smooth, multi
        )
        rollups[view] = {
            "thresholds": {g: round(float(t), 4) for g, t in zip(groups, group_thr)},
            "dev_f1": {g: round(float(f), 4) for g, f in zip(groups, group_f1)},
        }
    extra.update({"dev_macro_f1": round(float(np.mean(f1)), 4), "n_dev": len(texts), "rollups": rollups})
    extra["regularisation"] = regularisation
    if not multi:
        extra["rule"] = "single-label: the strongest label always, plus any other reaching its threshold"
    extra["seconds"] = round(time.perf_counter() - start, 1)
    decimals = None if extra.get("probabilities") == "calibrated" else 4  # mapped: every digit kept
    save_thresholds(config.output, classifier.labels, thresholds, f1, extra, decimals)
    return extra
