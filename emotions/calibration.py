"""``python -m emotions calibrate``: per-class thresholds that maximise dev F1."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np

from .data import load_split
from .inference import EmotionClassifier
from .labels import rollup_probs, rollup_targets
from .thresholds import calibrate_regularised, save_thresholds

logger = logging.getLogger(__name__)


@dataclass
class CalibrateConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint to calibrate."})
    output: str = field(default="thresholds/thresholds.json", metadata={"help": "Where to write."})
    data_dir: str | None = field(default=None, metadata={"help": "GoEmotions TSV folder."})
    dataset_id: str | None = field(default=None, metadata={"help": "Or a Hub dataset id."})
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

    def __post_init__(self) -> None:
        if not self.output.endswith(".json"):
            raise ValueError(f"output={self.output!r} must be a .json file path.")
        if self.shrink is not None and self.shrink < 0:
            raise ValueError(f"shrink={self.shrink} must be >= 0 (0 turns shrinkage off).")
        if self.smooth is not None and self.smooth < 1:
            raise ValueError(f"smooth={self.smooth} must be >= 1 (1 turns smoothing off).")


def calibrate(config: CalibrateConfig) -> dict:
    """Score the dev split once; pick each class's (and each roll-up group's) best threshold."""
    start = time.perf_counter()
    classifier = EmotionClassifier.from_pretrained(config.model_dir)
    dev = load_split("dev", config.data_dir, config.dataset_id)
    texts, targets = dev.texts[: config.max_examples], dev.targets[: config.max_examples]
    probs = classifier.predict_proba(texts, progress=True)
    thresholds, f1, regularisation = calibrate_regularised(targets, probs, config.shrink, config.smooth)
    rollups = {}
    for view in ("ekman", "sentiment"):
        groups, rolled = rollup_probs(probs, view)
        _, rolled_targets = rollup_targets(targets, view)
        group_thr, group_f1, _ = calibrate_regularised(rolled_targets, rolled, config.shrink, config.smooth)
        rollups[view] = {
            "thresholds": {g: round(float(t), 4) for g, t in zip(groups, group_thr)},
            "dev_f1": {g: round(float(f), 4) for g, f in zip(groups, group_f1)},
        }
    extra = {"dev_macro_f1": round(float(np.mean(f1)), 4), "n_dev": len(texts), "rollups": rollups}
    extra["regularisation"] = regularisation
    extra["seconds"] = round(time.perf_counter() - start, 1)
    save_thresholds(config.output, classifier.labels, thresholds, f1, extra)
    return extra
