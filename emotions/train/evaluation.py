"""``python -m emotions evaluate``: the test-split report behind the model card.

Three ways to cut probabilities, all chosen without looking at test: 0.5; the best
single global threshold on dev; the per-class thresholds from ``calibrate`` (dev).
"""

from __future__ import annotations

import csv
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from emotions.labels import rollup_probs, rollup_targets
from emotions.model.inference import EmotionClassifier

from .data import load_split
from .metrics import best_global_threshold, binarize, f1_scores, per_class, roc_auc

logger = logging.getLogger(__name__)


@dataclass
class EvaluateConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint to evaluate."})
    thresholds: str = field(default="thresholds/thresholds.json", metadata={"help": "From calibrate."})
    output_dir: str = field(default="reports", metadata={"help": "Where the report files go."})
    data_dir: str | None = field(default=None, metadata={"help": "GoEmotions TSV folder."})
    dataset_id: str | None = field(default=None, metadata={"help": "Or a Hub dataset id."})
    baseline: bool = field(default=True, metadata={"help": "Also fit the TF-IDF + LR baseline."})
    plots: bool = field(default=True, metadata={"help": "Write the PNG charts."})
    max_examples: int | None = field(default=None, metadata={"help": "First N texts per split."})


def score_settings(
    dev_t: np.ndarray, dev_p: np.ndarray, test_t: np.ndarray, test_p: np.ndarray, calibrated: np.ndarray
) -> dict[str, dict]:
    """Test metrics at 0.5, at the best global dev threshold, and at ``calibrated``."""
    global_t, _ = best_global_threshold(dev_t, dev_p)
    out = {}
    for name, cut in (("0.5", 0.5), ("global", global_t), ("per-class", calibrated)):
        out[name] = {**f1_scores(test_t, binarize(test_p, cut)), "roc_auc": roc_auc(test_t, test_p)}
    out["global"]["threshold"] = global_t
    return out


def evaluate_probs(dev, dev_p, test, test_p, labels, thresholds_json: dict) -> dict:
    """All metrics for one model's probabilities: 28 labels and both roll-ups."""
    from .calibration import calibrate_regularised

    calibrated = np.array([thresholds_json["thresholds"][n] for n in labels]) if thresholds_json else None
    if calibrated is None:  # the baseline has no calibrate run: do the same on dev here
        calibrated, _, _ = calibrate_regularised(dev.targets, dev_p)
    report = {"emotions": score_settings(dev.targets, dev_p, test.targets, test_p, calibrated)}
    for view in ("ekman", "sentiment"):
        groups, dev_r = rollup_probs(dev_p, view)
        _, test_r = rollup_probs(test_p, view)
        _, dev_rt = rollup_targets(dev.targets, view)
        _, test_rt = rollup_targets(test.targets, view)
        stored = (thresholds_json or {}).get("rollups", {}).get(view)
        cut = (
            np.array([stored["thresholds"][g] for g in groups])
            if stored
            else calibrate_regularised(dev_rt, dev_r)[0]
        )
        report[view] = score_settings(dev_rt, dev_r, test_rt, test_r, cut)
    report["per_class"] = {
        name: per_class(test.targets, binarize(test_p, cut), labels)
        for name, cut in (("0.5", 0.5), ("per-class", calibrated))
    }
    return report


def ekman_single_label(test, test_p) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Ekman groups, true and argmax-predicted group for test texts with one Ekman label."""
    groups, rolled = rollup_probs(test_p, "ekman")
    _, targets = rollup_targets(test.targets, "ekman")
    single = targets.sum(1) == 1
    return groups, targets[single].argmax(1), rolled[single].argmax(1)


def evaluate(config: EvaluateConfig) -> dict:
    """Score dev and test once, write metrics.json, per_class.csv and the charts."""
    start = time.perf_counter()
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    classifier = EmotionClassifier.from_pretrained(config.model_dir, config.thresholds)
    thresholds_json = json.loads(Path(config.thresholds).read_text(encoding="utf-8"))
    n = config.max_examples
    dev, test = (load_split(s, config.data_dir, config.dataset_id) for s in ("dev", "test"))
    dev.texts, dev.targets, test.texts, test.targets = (
        dev.texts[:n],
        dev.targets[:n],
        test.texts[:n],
        test.targets[:n],
    )
    dev_p = classifier.predict_proba(dev.texts, progress=True)
    test_p = classifier.predict_proba(test.texts, progress=True)
    labels = classifier.labels
    report = {"model": {"source": str(config.model_dir), "n_test": len(test), "n_dev": len(dev)}}
    report["model"].update(evaluate_probs(dev, dev_p, test, test_p, labels, thresholds_json))
    groups, true, pred = ekman_single_label(test, test_p)
    report["model"]["ekman_single_label_accuracy"] = float((true == pred).mean())
    if config.baseline:
        from .baseline import baseline_proba, fit_baseline

        train = load_split("train", config.data_dir, config.dataset_id)
        base = fit_baseline(train)
        base_dev, base_test = baseline_proba(base, dev.texts), baseline_proba(base, test.texts)
        report["baseline"] = evaluate_probs(dev, base_dev, test, base_test, labels, None)
        report["baseline"].pop("per_class")
    report["seconds"] = round(time.perf_counter() - start, 1)
    (out / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    with (out / "per_class.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, ["thresholds", "label", "precision", "recall", "f1", "support"])
        writer.writeheader()
        for setting, rows in report["model"]["per_class"].items():
            writer.writerows({"thresholds": setting, **row} for row in rows)
    if config.plots:
        from .plots import plot_ekman_confusion, plot_f1_per_emotion

        plot_f1_per_emotion(report["model"]["per_class"]["per-class"], out / "f1_per_emotion.png")
        plot_ekman_confusion(groups, true, pred, out / "ekman_confusion.png")
    macro = report["model"]["emotions"]["per-class"]["macro_f1"]
    logger.info("Test macro-F1 with calibrated thresholds: %.4f; report in %s", macro, out)
    return report
