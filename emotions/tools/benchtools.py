"""Helpers for ``python -m emotions bench``: timing, the peer pipeline, serving apps over HTTP.

The peer is what a visitor would otherwise pick: a RoBERTa-base-sized classifier (the
architecture of the most-used GoEmotions model; random weights cost the same) behind a
stock transformers ``pipeline``. No RoBERTa tokenizer is available offline, so it uses our
checkpoint's (BERT WordPiece, 30,522 ids and any added tokens; the peer's vocabulary is sized to match), which
gives the same token counts within a few percent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from emotions.labels import LABELS
from emotions.model.hub import PROJECT_ROOT  # noqa: E402

PREDICT_DEFAULTS = ["calibrated", 0.5, 0.0, "emotions"]  # the app's /predict after the text


def latency_ms(fn: Callable[[str], object], texts: list[str], warmup: int = 5) -> dict[str, float]:
    """Call ``fn`` once per text (after ``warmup`` calls): p50, p95 and mean in milliseconds."""
    for text in texts[:warmup]:
        fn(text)
    times = []
    for text in texts:
        start = time.perf_counter()
        fn(text)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": float(np.percentile(times, 50)),
        "p95_ms": float(np.percentile(times, 95)),
        "mean_ms": float(np.mean(times)),
        "n": len(times),
    }


def throughput(fn: Callable[[list[str]], object], texts: list[str]) -> tuple[float, object]:
    """Texts per second for one call of ``fn`` on every text, and what it returned."""
    start = time.perf_counter()
    result = fn(texts)
    return len(texts) / (time.perf_counter() - start), result


def macro_f1(targets: np.ndarray, preds: np.ndarray) -> float:
    """Unweighted mean of per-class F1 (a class with no positives and none predicted: 0)."""
    targets, preds = targets.astype(bool), preds.astype(bool)
    tp = (targets & preds).sum(0)
    denom = targets.sum(0) + preds.sum(0)
    return float(np.mean(np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)))


def peer_config(tokenizer):
    """A RoBERTa-base-sized config with a row for every id ``tokenizer`` makes (added tokens too:
    the served model's emoji tokens lie past the 30,522 word pieces)."""
    from transformers import RobertaConfig

    return RobertaConfig(
        vocab_size=len(tokenizer), hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
        intermediate_size=3072, max_position_embeddings=514, type_vocab_size=1,
        pad_token_id=tokenizer.pad_token_id, id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)}, problem_type="multi_label_classification",
    )  # fmt: skip


def save_peer(folder: Path, tokenizer_dir: Path) -> Path:
    """A RoBERTa-base-sized classifier with random weights, saved like a downloaded model."""
    import torch
    from transformers import AutoTokenizer, RobertaForSequenceClassification

    if (folder / "config.json").is_file():
        return folder
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    torch.manual_seed(0)
    RobertaForSequenceClassification(peer_config(tokenizer)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def peer_pipeline(folder: Path):
    """The peer as a user would run it: ``pipeline("text-classification", top_k=None)``."""
    from transformers import pipeline

    return pipeline("text-classification", model=str(folder), top_k=None, device="cpu")


# ---- apps over HTTP ------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def matmul_gflops(size: int = 1024, repeats: int = 30) -> float:
    """The machine's speed right now: fp32 GFLOP/s of a ``size``-square torch matmul. A VM's
    speed drifts (3x between two days here), so each run records it beside its timings."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(3):
        a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def document(texts: list[str], chars: int = 5000) -> str:
    """A long text for the sentence benchmarks: texts joined until ``chars`` characters."""
    out, n = [], 0
    for text in texts:
        out.append(text if text.rstrip().endswith((".", "!", "?")) else text.rstrip() + ".")
        n += len(out[-1]) + 1
        if n >= chars:
            break
    return " ".join(out)[:chars]


def call_predict(client, base: str, data: list, timeout: float = 60.0, api: str = "predict") -> object:
    """Gradio's HTTP API: POST ``/gradio_api/call/<api>``, then read the event stream."""
    response = client.post(f"{base}/gradio_api/call/{api}", json={"data": data}, timeout=timeout)
    response.raise_for_status()
    event_id = response.json()["event_id"]
    result = client.get(f"{base}/gradio_api/call/{api}/{event_id}", timeout=timeout)
    result.raise_for_status()
    event = None
    for line in result.text.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == "complete":
            return json.loads(line.split(":", 1)[1])
        elif line.startswith("data:") and event == "error":
            raise RuntimeError(f"/predict failed: {line[5:].strip()}")
    raise RuntimeError(f"/predict gave no result: {result.text[:200]!r}")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process plus its children's, in MB."""
    import psutil

    total = 0
    for proc in [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            total += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM"))
        except (OSError, StopIteration):  # not Linux, or it exited: fall back to current RSS
            total += proc.memory_info().rss // 1024
    return total / 1024


def measure_app(
    argv: list[str],
    env: dict[str, str],
    data: Callable[[str], list],
    texts: list[str],
    n_client: int,
    long_text: str | None = None,
) -> dict:
    """Start an app, time it to its first answered /predict, then HTTP and gradio_client
    latency over ``texts``, ``/predict_sentences`` on ``long_text`` (when given), then its peak
    RSS. The app is stopped whatever happens."""
    import httpx

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, **env, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port)}
    env.pop("EMOTIONS_MODEL_REPO", None)
    log = tempfile.TemporaryFile()  # not a pipe: a chatty app must never block on it
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        with httpx.Client() as client:
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"{' '.join(argv)} exited: {log.read().decode()[-2000:]}")
                try:
                    call_predict(client, base, data(texts[0]))
                    break
                except (httpx.TransportError, httpx.HTTPStatusError):
                    time.sleep(0.02)
            out = {"cold_start_s": time.perf_counter() - start}
            out["http"] = latency_ms(lambda t: call_predict(client, base, data(t)), texts)
            if long_text:
                read = lambda t: call_predict(client, base, data(t), api="predict_sentences")  # noqa: E731
                out["http_sentences"] = latency_ms(read, [long_text] * 20, warmup=2)
        if n_client:
            from gradio_client import Client

            gc_client = Client(base, verbose=False)
            out["gradio_client"] = latency_ms(
                lambda t: gc_client.predict(*data(t), api_name="/predict"), texts[:n_client]
            )
        out["rss_peak_mb"] = peak_rss_mb(proc.pid)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def peer_app_argv(folder: Path) -> list[str]:
    return [sys.executable, "-m", "emotions.tools.peer_app", str(folder)]
