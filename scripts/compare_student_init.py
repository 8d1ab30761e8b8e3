"""Which start makes the better student: the teacher's layers or the base model's, the first
layers or layers spread up to the top one. One short distillation per start, same data and seed.

    python scripts/compare_student_init.py [--teacher model] [--num-layers 3] [--train-examples 8000]

Each start trains ``--epochs`` on the first ``--train-examples`` training texts (the teacher's
probabilities cached once for all four), then the dev macro-F1 with per-class thresholds chosen
on dev (the sweep's objective) is printed as a markdown table, with dev macro-F1 before any
training (a student cut from the teacher keeps its head; one from the base model starts at
chance). The test split is not read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.train.calibration import calibrate_per_class  # noqa: E402
from emotions.train.data import DataArguments  # noqa: E402
from emotions.train.distill import DistillConfig, build_student, distill  # noqa: E402
from emotions.train.training import TrainConfig  # noqa: E402


def dev_f1(model, recipe: TrainConfig, data: DataArguments, max_examples: int | None) -> float:
    """Dev macro-F1 at per-class thresholds chosen on dev, of an untrained student."""
    from transformers import AutoTokenizer

    dev = data.load("dev").head(max_examples)
    tokenizer = AutoTokenizer.from_pretrained(recipe.base_model)
    probs = []
    with torch.no_grad():
        for i in range(0, len(dev), 128):
            enc = tokenizer(
                dev.texts[i : i + 128], truncation=True, max_length=64, padding=True, return_tensors="pt"
            )
            probs.append(torch.sigmoid(model(**enc).logits).numpy())
    return float(np.mean(calibrate_per_class(dev.targets, np.vstack(probs))[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teacher", default="model")
    parser.add_argument("--num-layers", type=int, default=3)
    parser.add_argument("--train-examples", type=int, default=8000)
    parser.add_argument("--eval-examples", type=int, default=None)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--out", default="runs/student_init")
    args = parser.parse_args()
    data = DataArguments()
    results = []
    rows = [
        "| start | layers kept | dev macro-F1 untrained | dev macro-F1 after training | minutes |",
        "|---|---|---|---|---|",
    ]
    for init in ("teacher", "base"):
        for choice in ("first", "spread"):
            out = Path(args.out) / f"{init}-{choice}"
            config = DistillConfig(teachers=[args.teacher], student_init=init, layer_choice=choice)
            recipe = TrainConfig(
                output_dir=str(out), num_layers=args.num_layers, epochs=args.epochs, emoji="keep",
                name_fill=0, emoji_examples=0, typo_rate=0, max_train_examples=args.train_examples,
                max_eval_examples=args.eval_examples,
            )  # fmt: skip
            model, layers = build_student(
                config, recipe, tuple(data.load("dev").labels), True, args.num_layers
            )
            before = dev_f1(model.eval(), recipe, data, args.eval_examples)
            start = time.perf_counter()
            distill(config, recipe, data)
            minutes = (time.perf_counter() - start) / 60
            summary = json.loads((out / "dev_metrics.json").read_text())
            probs_f1 = summary["dev"]["eval_calibrated_macro_f1"]
            rows.append(f"| {init}, {choice} | {layers} | {before:.4f} | {probs_f1:.4f} | {minutes:.1f} |")
            results.append({"student_init": init, "layer_choice": choice, "layers": layers,
                            "dev_untrained": before, "dev_trained": probs_f1})  # fmt: skip
            (Path(args.out) / "results.json").write_text(json.dumps(results, indent=2) + "\n")
            print("\n".join(rows), flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
