"""``python -m emotions bench``: speed, memory and quality of each inference backend, beside
the peer (a RoBERTa-base-sized classifier through a stock transformers ``pipeline``).

Over the GoEmotions test texts: single-text latency through ``EmotionClassifier.predict``
(tokenise, forward, thresholds); batch throughput over all of them; test macro-F1 at the
calibrated thresholds (and agreement with the torch reference); with ``--app``, the running
app's cold start, ``/predict`` over HTTP and through ``gradio_client``, and its peak RSS.
Prints a table and writes JSON. Timings are only as quiet as the machine: run it alone.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from emotions.model.backends import BACKENDS, resolve_backend
from emotions.model.backends import app_backend as served_backend
from emotions.model.inference import EmotionClassifier
from emotions.model.reading import read_document
from emotions.train.data import load_split

from . import benchtools as bt

logger = logging.getLogger(__name__)


@dataclass
class BenchConfig:
    model_dir: str = field(default="model", metadata={"help": "Checkpoint to benchmark."})
    thresholds: str = field(default="thresholds/thresholds.json", metadata={"help": "From calibrate."})
    backends: list[str] = field(
        default_factory=lambda: list(BACKENDS), metadata={"help": f"Any of {', '.join(BACKENDS)}."}
    )
    app_backend: str | None = field(
        default=None, metadata={"help": "Backend the app runs for --app (default: the app's)."}
    )  # fmt: skip
    data_dir: str | None = field(default=None, metadata={"help": "GoEmotions TSV folder."})
    n_single: int = field(default=300, metadata={"help": "Texts timed one at a time (and over HTTP)."})
    n_client: int = field(default=50, metadata={"help": "Of those, how many through gradio_client."})
    n_batch: int | None = field(default=None, metadata={"help": "Texts scored in bulk (default: all)."})
    batch_size: int = field(default=64, metadata={"help": "Texts per forward pass, ours and the peer's."})
    threads: int | None = field(default=None, metadata={"help": "torch/ONNX threads (default: all cores)."})
    peer: bool = field(default=True, metadata={"help": "Also run the RoBERTa-base-sized peer."})
    app: bool = field(default=True, metadata={"help": "Also time app.py: cold start, HTTP, RSS."})
    output: str = field(default="reports/bench.json", metadata={"help": "Where the JSON goes."})

    def __post_init__(self):
        self.backends = [resolve_backend(b) for b in self.backends]
        if "torch" not in self.backends:
            self.backends.insert(0, "torch")  # the reference the others are compared with
        self.app_backend = served_backend(self.app_backend)
        for name in ("n_single", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name} must be at least 1, got {getattr(self, name)}.")
        for name in ("n_client", "n_batch", "threads"):
            value = getattr(self, name)
            if value is not None and value < (0 if name == "n_client" else 1):
                raise ValueError(f"--{name} must be positive, got {value}.")
        if not Path(self.model_dir).is_dir():
            raise FileNotFoundError(f"Model folder not found: {self.model_dir}.")


def machine() -> dict:
    return {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "platform": platform.platform(),
        "load_avg_1m": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "matmul_gflops": bt.matmul_gflops(),
    }


def _cpu_name() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        return next(x.split(":", 1)[1].strip() for x in lines if x.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def bench_backend(config: BenchConfig, backend: str, singles, texts, targets, reference) -> dict:
    start = time.perf_counter()
    clf = EmotionClassifier.from_pretrained(config.model_dir, config.thresholds, backend=backend)
    out: dict = {"load_s": time.perf_counter() - start}
    out["single"] = bt.latency_ms(clf.predict, singles)
    out["batch_texts_per_s"], probs = bt.throughput(
        lambda xs: clf.predict_proba(xs, batch_size=config.batch_size), texts
    )
    long_text = bt.document(texts)
    out["document"] = bt.latency_ms(lambda t: read_document(clf, t), [long_text] * 20, warmup=2)
    out["document"]["sentences"] = len(read_document(clf, long_text).sentences)
    labels = probs >= clf.threshold_array
    out["test_macro_f1"] = bt.macro_f1(targets, labels) if targets is not None else None
    if reference is not None:
        out["max_abs_prob_diff"] = float(np.abs(probs - reference[0]).max())
        out["label_agreement"] = float((labels == reference[1]).mean())
        out["texts_with_same_labels"] = float((labels == reference[1]).all(1).mean())
    return out, (probs, labels)


def bench_peer(config: BenchConfig, folder: Path, singles, texts) -> dict:
    pipe = bt.peer_pipeline(folder)
    out = {"single": bt.latency_ms(pipe, singles)}
    out["batch_texts_per_s"], _ = bt.throughput(lambda xs: pipe(xs, batch_size=config.batch_size), texts)
    return out


def _app(
    argv: list[str], env: dict, data, texts: list[str], n_client: int, long_text: str | None = None
) -> dict:
    """An app's figures, or the reason there are none (the other figures still count)."""
    try:
        return bt.measure_app(argv, env, data, texts, n_client, long_text)
    except Exception as err:  # noqa: BLE001  (a broken app is a result, not a crash)
        logger.error("%s failed: %s", " ".join(argv[1:]), err)
        return {"error": str(err)[-2000:]}


def bench(config: BenchConfig) -> dict:
    for noisy in ("httpx", "gradio_client"):  # a line per request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if config.threads:
        torch.set_num_threads(config.threads)
    test = load_split("test", config.data_dir)
    singles = test.texts[: config.n_single]
    texts, targets = test.texts[: config.n_batch], test.targets[: config.n_batch]
    report: dict = {"config": asdict(config), "machine": machine(), "backends": {}}
    args = sys.argv[2:] if sys.argv[1:2] == ["bench"] else []
    report["command"] = " ".join(["python -m emotions bench", *args])
    reference = None
    for backend in config.backends:
        logger.info("Timing the %s backend", backend)
        result, probs = bench_backend(config, backend, singles, texts, targets, reference)
        report["backends"][backend] = result
        reference = reference or probs
    env = {"OMP_NUM_THREADS": str(config.threads)} if config.threads else {}
    if config.app:
        logger.info("Timing app.py with the %s backend", config.app_backend)
        app_env = {
            **env,
            "EMOTIONS_MODEL_DIR": str(Path(config.model_dir).resolve()),
            "EMOTIONS_THRESHOLDS": str(Path(config.thresholds).resolve()),
            "EMOTIONS_BACKEND": config.app_backend,
        }
        argv = [sys.executable, "app.py"]
        data = lambda t: [t, *bt.PREDICT_DEFAULTS]  # noqa: E731
        report["app"] = {"backend": config.app_backend}
        report["app"].update(_app(argv, app_env, data, singles, config.n_client, bt.document(texts)))
    if config.peer:
        with tempfile.TemporaryDirectory(prefix="emotions-peer-") as tmp:
            logger.info("Timing the peer (RoBERTa-base-sized pipeline)")
            folder = bt.save_peer(Path(tmp) / "peer", Path(config.model_dir))
            report["peer"] = bench_peer(config, folder, singles, texts)
            if config.app:
                argv = bt.peer_app_argv(folder)
                report["peer"]["app"] = _app(argv, env, lambda t: [t], singles, config.n_client)
    report["machine"]["load_avg_1m_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    report["machine"]["matmul_gflops_end"] = bt.matmul_gflops()
    speed = (report["machine"]["matmul_gflops"], report["machine"]["matmul_gflops_end"])
    speed = "Machine speed (fp32 matmul): {:.0f} GFLOP/s at the start, {:.0f} at the end.".format(*speed)
    report["table"] = f"{table(report)}\n\n{speed}"
    Path(config.output).parent.mkdir(parents=True, exist_ok=True)
    Path(config.output).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(report["table"])
    logger.info("Wrote %s", config.output)
    return report


ROWS = [  # (label, path into a backend's or the app's results, format)
    ("predictor p50, one text (ms)", ("single", "p50_ms"), "{:.2f}"),
    ("predictor p95, one text (ms)", ("single", "p95_ms"), "{:.2f}"),
    ("batch throughput (texts/s)", ("batch_texts_per_s",), "{:,.0f}"),
    ("test macro-F1, calibrated", ("test_macro_f1",), "{:.4f}"),
    ("texts with the torch labels", ("texts_with_same_labels",), "{:.2%}"),
    ("5,000-character text by sentence, p50 (ms)", ("document", "p50_ms"), "{:.1f}"),
    ("  sentences in that text", ("document", "sentences"), "{:.0f}"),
    ("/predict HTTP p50 (ms)", ("app", "http", "p50_ms"), "{:.1f}"),
    ("/predict_sentences 5,000 characters, HTTP p50 (ms)", ("app", "http_sentences", "p50_ms"), "{:.1f}"),
    ("/predict HTTP p95 (ms)", ("app", "http", "p95_ms"), "{:.1f}"),
    ("/predict gradio_client p50 (ms)", ("app", "gradio_client", "p50_ms"), "{:.1f}"),
    ("cold start to first answer (s)", ("app", "cold_start_s"), "{:.1f}"),
    ("app peak RSS (MB)", ("app", "rss_peak_mb"), "{:,.0f}"),
]


def _get(d: dict | None, path: tuple) -> float | None:
    for key in path:
        d = d.get(key) if isinstance(d, dict) else None
    return d if isinstance(d, (int, float)) else None


def table(report: dict) -> str:
    """Markdown: a row per figure, a column per backend, the peer, and ours (the app's) / peer."""
    app_backend = report.get("app", {}).get("backend") or report["config"]["app_backend"]
    columns = {name: dict(r) for name, r in report["backends"].items()}
    if "app" in report:
        columns.setdefault(app_backend, {})["app"] = report["app"]
    peer = report.get("peer")
    head = [*columns, *(["peer", f"{app_backend} / peer"] if peer else [])]
    lines = ["| figure | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for label, path, fmt in ROWS:
        values = [_get(c, path) for c in columns.values()]
        if peer:
            ours, theirs = _get(columns.get(app_backend), path), _get(peer, path)
            ratio = ours / theirs if ours is not None and theirs else None
            values += [theirs, ratio]
        if all(v is None for v in values):
            continue
        cells = [fmt.format(v) if v is not None else "–" for v in values]
        if peer and values[-1] is not None:
            cells[-1] = f"{values[-1]:.3g}"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
