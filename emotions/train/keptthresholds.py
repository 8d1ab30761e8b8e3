"""``python -m emotions calibrate --keep FILE``: keep a model's thresholds, measure them again.

For a model changed only where its thresholds were not fitted: ``teach-emoji`` changes the
answers of texts that hold an emoji and of no other (2% of GoEmotions' dev). Refitting every
threshold on dev then re-draws dev's noise on the rare emotions rather than learning anything
about the emoji (docs/model.md measured it), so the taught model keeps the thresholds, the
roll-ups' thresholds and the calibration maps of the model it was taught from. This writes them
to ``output`` (the maps beside it) with the dev figures of the model now scored, so the record
describes the model it is published with.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from emotions.model.calibration_maps import MAPS_FILE
from emotions.model.inference import EmotionClassifier
from emotions.model.outputs import detected
from emotions.model.thresholds import save_thresholds, thresholds_file

from .data import DataArguments

logger = logging.getLogger(__name__)


def dev_f1(targets: np.ndarray, probs: np.ndarray, thresholds, multi_label: bool) -> np.ndarray:
    """Each column's F1 on dev at the thresholds given."""
    preds = detected(probs, np.asarray(thresholds, dtype=np.float32), multi_label)
    return f1_score(np.asarray(targets).astype(bool), preds, average=None, zero_division=0)


def keep_thresholds(keep: str, model_dir: str, output: str, data: DataArguments) -> dict:
    """Score dev with ``model_dir`` at the thresholds (and maps) of ``keep``; write them to
    ``output`` with the dev figures measured now; return what was written besides thresholds."""
    start = time.perf_counter()
    source = thresholds_file(keep)
    classifier = EmotionClassifier.from_pretrained(model_dir, source)  # checks labels and maps
    record = json.loads(source.read_text(encoding="utf-8"))
    multi, labelset = classifier.multi_label, classifier.labelset
    dev = data.load("dev", classifier.labels, multi)
    probs = classifier.predict_proba(dev.texts, progress=True)  # through the kept maps, if any
    f1 = dev_f1(dev.targets, probs, classifier.threshold_array, multi)
    extra = {k: v for k, v in record.items() if k not in ("thresholds", "dev_f1")}
    for view, kept in record.get("rollups", {}).items():
        groups, rolled = labelset.view_probs(probs, view)
        _, rolled_targets = labelset.view_targets(dev.targets, view)
        group_f1 = dev_f1(rolled_targets, rolled, [kept["thresholds"][g] for g in groups], multi)
        kept["dev_f1"] = {g: round(float(x), 4) for g, x in zip(groups, group_f1)}
    extra.update(
        dev_macro_f1=round(float(f1.mean()), 4),
        n_dev=len(dev.texts),
        kept_from={"thresholds": str(source), "dev_macro_f1": record.get("dev_macro_f1")},
        seconds=round(time.perf_counter() - start, 1),
    )
    out = Path(output)
    maps = source.parent / MAPS_FILE
    if maps.is_file() and maps.resolve() != (out.parent / MAPS_FILE).resolve():
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(maps, out.parent / MAPS_FILE)
    thresholds = [record["thresholds"][n] for n in classifier.labels]
    save_thresholds(out, classifier.labels, np.array(thresholds), f1, extra, decimals=None)
    logger.info(
        "Kept %s's thresholds for %s: dev macro-F1 %.4f (it was %s for the model they were fitted on)",
        source, model_dir, f1.mean(), record.get("dev_macro_f1"),
    )  # fmt: skip
    return extra
