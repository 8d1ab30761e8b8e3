"""Speed against quality for checkpoints of different sizes, on the app's int8 backend.

For each checkpoint (with the thresholds ``python -m emotions calibrate`` wrote for it):
dev and test macro-F1 in fp32 (ONNX), with the app's int8 recipe (``onnx-int8``: every
MatMul in int8) and with the previous recipe (int8v3: each layer's feed-forward output
projection kept in fp32), the share of test texts whose labels match its fp32 labels, and
the speed of each int8 variant: batch throughput over the test split and single-text p50
through ``predict``. Speeds alternate between the variants for ``--rounds`` rounds and
report the median, so a drift in the machine's speed hits them all alike. Run it on a quiet
machine::

    python -m emotions train --num-layers 3 --output-dir runs/l3-model
    python -m emotions calibrate --model-dir runs/l3-model --output runs/l3-thresholds.json
    python scripts/compare_models.py model:thresholds/thresholds.json \\
        runs/l3-model:runs/l3-thresholds.json
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import onnx  # noqa: E402
import torch  # noqa: E402

from emotions.model import onnxfiles  # noqa: E402
from emotions.model.backends import OnnxRunner  # noqa: E402
from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.tools.benchtools import macro_f1  # noqa: E402
from emotions.train.data import load_split  # noqa: E402

FFN_OUT = re.compile(r"/layer\.\d+/output/dense/MatMul$")  # not .../attention/output/dense


def ffn_fp32(model: torch.nn.Module, key: str, folder: Path) -> Path:
    """The previous recipe (int8v3): the app's fused export, each FFN output left in fp32."""
    out = folder / f"model-{key}-ffn-fp32.onnx"
    if not out.is_file():
        fused = onnxfiles.export_onnx(model, folder / f"{key}-fused.onnx", fused=True)
        nodes = onnx.load(str(fused)).graph.node
        keep = [n.name for n in nodes if n.op_type == "MatMul" and FFN_OUT.search(n.name)]
        onnxfiles.quantize_onnx(fused, out, keep_fp32=keep)
        fused.unlink()
    return out


def compare(specs: list[str], data_dir: str | None, rounds: int, n_single: int, folder: Path) -> list[dict]:
    splits = {name: load_split(name, data_dir) for name in ("dev", "test")}
    singles = splits["test"].texts[:n_single]
    rows, timed = [], []
    for spec in specs:
        model_dir, _, thresholds = spec.partition(":")
        clf = EmotionClassifier.from_pretrained(model_dir, thresholds or None, backend="onnx-int8")
        model = clf.model  # loaded once: the exports and the layer count
        fp32 = OnnxRunner(onnxfiles.onnx_file(model_dir, False, lambda m=model: m))
        previous = OnnxRunner(ffn_fp32(model, onnxfiles.weights_key(model_dir), folder))
        runners = {"fp32": fp32, "int8": clf.runner, "ffn-fp32": previous}
        row = {"model": model_dir, "layers": model.config.num_hidden_layers}
        for name, split in splits.items():
            labels = {}
            for variant, runner in runners.items():
                clf.runner = runner
                labels[variant] = clf.predict_proba(split.texts) >= clf.threshold_array
                row[f"{name} F1 {variant}"] = macro_f1(split.targets, labels[variant])
                if name == "test" and variant != "fp32":
                    row[f"same labels {variant}"] = (labels[variant] == labels["fp32"]).all(1).mean()
        rows.append(row)
        timed += [(row, variant, clf, runners[variant]) for variant in ("int8", "ffn-fp32")]
    speeds: dict[int, dict[str, list[float]]] = {}
    for _ in range(rounds):
        for row, variant, clf, runner in timed:
            clf.runner = runner
            start = time.perf_counter()
            clf.predict_proba(splits["test"].texts)
            batch = len(splits["test"].texts) / (time.perf_counter() - start)
            times = []
            for text in singles:
                start = time.perf_counter()
                clf.predict(text)
                times.append((time.perf_counter() - start) * 1000)
            got = speeds.setdefault(id(row), {}).setdefault(variant, [])
            got.append((batch, statistics.median(times)))
    for row in rows:
        for variant, runs in speeds[id(row)].items():
            row[f"texts/s {variant}"] = statistics.median(b for b, _ in runs)
            row[f"p50 ms {variant}"] = statistics.median(p for _, p in runs)
    return rows


FORMATS = {"layers": "{:d}", "F1": "{:.4f}", "same": "{:.1%}", "texts/s": "{:,.0f}", "p50": "{:.2f}"}


def table(rows: list[dict]) -> str:
    """Markdown: a row per figure, a column per checkpoint."""
    lines = ["| figure | " + " | ".join(r["model"] for r in rows) + " |", "|---" * (len(rows) + 1) + "|"]
    for key in (k for k in rows[0] if k != "model"):
        fmt = next(f for word, f in FORMATS.items() if word in key)
        lines.append(f"| {key} | " + " | ".join(fmt.format(r[key]) for r in rows) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="MODEL_DIR:THRESHOLDS_JSON, one per checkpoint")
    parser.add_argument("--data-dir", help="GoEmotions TSV folder (default: ../shared/...)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds, alternating (default 3)")
    parser.add_argument("--n-single", type=int, default=300, help="test texts timed one by one")
    parser.add_argument("--work-dir", default="runs/compare", help="where the ffn-fp32 files go")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.n_single < 1:
        parser.error("--rounds and --n-single must be at least 1")
    folder = Path(args.work_dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(table(compare(args.models, args.data_dir, args.rounds, args.n_single, folder)))


if __name__ == "__main__":
    main()
