"""Platt scaling against isotonic regression, by repeated 2-fold cross-validation on dev.

    python scripts/compare_calibration.py [--model-dir model] [--data-dir DIR] [--repeats 5]

Fits each emotion's map on one half of the dev split and measures ECE on the other half, both
ways, ``--repeats`` times; prints a markdown table: ECE averaged over emotions, over the 8
rarest emotions, and over every score of 0.2 and up, plus how often an isotonic map is flat
across a per-class threshold (it would then merge scores that detect with scores that do not).
The test split is not read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.isotonic import IsotonicRegression  # noqa: E402

from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.model.thresholds import load_thresholds  # noqa: E402
from emotions.train.data import DataArguments  # noqa: E402
from emotions.train.probabilities import NOTABLE, ece, fit_platt  # noqa: E402


def isotonic(fit_p, fit_t, held_p):
    out = np.empty(held_p.shape, dtype=np.float64)
    for i in range(fit_p.shape[1]):
        model = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(fit_p[:, i], fit_t[:, i])
        out[:, i] = model.predict(held_p[:, i])
    return out


def summary(probs, targets, rare):
    per_label = [ece(probs[:, i], targets[:, i]) for i in range(probs.shape[1])]
    notable = probs >= NOTABLE
    return np.mean(per_label), np.mean([per_label[i] for i in rare]), ece(probs[notable], targets[notable])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model-dir", default="model")
    parser.add_argument(
        "--thresholds", default="thresholds/thresholds.json", help="score thresholds, for the flat-step count"
    )
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    clf = EmotionClassifier.from_pretrained(args.model_dir)
    data = DataArguments(data_dir=args.data_dir) if args.data_dir else DataArguments()
    dev = data.load("dev", clf.labels, True)
    probs, targets = clf.predict_proba(dev.texts, raw=True), dev.targets.astype(bool)
    cut = load_thresholds(args.thresholds, clf.labels)
    cut = np.array([cut[n] for n in clf.labels])
    rare = np.argsort(targets.sum(0))[:8]
    rng = np.random.default_rng(0)
    rows = {"scores (none)": [], "Platt": [], "isotonic": []}
    straddles = []
    for _ in range(args.repeats):
        order = rng.permutation(len(probs))
        halves = (order[: len(order) // 2], order[len(order) // 2 :])
        for fit, held in (halves, halves[::-1]):
            rows["scores (none)"].append(summary(probs[held], targets[held], rare))
            maps = fit_platt(probs[fit], targets[fit], clf.labels)
            rows["Platt"].append(summary(maps(probs[held]), targets[held], rare))
            iso = isotonic(probs[fit], targets[fit], probs[held])
            rows["isotonic"].append(summary(iso, targets[held], rare))
            # flat across a threshold: a held-out score under it and one over it map to one value
            for i in range(probs.shape[1]):
                under, over = probs[held, i] < cut[i], probs[held, i] >= cut[i]
                if under.any() and over.any():
                    straddles.append(iso[under, i].max() >= iso[over, i].min())
    print(
        f"{len(probs)} dev texts, {args.repeats} x 2-fold; ECE with 10 equal-width bins, on the held-out half\n"
    )
    print("| map | ECE, mean over emotions | ECE, 8 rarest emotions | ECE, scores >= 0.2 |")
    print("|---|---|---|---|")
    for name, values in rows.items():
        mean, rare_e, notable = np.mean(values, axis=0)
        print(f"| {name} | {mean:.4f} | {rare_e:.4f} | {notable:.4f} |")
    print(f"\nisotonic maps flat across a per-class threshold: {np.mean(straddles):.0%} of (emotion, fold)")


if __name__ == "__main__":
    main()
