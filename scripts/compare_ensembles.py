"""Checkpoints alone and their probabilities averaged: dev macro-F1, held-out dev, and test.

    python scripts/compare_ensembles.py model runs/teacher7

Each checkpoint scores dev and test on torch with its own raw probabilities (no calibration maps);
then their average does. For each: per-class thresholds fitted on dev (``calibrate``'s regularised
fit), the macro-F1 they reach on dev, the best *held-out* dev macro-F1 of ``calibrate``'s
cross-validation (thresholds fitted on one half of dev, scored on the other: the figure a choice
can use without reusing the dev texts its thresholds saw), and test macro-F1 at the dev thresholds
(read after a choice, for the record). This is how ``distill --teachers A B`` sees its teachers:
their probabilities averaged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.train.calibration import calibrate_regularised, f1_curves_at  # noqa: E402
from emotions.train.data import DataArguments  # noqa: E402


def scores(model_dir: str, data: DataArguments, labels: tuple[str, ...] | None) -> dict:
    """``{split: (raw probabilities, targets)}`` for dev and test, columns in ``labels``' order."""
    clf = EmotionClassifier.from_pretrained(model_dir, backend="torch")
    if labels is not None and tuple(clf.labels) != tuple(labels):
        raise ValueError(
            f"{model_dir} has the labels {clf.labels}, not {list(labels)}: compare models of one label set."
        )
    out = {"labels": tuple(clf.labels)}
    for split in ("dev", "test"):
        rows = data.load(split, clf.labels, clf.multi_label)
        out[split] = (clf.predict_proba(rows.texts, raw=True), rows.targets)
    return out


def row(name: str, dev: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> str:
    thresholds, f1, info = calibrate_regularised(dev[1], dev[0])
    held_out = max(info["cv_macro_f1"].values())
    test_f1 = f1_curves_at(test[1], test[0], thresholds).mean()
    return f"| {name} | {f1.mean():.4f} | {held_out:.4f} | {test_f1:.4f} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="checkpoint folders (multi-label, the same labels)")
    parser.add_argument("--data-dir", help="GoEmotions TSV folder (default: ../shared/...)")
    args = parser.parse_args(argv)
    data = DataArguments(data_dir=args.data_dir)
    each: dict[str, dict] = {}
    for model_dir in args.models:
        each[model_dir] = scores(model_dir, data, next(iter(each.values()))["labels"] if each else None)
    lines = ["| checkpoint | dev macro-F1 | held-out dev (2-fold) | test macro-F1 |", "|---|---|---|---|"]
    lines += [row(m, s["dev"], s["test"]) for m, s in each.items()]
    if len(each) > 1:
        mean = {
            split: (np.mean([s[split][0] for s in each.values()], 0), next(iter(each.values()))[split][1])
            for split in ("dev", "test")
        }
        lines.append(row("average of the above", mean["dev"], mean["test"]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
