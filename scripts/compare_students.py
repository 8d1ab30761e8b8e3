"""Teacher against students, in one process, on the app's int8 backend: quality, behaviour, speed.

    python scripts/compare_students.py model:thresholds/thresholds.json \\
        runs/plain3:runs/plain3/thresholds.json runs/distil3:runs/distil3/thresholds.json

For each checkpoint (with the thresholds and calibration maps ``python -m emotions calibrate``
wrote for it on dev): test macro-F1 at those thresholds, the behaviour suite's pass rates and the
bias audit's share of name pairs that differ; then speeds, alternating between the models for
``--rounds`` rounds (medians reported, so a drift in the machine's speed hits them all alike):
batch texts/s over the test split, one-text p50 through ``predict``, and a 5,000-character text
read sentence by sentence (the page's reading). The machine's speed (fp32 GFLOP/s) is measured
before and after. With ``--peer N`` the peer of ``python -m emotions bench`` (a RoBERTa-base-sized
classifier through a stock transformers ``pipeline``) is timed in the same rounds, batch on the
first N test texts and one text at a time on the same texts as ours, and each model's speed is
also given as a multiple of the peer's. Prints a markdown table and writes it as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emotions.model.inference import EmotionClassifier  # noqa: E402
from emotions.model.outputs import detected  # noqa: E402
from emotions.model.reading import read_document  # noqa: E402
from emotions.tools.benchtools import (  # noqa: E402
    document,
    latency_ms,
    macro_f1,
    matmul_gflops,
    peer_pipeline,
    save_peer,
    throughput,
)
from emotions.train import behaviour, checklist  # noqa: E402
from emotions.train.audit import audit  # noqa: E402
from emotions.train.data import load_split  # noqa: E402


def quality(clf: EmotionClassifier, test) -> dict:
    probs = clf.predict_proba(test.texts)
    row = {"test macro-F1": macro_f1(test.targets, detected(probs, clf.threshold_array, clf.multi_label))}
    for report in checklist.run(clf, behaviour.suite()):
        row[f"behaviour: {report.name}"] = report.pass_rate
    row["audit: name pairs differing"] = audit(clf)["name_pairs_differing_share"]
    return row


def speeds(clf: EmotionClassifier, test, singles: list[str], doc: str) -> tuple[float, float, float]:
    start = time.perf_counter()
    clf.predict_proba(test.texts)
    batch = len(test.texts) / (time.perf_counter() - start)
    times = []
    for text in singles:
        start = time.perf_counter()
        clf.predict(text)
        times.append((time.perf_counter() - start) * 1000)
    docs = []
    for _ in range(5):
        start = time.perf_counter()
        read_document(clf, doc)
        docs.append((time.perf_counter() - start) * 1000)
    return batch, statistics.median(times), statistics.median(docs)


def peer_speeds(pipe, test, singles: list[str], n_batch: int) -> tuple[float, float]:
    """The peer's batch texts/s on the first ``n_batch`` test texts, and its one-text p50 in ms."""
    batch, _ = throughput(lambda texts: pipe(texts, batch_size=64), test.texts[:n_batch])
    return batch, latency_ms(pipe, singles)["p50_ms"]


def with_peer(rows: list[dict], peer: list[tuple[float, float]], n_batch: int) -> None:
    """The peer's row, and each model's speed as a multiple of the peer's."""
    batch, single = statistics.median(r[0] for r in peer), statistics.median(r[1] for r in peer)
    for row in rows:
        row["batch vs peer"] = row["batch texts/s"] / batch
        row["one text vs peer"] = single / row["one text p50 ms"]
    rows.append({"model": f"peer (batch on {n_batch} texts)", "layers": 12, "batch texts/s": batch,
                 "one text p50 ms": single})  # fmt: skip


def compare(specs: list[str], data_dir: str | None, rounds: int, n_single: int, n_peer: int = 0) -> dict:
    test = load_split("test", data_dir)
    singles, doc = test.texts[:n_single], document(test.texts[1000:], 5000)
    gflops_before = matmul_gflops()
    models, rows = [], []
    for spec in specs:
        model_dir, _, thresholds = spec.partition(":")
        clf = EmotionClassifier.from_pretrained(model_dir, thresholds or None, backend="onnx-int8")
        clf.predict(singles[:5])  # warm: the export is made or loaded before any timing
        models.append(clf)
        rows.append({"model": model_dir, "layers": clf.model.config.num_hidden_layers, **quality(clf, test)})
    timings: list[list[tuple[float, float, float]]] = [[] for _ in specs]
    peer_timings: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="emotions-peer-") as tmp:
        pipe = (
            peer_pipeline(save_peer(Path(tmp) / "peer", Path(specs[0].partition(":")[0]))) if n_peer else None
        )
        for _ in range(rounds):
            for i, clf in enumerate(models):
                timings[i].append(speeds(clf, test, singles, doc))
            if pipe is not None:
                peer_timings.append(peer_speeds(pipe, test, singles, n_peer))
    for row, runs in zip(rows, timings):
        row["batch texts/s"] = statistics.median(r[0] for r in runs)
        row["one text p50 ms"] = statistics.median(r[1] for r in runs)
        row["5,000 characters by sentence ms"] = statistics.median(r[2] for r in runs)
    for row in rows[1:]:
        row["batch speed-up vs first"] = row["batch texts/s"] / rows[0]["batch texts/s"]
        row["document speed-up vs first"] = (
            rows[0]["5,000 characters by sentence ms"] / row["5,000 characters by sentence ms"]
        )
    if peer_timings:
        with_peer(rows, peer_timings, n_peer)
    machine = {"gflops_before": gflops_before, "gflops_after": matmul_gflops(), "rounds": rounds}
    return {"machine": machine, "rows": rows}


def fmt(key: str, value) -> str:
    if value is None:
        return "–"
    if key == "layers":
        return str(value)
    if "behaviour" in key or "audit" in key:
        return f"{value:.1%}"
    if "speed-up" in key or "vs peer" in key:
        return f"{value:.2f}x"
    if "texts/s" in key:
        return f"{value:,.0f}"
    if "ms" in key:
        return f"{value:.1f}"
    return f"{value:.4f}"


def table(result: dict) -> str:
    rows = result["rows"]
    keys = list(dict.fromkeys(k for r in rows for k in r if k != "model"))
    lines = ["| figure | " + " | ".join(r["model"] for r in rows) + " |", "|---" * (len(rows) + 1) + "|"]
    lines += [f"| {k} | " + " | ".join(fmt(k, r.get(k)) for r in rows) + " |" for k in keys]
    m = result["machine"]
    lines.append(
        f"\nMachine: {m['gflops_before']:.0f} GFLOP/s before, {m['gflops_after']:.0f} after; {m['rounds']} rounds."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", help="MODEL_DIR:THRESHOLDS_JSON, the teacher first")
    parser.add_argument("--data-dir", help="GoEmotions TSV folder (default: ../shared/...)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds, alternating (default 3)")
    parser.add_argument("--n-single", type=int, default=200, help="test texts timed one by one")
    parser.add_argument(
        "--peer", type=int, default=0, help="time the peer too, batch on N test texts (0: no)"
    )
    parser.add_argument("--json", default="reports/students.json", help="where the table goes as JSON")
    args = parser.parse_args()
    result = compare(args.models, args.data_dir, args.rounds, args.n_single, args.peer)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))


if __name__ == "__main__":
    main()
