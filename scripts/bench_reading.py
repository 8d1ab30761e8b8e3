"""What reading people's text costs: preprocessing (emoji as words, names masked) and calibration maps.

    python scripts/bench_reading.py [--model-dir model] [--thresholds thresholds/thresholds.json] [--rounds 3]

One process, the app's backend, alternating: the served classifier as it is (its declared
preprocessing and its calibration maps), then with the preprocessing switched off, then with the
maps switched off. For each: one-sentence ``predict_proba`` p50 (300 GoEmotions test texts, the
same for every variant) and batch texts/s (the whole test split). Then ``app.py``'s cold start
(process start to its first answered ``/predict``), and what the preprocessing and the maps cost
alone, per text. Prints a markdown table and the machine's speed; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.model.backends import app_backend  # noqa: E402
from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.model.preprocessing import Preprocessing  # noqa: E402
from emotions.tools import benchtools as bt  # noqa: E402
from emotions.tools.bench import machine  # noqa: E402
from emotions.train.data import load_split  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model-dir", default="model")
    parser.add_argument("--thresholds", default="thresholds/thresholds.json")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-app", action="store_true", help="skip app.py's cold start")
    args = parser.parse_args()
    clf = EmotionClassifier.from_pretrained(args.model_dir, args.thresholds, backend=app_backend())
    texts = load_split("test").texts
    served_prep, served_maps = clf.preprocessing, clf.maps
    variants = {
        f"as served ({served_prep.describe()}; maps: {'yes' if served_maps else 'no'})": (
            served_prep,
            served_maps,
        ),
        "no preprocessing": (Preprocessing(), served_maps),
        "no calibration maps": (served_prep, None),
    }
    results: dict[str, dict[str, list[float]]] = {v: {"p50": [], "tps": []} for v in variants}
    clf.predict_proba(texts[:200])  # warm up: export, sessions, the name list
    for _ in range(args.rounds):
        for name, (prep, maps) in variants.items():
            clf.preprocessing, clf.maps = prep, maps
            results[name]["p50"].append(bt.latency_ms(clf.predict_proba, texts[:300])["p50_ms"])
            results[name]["tps"].append(bt.throughput(clf.predict_proba, texts)[0])
    clf.preprocessing, clf.maps = served_prep, served_maps
    alone = {  # what each step costs by itself, per text: far below the noise of the rows above
        "preprocessing": bt.throughput(lambda ts: [served_prep(t) for t in ts], texts)[0],
        "calibration maps": bt.throughput(lambda ts: [served_maps(np.full((1, 28), 0.3)) for _ in ts], texts)[
            0
        ]
        if served_maps
        else float("nan"),
    }
    speed = machine()
    print(f"{clf.backend} backend, {args.rounds} rounds alternating, median shown; machine: "
          f"{speed['cpu']}, {speed['cores']} cores, {speed['matmul_gflops']:.0f} GFLOP/s matmul\n")  # fmt: skip
    print("| variant | one text p50 (ms) | batch texts/s |")
    print("|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {np.median(r['p50']):.2f} | {np.median(r['tps']):.0f} |")
    for step, per_second in alone.items():
        print(f"\n{step} alone: {1000 / per_second:.4f} ms a text ({len(texts)} test texts, one at a time)")
    if not args.no_app:
        cold_starts(Path(args.model_dir).resolve(), Path(args.thresholds).resolve(), texts, args.rounds)


def cold_starts(model_dir: Path, thresholds: Path, texts: list[str], rounds: int) -> None:
    """app.py from process start to its first answered /predict: the model as served, and a copy
    that declares no preprocessing (nothing to load for names), alternating after one warm-up each."""
    plain = Path(tempfile.mkdtemp()) / "model"
    shutil.copytree(model_dir, plain, ignore=shutil.ignore_patterns("onnx"))
    config = json.loads((plain / "config.json").read_text())
    config.pop("text_preprocessing", None)
    (plain / "config.json").write_text(json.dumps(config))
    data = lambda t: [t, "calibrated", None, 0.0, "emotions"]  # noqa: E731
    folders = {"as served": model_dir, "no preprocessing": plain}
    seconds: dict[str, list[float]] = {name: [] for name in folders}
    for round_ in range(rounds + 1):  # round 0 warms the ONNX export and the disk cache
        for name, folder in folders.items():
            env = {"EMOTIONS_MODEL_DIR": str(folder), "EMOTIONS_THRESHOLDS": str(thresholds)}
            app = bt.measure_app([sys.executable, "app.py"], env, data, texts[:20], n_client=0)
            if round_:
                seconds[name].append(app["cold_start_s"])
    print("\n| app.py cold start (process start to first answered /predict) | median (s) | runs |")
    print("|---|---|---|")
    for name, values in seconds.items():
        print(f"| {name} | {np.median(values):.1f} | {', '.join(f'{v:.1f}' for v in values)} |")


if __name__ == "__main__":
    main()
