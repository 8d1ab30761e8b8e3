"""Many texts on the int8 backend: one session on every core (before) against one
single-threaded copy per core (now), in one process, alternating.

    python scripts/compare_per_text.py model student --rounds 5

For each checkpoint and way: batch texts/s over the test split, a 5,000-character text read
sentence by sentence (ms), medians over ``--rounds`` rounds; and the largest difference between
the two ways' test probabilities (the same file runs both, so it should be 0). The machine's
speed (fp32 GFLOP/s) is measured before and after. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from emotions.model.backends import PerText  # noqa: E402
from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.model.reading import read_document  # noqa: E402
from emotions.tools.benchtools import document, matmul_gflops, throughput  # noqa: E402
from emotions.train.data import load_split  # noqa: E402


def ways(model_dir: str) -> dict[str, EmotionClassifier]:
    """The served runner (copies per core) and the same classifier on one session."""
    now = EmotionClassifier.from_pretrained(model_dir, backend="onnx-int8")
    before = EmotionClassifier.from_pretrained(model_dir, backend="onnx-int8")
    before.runner = PerText(before.runner.runner)  # the main session only, row after row
    return {f"{model_dir}, one session (before)": before, f"{model_dir}, a copy per core (now)": now}


def doc_ms(clf: EmotionClassifier, doc: str, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        read_document(clf, doc)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="checkpoint folders")
    parser.add_argument("--data-dir", help="GoEmotions TSV folder (default: ../shared/...)")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds, alternating")
    args = parser.parse_args(argv)
    test = load_split("test", args.data_dir)
    doc = document(test.texts[1000:], 5000)
    gflops = matmul_gflops()
    candidates: dict[str, EmotionClassifier] = {}
    diffs: dict[str, float] = {}
    for model_dir in args.models:
        pair = ways(model_dir)
        before, now = (clf.predict_proba(test.texts) for clf in pair.values())
        diffs[model_dir] = float(np.abs(before - now).max())
        candidates.update(pair)
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in candidates}
    for _ in range(args.rounds):
        for name, clf in candidates.items():
            timings[name].append((throughput(clf.predict_proba, test.texts)[0], doc_ms(clf, doc)))
    print("| model, way | batch texts/s | 5,000 characters by sentence ms |\n|---|---|---|")
    for name, runs in timings.items():
        batch, ms = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"| {name} | {batch:,.0f} | {ms:.1f} |")
    print(f"\nLargest test probability difference between the ways: {diffs}")
    print(f"Machine: {gflops:.0f} GFLOP/s before, {matmul_gflops():.0f} after; {args.rounds} rounds.")


if __name__ == "__main__":
    main()
