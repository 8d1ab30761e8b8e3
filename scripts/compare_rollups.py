"""Test macro-F1 of the emotions, Ekman and sentiment, for checkpoints compared with the first.

    python scripts/compare_rollups.py model:thresholds/thresholds.json \\
        runs/before:runs/before/thresholds/thresholds.json

Each checkpoint is scored as ``python -m emotions evaluate`` scores it at its per-class
thresholds: its thresholds file gives the 28 thresholds, the roll-up thresholds and, where
it has them, the calibration maps (a group's probability is its strongest member's). Against
the first checkpoint each difference gets a 95% interval from a paired bootstrap (the same
resampled test texts for both), and a count of the texts whose detected labels differ, apart
for the texts that hold an emoji (``teach-emoji`` changes only those). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import emoji
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.train.data import load_split  # noqa: E402
from emotions.train.metrics import binarize  # noqa: E402

VIEWS = ("emotions", "ekman", "sentiment")


def macro_f1(targets: np.ndarray, preds: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Macro-F1 of 0/1 ``preds`` for each row of ``weights`` (how often each text is drawn);
    a label nobody has nor predicts scores 0, as sklearn's ``zero_division=0`` does."""
    t, p = targets.astype(np.float64), preds.astype(np.float64)
    tp, fp, fn = weights @ (t * p), weights @ ((1 - t) * p), weights @ (t * (1 - p))
    denominator = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return f1.mean(axis=-1)


def detections(model_dir: str, thresholds: str, texts: list[str], targets: np.ndarray) -> dict:
    """{view: (true 0/1, detected 0/1)} for the emotions and each roll-up, as evaluate cuts them."""
    clf = EmotionClassifier.from_pretrained(model_dir, thresholds, backend="torch")
    stored = json.loads(Path(thresholds).read_text(encoding="utf-8"))
    probs = clf.predict_proba(texts, raw=True)
    probs = probs if clf.maps is None else clf.maps(probs)
    cut = np.array([stored["thresholds"][name] for name in clf.labels])
    out = {"emotions": (targets, binarize(probs, cut))}
    for view in VIEWS[1:]:
        if view not in stored.get("rollups", {}):
            raise ValueError(f"{thresholds} has no {view!r} roll-up thresholds: run `python -m emotions calibrate` for it.")  # fmt: skip
        groups, view_probs = clf.labelset.view_probs(probs, view)
        _, view_targets = clf.labelset.view_targets(targets, view)
        view_cut = np.array([stored["rollups"][view]["thresholds"][g] for g in groups])
        out[view] = (view_targets, binarize(view_probs, view_cut))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="MODEL_DIR:THRESHOLDS_JSON; the first is the reference")
    parser.add_argument("--data-dir", default=None, help="GoEmotions-style folder (default: the shared data)")
    parser.add_argument("--resamples", type=int, default=2000, help="Bootstrap resamples of the test texts.")
    args = parser.parse_args(argv)
    test = load_split("test", args.data_dir)
    with_emoji = np.array([emoji.emoji_count(t) > 0 for t in test.texts])
    rng = np.random.default_rng(0)
    drawn = rng.integers(0, len(test.texts), (args.resamples, len(test.texts)))
    weights = np.stack([np.bincount(row, minlength=len(test.texts)) for row in drawn]).astype(np.float64)
    everyone = np.ones((1, len(test.texts)))
    rows = [
        "| checkpoint | " + " | ".join(f"{v} macro-F1 (vs first, 95% interval)" for v in VIEWS)
        + " | texts with other labels: with emoji / without |",
        "|---|" + "---|" * (len(VIEWS) + 1),
    ]  # fmt: skip
    first = None
    for spec in args.models:
        model_dir, _, thresholds = spec.partition(":")
        found = detections(model_dir, thresholds, test.texts, test.targets)
        first = first or found
        cells = []
        for view in VIEWS:
            (targets, preds), (_, first_preds) = found[view], first[view]
            score = macro_f1(targets, preds, everyone)[0]
            if found is first:
                cells.append(f"{score:.4f}")
                continue
            gap = macro_f1(targets, preds, weights) - macro_f1(targets, first_preds, weights)
            low, high = np.percentile(gap, [2.5, 97.5])
            diff = score - macro_f1(targets, first_preds, everyone)[0]
            cells.append(f"{score:.4f} ({diff:+.4f}, {low:+.4f} to {high:+.4f})")
        changed = np.zeros(len(test.texts), dtype=bool)
        for view in VIEWS:
            changed |= (found[view][1] != first[view][1]).any(axis=1)
        moved = (
            f"{int(changed[with_emoji].sum())} of {int(with_emoji.sum())} / {int(changed[~with_emoji].sum())}"
        )
        rows.append(f"| {model_dir} | " + " | ".join(cells) + f" | {moved} |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
