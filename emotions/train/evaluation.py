"""``python -m emotions evaluate``: the test-split report behind the model card.

Multi-label models: three ways to cut probabilities, all chosen without looking at test: 0.5;
the best single global threshold on dev; the per-class thresholds from ``calibrate`` (dev);
the same for each roll-up view the model's label set has (GoEmotions: Ekman and sentiment).

Single-label models: accuracy, macro and weighted F1 of the strongest label (``argmax``), per-class
ROC-AUC and the confusion matrix; and, as ``per-class``, the labels the app shows (the strongest
plus any other reaching its calibrated threshold).
"""

from __future__ import annotations

import csv
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from emotions.labels import LabelSet
from emotions.model.inference import EmotionClassifier
from emotions.model.outputs import detected

from .data import DataArguments, Split
from .metrics import (
    argmax_scores,
    best_global_threshold,
    binarize,
    confusion_matrix,
    f1_scores,
    one_hot,
    per_class,
    roc_auc,
    roc_auc_per_class,
)
from .probabilities import plot_reliability, probability_report, reliability_curve

logger = logging.getLogger(__name__)


@dataclass
class EvaluateConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint to evaluate."})
    thresholds: str = field(
        default="thresholds/thresholds.json",
        metadata={"help": "From calibrate ('' to calibrate on dev here, as for the baseline)."},
    )
    output_dir: str = field(default="reports", metadata={"help": "Where the report files go."})
    baseline: bool = field(
        default=True,
        metadata={"help": "Also fit the TF-IDF + logistic-regression baseline (one-vs-rest for multi-label "
                  "data, multinomial for single-label)."},
    )  # fmt: skip
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


def _calibrated(
    thresholds_json: dict | None, names: list[str], dev_t, dev_p, multi_label: bool
) -> np.ndarray:
    """The stored thresholds of ``names``, else ones calibrated on dev here."""
    from .calibration import calibrate_regularised

    if thresholds_json:
        return np.array([thresholds_json["thresholds"][n] for n in names])
    return calibrate_regularised(dev_t, dev_p, multi_label=multi_label)[0]


def evaluate_probs(
    dev, dev_p, test, test_p, labels, thresholds_json: dict, labelset: LabelSet | None = None
) -> dict:
    """All metrics of a multi-label model's probabilities: its labels and each roll-up view."""
    from .calibration import calibrate_regularised

    labelset = labelset or LabelSet.for_labels(labels)
    calibrated = _calibrated(thresholds_json, labels, dev.targets, dev_p, True)
    report = {"emotions": score_settings(dev.targets, dev_p, test.targets, test_p, calibrated)}
    for view in labelset.rollups:
        groups, dev_r = labelset.view_probs(dev_p, view)
        _, test_r = labelset.view_probs(test_p, view)
        _, dev_rt = labelset.view_targets(dev.targets, view)
        _, test_rt = labelset.view_targets(test.targets, view)
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


def evaluate_single_label(
    dev, dev_p, test, test_p, labels, thresholds_json: dict | None, labelset: LabelSet | None = None
) -> dict:
    """All metrics of a single-label model's (softmax) probabilities."""
    labelset = labelset or LabelSet.for_labels(labels)
    calibrated = _calibrated(thresholds_json, labels, dev.targets, dev_p, False)
    true, pred = test.classes, test_p.argmax(1)
    shown = detected(test_p, calibrated, multi_label=False).astype(np.int8)
    auc = roc_auc(test.targets, test_p)
    report = {
        "task": "single-label",
        "argmax": {**argmax_scores(true, test_p), "roc_auc": auc},
        "per-class": {**f1_scores(test.targets, shown), "roc_auc": auc},
        "roc_auc_per_class": roc_auc_per_class(test.targets, test_p, labels),
        "confusion": {"labels": list(labels), "counts": confusion_matrix(true, pred, len(labels)).tolist()},
    }
    for view in labelset.rollups:
        groups, rolled = labelset.view_probs(test_p, view)
        _, rolled_t = labelset.view_targets(test.targets, view)
        report[view] = {"argmax": argmax_scores(rolled_t.argmax(1), rolled)}
    report["per_class"] = {
        "argmax": per_class(test.targets, one_hot(pred, len(labels)), labels),
        "per-class": per_class(test.targets, shown, labels),
    }
    return report


def ekman_single_label(
    test, test_p, labelset: LabelSet | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Ekman groups, true and argmax-predicted group for test texts with one Ekman label."""
    labelset = labelset or LabelSet.for_labels(test.labels)
    groups, rolled = labelset.view_probs(test_p, "ekman")
    _, targets = labelset.view_targets(test.targets, "ekman")
    single = targets.sum(1) == 1
    return groups, targets[single].argmax(1), rolled[single].argmax(1)


def single_label_rows(test: Split, test_p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True and argmax-predicted label of the test texts that have exactly one label."""
    single = test.targets.sum(1) == 1
    return test.targets[single].argmax(1), test_p[single].argmax(1)


def evaluate(config: EvaluateConfig, data: DataArguments | None = None) -> dict:
    """Score dev and test once, write metrics.json, per_class.csv and the charts."""
    start = time.perf_counter()
    data = data or DataArguments()
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    classifier = EmotionClassifier.from_pretrained(config.model_dir, config.thresholds or None)
    thresholds_json = (
        json.loads(Path(config.thresholds).read_text(encoding="utf-8")) if config.thresholds else None
    )
    labels, labelset, multi = classifier.labels, classifier.labelset, classifier.multi_label
    n = config.max_examples
    dev, test = (data.load(s, labels, multi).head(n) for s in ("dev", "test"))
    dev_p = classifier.predict_proba(dev.texts, progress=True, raw=True)
    test_raw = classifier.predict_proba(test.texts, progress=True, raw=True)
    maps = classifier.maps  # calibration maps, when the thresholds file uses them
    dev_p, test_p = (dev_p, test_raw) if maps is None else (maps(dev_p), maps(test_raw))
    score = evaluate_probs if multi else evaluate_single_label
    report = {"model": {"source": str(config.model_dir), "n_test": len(test), "n_dev": len(dev)}}
    report["model"].update(score(dev, dev_p, test, test_p, labels, thresholds_json, labelset))
    if multi:
        report["model"]["calibration"] = probability_report(
            test, test_raw, test_p if maps else None, labelset
        )
    goemotions = multi and "ekman" in labelset.rollups
    if goemotions:
        groups, true, pred = ekman_single_label(test, test_p, labelset)
        report["model"]["ekman_single_label_accuracy"] = float((true == pred).mean())
    elif multi:  # the strongest label on texts with one label: comparable with a roll-up's
        true, pred = single_label_rows(test, test_p)
        report["model"]["single_label_accuracy"] = float((true == pred).mean()) if len(true) else None
        report["model"]["n_single_label"] = len(true)
    else:
        true, pred = test.classes, test_p.argmax(1)
    no_train = data.source == "files" and not data.train_file
    if config.baseline and no_train:
        logger.info("No baseline: it is fitted on the training data, and no --train-file was given.")
    elif config.baseline:
        from .baseline import baseline_proba, fit_baseline

        train = data.load("train", labels, multi)
        base = fit_baseline(train)
        base_dev, base_test = baseline_proba(base, dev.texts), baseline_proba(base, test.texts)
        report["baseline"] = score(dev, base_dev, test, base_test, labels, None, labelset)
        report["baseline"].pop("per_class")
        report["baseline"].pop("confusion", None)
        report["baseline"].pop("roc_auc_per_class", None)
    elif not no_train:
        logger.info("No baseline (--baseline false).")
    if not goemotions:  # the card's commands name the data (the GoEmotions report keeps its shape)
        report["data"] = asdict(data)
    report["seconds"] = round(time.perf_counter() - start, 1)
    (out / "metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    with (out / "per_class.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, ["thresholds", "label", "precision", "recall", "f1", "support"])
        writer.writeheader()
        for setting, rows in report["model"]["per_class"].items():
            writer.writerows({"thresholds": setting, **row} for row in rows)
    if config.plots and multi:
        curves = {"scores (uncalibrated)": reliability_curve(test_raw, test.targets)}
        if maps is not None:
            curves["calibrated probabilities"] = reliability_curve(test_p, test.targets)
        title = f"Reliability, every (text, label) of {len(test)} test texts"
        plot_reliability(curves, out / "reliability.png", title)
    if config.plots:
        from .plots import plot_confusion, plot_f1_per_emotion

        if goemotions:
            plot_f1_per_emotion(report["model"]["per_class"]["per-class"], out / "f1_per_emotion.png")
            plot_confusion(groups, true, pred, out / "ekman_confusion.png")
        else:
            setting = "per-class" if multi else "argmax"
            xlabel = (
                "test F1 (per-class thresholds calibrated on dev)" if multi else "test F1 (strongest label)"
            )
            title = f"F1 per label, test split ({len(labels)} labels)"
            plot_f1_per_emotion(
                report["model"]["per_class"][setting], out / "f1_per_emotion.png", title, xlabel
            )
            what = "texts with one label" if multi else "texts"
            plot_confusion(
                labels, true, pred, out / "confusion.png", title=f"{len(true)} test {what}",
                xlabel="predicted (strongest label)",
            )  # fmt: skip
    if multi:
        macro = report["model"]["emotions"]["per-class"]["macro_f1"]
        logger.info("Test macro-F1 with calibrated thresholds: %.4f; report in %s", macro, out)
    else:
        top = report["model"]["argmax"]
        logger.info(
            "Test accuracy %.4f, macro-F1 %.4f (strongest label); report in %s",
            top["accuracy"],
            top["macro_f1"],
            out,
        )
    return report
