"""Which fast path to serve: every candidate side by side, in one process, speeds alternating.

A text's answer must be a function of the text alone (batch independence), so the candidates
are those that can hold it, plus the int8 recipe served before (batched dynamic int8, one
activation scale per input tensor) for comparison:

- ``torch``: the fp32 reference;
- ``onnx fp32``: the fp32 export, batched;
- ``int8 dynamic, batched``: the previous served path (not batch-independent);
- ``int8 dynamic, per text``: the same file, each text run alone and unpadded (``PerText``);
- ``int8 static QDQ (minmax|percentile)``: the fp32 export with every MatMul quantised to int8,
  activation scales fixed on dev texts (per-channel weights), batched.

For each: test macro-F1 with the dev-calibrated thresholds, the share of test texts whose
labels match torch's, batch independence (``--n-independence`` test texts scored in batches
of 1 and of 64: texts whose labels change, largest score change), the behaviour suite's pass
rates, one-text p50, batch texts/s over the test split and a 5,000-character text by sentence
(medians over ``--rounds`` alternating rounds). Prints a markdown table::

    python scripts/compare_backends.py --model-dir model --thresholds thresholds/thresholds.json
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from emotions.model.backends import OnnxRunner  # noqa: E402
from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.model.outputs import detected  # noqa: E402
from emotions.model.reading import read_document  # noqa: E402
from emotions.tools import benchtools as bt  # noqa: E402
from emotions.train.behaviour import suite  # noqa: E402
from emotions.train.checklist import run  # noqa: E402
from emotions.train.data import load_split  # noqa: E402


def static_int8(fp32: Path, texts: list[str], clf: EmotionClassifier, method: str, out: Path) -> Path:
    """The fp32 export with activation scales calibrated on ``texts`` (QDQ, per-channel weights)."""
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter(bt_pad(clf, texts[i : i + 32]) for i in range(0, len(texts), 32))

        def get_next(self):
            return next(self.batches, None)

    if not out.is_file():
        quantize_static(
            str(fp32), str(out), Reader(), op_types_to_quantize=["MatMul"], per_channel=True,
            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
            calibrate_method={"minmax": CalibrationMethod.MinMax, "percentile": CalibrationMethod.Percentile}[method],
            extra_options={"ActivationSymmetric": False, "CalibMovingAverage": method == "minmax"},
        )  # fmt: skip
    return out


def bt_pad(clf: EmotionClassifier, texts: list[str]) -> dict:
    from emotions.model.backends import pad_batch

    width = 64  # one shape for every batch: the histogram calibrators stack them
    ids, mask = pad_batch([row[:width] for row in clf.encode(texts)] + [[clf.pad_id] * width], clf.pad_id)
    return {"input_ids": ids[:-1], "attention_mask": mask[:-1]}


def with_runner(clf: EmotionClassifier, runner) -> EmotionClassifier:
    other = copy.copy(clf)
    other.runner = runner
    return other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model-dir", default="model")
    parser.add_argument("--thresholds", default="thresholds/thresholds.json")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n-single", type=int, default=200)
    parser.add_argument("--n-independence", type=int, default=1000)
    parser.add_argument("--max-test", type=int, default=None, help="first N test texts (smoke runs)")
    parser.add_argument("--work", default="runs/compare_backends", help="where the static int8 files go")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    dev, test = load_split("dev"), load_split("test").head(args.max_test)
    torch_clf = EmotionClassifier.from_pretrained(args.model_dir, args.thresholds, backend="torch")
    fp32_clf = EmotionClassifier.from_pretrained(args.model_dir, args.thresholds, backend="onnx")
    int8_clf = EmotionClassifier.from_pretrained(args.model_dir, args.thresholds, backend="onnx-int8")
    calib = dev.texts[:: max(1, len(dev.texts) // 512)][:512]  # whole batches of 32: one shape
    candidates = {
        "torch": torch_clf,
        "onnx fp32": fp32_clf,
        "int8 dynamic, batched (before)": with_runner(int8_clf, int8_clf.runner.runner),
        "int8 dynamic, per text": int8_clf,
    }
    for method in ("minmax", "percentile"):
        path = static_int8(fp32_clf.runner.path, calib, fp32_clf, method, work / f"static-{method}.onnx")
        candidates[f"int8 static QDQ ({method})"] = with_runner(fp32_clf, OnnxRunner(path))
    doc = bt.document(test.texts)
    cut = torch_clf.threshold_array
    reference = detected(torch_clf.predict_proba(test.texts), cut, True)
    rows = {}
    for name, clf in candidates.items():
        probs = clf.predict_proba(test.texts)
        labels = detected(probs, cut, True)
        some = test.texts[: args.n_independence]
        alone, batched = clf.predict_proba(some, batch_size=1), clf.predict_proba(some, batch_size=64)
        changed = int((detected(alone, cut, True) != detected(batched, cut, True)).any(1).sum())
        behaviour = {r.name: r.pass_rate for r in run(clf, suite())}
        rows[name] = {
            "macro_f1": bt.macro_f1(test.targets, labels),
            "same_as_torch": float((labels == reference).all(1).mean()),
            "changed_1_vs_64": changed,
            "max_diff_1_vs_64": float(np.abs(alone - batched).max()),
            "behaviour": behaviour,
            "p50": [], "batch": [], "doc": [],
        }  # fmt: skip
    singles = test.texts[: args.n_single]
    for _ in range(args.rounds):
        for name, clf in candidates.items():
            rows[name]["p50"].append(bt.latency_ms(lambda t, c=clf: c.predict_proba([t]), singles)["p50_ms"])
            rows[name]["batch"].append(bt.throughput(clf.predict_proba, test.texts)[0])
            start = time.perf_counter()
            for _ in range(3):
                read_document(clf, doc)
            rows[name]["doc"].append((time.perf_counter() - start) / 3 * 1000)
    print(f"machine: fp32 matmul {bt.matmul_gflops():.0f} GFLOP/s; {len(test.texts)} test texts\n")
    caps = list(next(iter(rows.values()))["behaviour"])
    print(
        "| candidate | batch-independent (texts changed 1 vs 64, max diff) | test macro-F1 | labels as torch | one-text p50 ms | batch texts/s | 5,000 chars ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        ok = "yes" if r["changed_1_vs_64"] == 0 and r["max_diff_1_vs_64"] <= 1e-4 else "no"
        print(
            f"| {name} | {ok} ({r['changed_1_vs_64']}, {r['max_diff_1_vs_64']:.1e}) | {r['macro_f1']:.4f} | "
            f"{r['same_as_torch']:.1%} | {statistics.median(r['p50']):.2f} | {statistics.median(r['batch']):.0f} | "
            f"{statistics.median(r['doc']):.0f} |"
        )
    print("\n| candidate | " + " | ".join(caps) + " |\n|---|" + "---|" * len(caps))
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join(f"{r['behaviour'][c]:.0%}" for c in caps) + " |")


if __name__ == "__main__":
    main()
