"""``python -m emotions bench-predict``: ``predict`` over big files, against the predictor.

For each size (default 5,000 and 200,000 texts: the GoEmotions train texts repeated), a CSV
is written to a temporary folder and ``python -m emotions predict --input ... --output ...``
runs in a process of its own, watched for its wall time and peak resident memory (VmHWM).
The predictor's own batch throughput on the same backend (``predict_proba`` over the test
texts) is measured beside it, and from the largest run: how many such workers score 100
million texts in a day. Prints a table; run it on a quiet machine.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from emotions.model.backends import app_backend
from emotions.model.hub import find_thresholds
from emotions.model.inference import EmotionClassifier
from emotions.train.data import load_split

from . import benchtools as bt
from .bench import machine

CORPUS = 100_000_000  # texts a day, for the workers estimate
DAY_S = 86_400


@dataclass
class PredictBenchConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint to score with."})
    backend: str | None = field(default=None, metadata={"help": "Backend (default: the app's, onnx-int8)."})
    sizes: list[int] = field(default_factory=lambda: [5_000, 200_000], metadata={"help": "Texts per run."})
    output: str = field(default="reports/bench-predict.json", metadata={"help": "Where the JSON goes."})

    def __post_init__(self) -> None:
        self.backend = app_backend(self.backend)
        if not self.sizes or min(self.sizes) < 1:
            raise ValueError(f"--sizes {self.sizes}: give one or more positive counts.")
        if not Path(self.model_dir).is_dir():
            raise FileNotFoundError(f"Model folder not found: {self.model_dir}.")


def write_corpus(path: Path, texts: list[str], n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows([i, texts[i % len(texts)]] for i in range(n))


def run_predict(config: PredictBenchConfig, source: Path, target: Path) -> dict:
    """One ``predict`` process: wall seconds and peak RSS (MB), read from /proc while it runs."""
    argv = [sys.executable, "-m", "emotions", "predict", "--model-dir", config.model_dir, "--quiet"]
    argv += ["--backend", config.backend, "--input", str(source), "--output", str(target)]
    start, peak = time.perf_counter(), 0.0
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while proc.poll() is None:
        peak = max(peak, bt.peak_rss_mb(proc.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"predict failed: {proc.stderr.read().decode()[-1500:]}")
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak, 1)}


def bench_predict(config: PredictBenchConfig) -> dict:
    train = load_split("train").texts
    test = load_split("test").texts
    clf = EmotionClassifier.from_pretrained(
        config.model_dir, find_thresholds(config.model_dir), backend=config.backend
    )
    clf.predict_proba(test[:256])  # warm-up
    batch, _ = bt.throughput(clf.predict_proba, test)
    report: dict = {
        "config": asdict(config),
        "machine": machine(),
        "predictor_batch_texts_per_s": round(batch, 1),
    }
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-predict-") as tmp:
        for n in config.sizes:
            source, target = Path(tmp) / f"in-{n}.csv", Path(tmp) / f"out-{n}.jsonl"
            write_corpus(source, train, n)
            result = run_predict(config, source, target)
            with target.open(encoding="utf-8") as f:
                written = sum(1 for _ in f)
            runs.append(
                {"texts": n, "written": written, **result, "texts_per_s": round(n / result["seconds"], 1)}
            )
    report["runs"] = runs
    largest = max(runs, key=lambda r: r["texts"])
    rate = largest["texts_per_s"]
    report["workers_for_100M_a_day"] = math.ceil(CORPUS / DAY_S / rate)
    report["table"] = table(report)
    Path(config.output).parent.mkdir(parents=True, exist_ok=True)
    Path(config.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(report["table"])
    return report


def table(report: dict) -> str:
    batch = report["predictor_batch_texts_per_s"]
    lines = [
        f"predict on {report['config']['backend']}: the predictor's batch throughput here is {batch:,.0f} texts/s",
        "| texts | seconds (process, start-up included) | texts/s | vs predictor batch | peak RSS (MB) |",
        "|---|---|---|---|---|",
    ]
    for r in report["runs"]:
        lines.append(
            f"| {r['texts']:,} | {r['seconds']:.1f} | {r['texts_per_s']:,.0f} | {r['texts_per_s'] / batch:.0%} | {r['peak_rss_mb']:,.0f} |"
        )
    lines.append(
        f"100 million texts in a day need {CORPUS / DAY_S:,.0f} texts/s: {report['workers_for_100M_a_day']} workers "
        "like this one (2 cores each)."
    )
    return "\n".join(lines)
