"""How checkpoints read GoEmotions' own texts that hold emoji: texts no emoji table wrote.

    python scripts/emoji_texts.py model:thresholds/thresholds.json runs/emoji:runs/emoji/thresholds.json --splits dev

For each checkpoint (with the thresholds given) and each split (dev and test; choose on dev
alone): the texts that hold an emoji, their micro-F1 and macro-F1 (over the emotions present),
how many of them changed labels against the first checkpoint, and the macro-F1 of the whole split
(a model taught emoji by ``teach-emoji`` answers the texts without emoji exactly as before, so
the whole split moves only through the emoji texts and the thresholds). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import emoji
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.model.backends import APP_BACKEND  # noqa: E402
from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.model.outputs import detected  # noqa: E402
from emotions.train.data import load_split  # noqa: E402
from emotions.train.metrics import per_class  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="MODEL_DIR:THRESHOLDS_JSON, the first is the reference")
    parser.add_argument("--backend", default=APP_BACKEND)
    parser.add_argument("--splits", nargs="+", default=["dev", "test"], choices=["dev", "test"])
    args = parser.parse_args()
    rows = [
        "| checkpoint | thresholds | split | texts with emoji | micro-F1 | macro-F1 | labels changed vs first | macro-F1, whole split |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for split in args.splits:
        data = load_split(split)
        keep = [i for i, t in enumerate(data.texts) if emoji.emoji_count(t)]
        targets = data.targets[keep].astype(bool)
        first = None
        for spec in args.models:
            model_dir, thresholds = spec.split(":")
            clf = EmotionClassifier.from_pretrained(model_dir, thresholds, args.backend)
            every = detected(clf.predict_proba(data.texts), clf.threshold_array, True)
            whole = np.mean([r["f1"] for r in per_class(data.targets.astype(bool), every, clf.labels)])
            labels = every[keep]
            first = labels if first is None else first
            tp, fp, fn = (labels & targets).sum(), (labels & ~targets).sum(), (~labels & targets).sum()
            present = [r["f1"] for r in per_class(targets, labels, clf.labels) if r["support"]]
            changed = int((labels != first).any(1).sum())
            rows.append(
                f"| {model_dir} | {thresholds} | {split} | {len(keep)} | {2 * tp / (2 * tp + fp + fn):.3f} | "
                f"{np.mean(present):.3f} | {changed} | {whole:.4f} |"
            )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
