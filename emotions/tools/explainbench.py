"""``python -m emotions bench-explain``: how long a word explanation takes, 10 to 80 words.

Occlusion scores *words + 2* copies of the text in one batch, so its time grows with the
square of the text's length; the app aims at 300 ms for 40 words. Run it on a quiet machine.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from emotions.model.backends import resolve_backend
from emotions.model.explain import METHOD, explain
from emotions.model.inference import EmotionClassifier

BENCH_TEXT = (
    "I honestly did not expect the move to go this well. You showed up early with boxes, "
    "pizza and a truck, and stayed until midnight. Thank you so much for your help, I really "
    "owe you one, my dear friend!"
)  # 40 words
WORD_COUNTS = (10, 20, 40, 80)  # texts timed: the first N words of BENCH_TEXT, repeated


@dataclass
class ExplainBenchConfig:
    model_dir: str = field(
        default="model",
        metadata={"help": "Checkpoint to time; 'random' for all-MiniLM-L6-v2 with a random head."},
    )
    backend: str | None = field(
        default=None, metadata={"help": "torch, onnx or onnx-int8 (default: $EMOTIONS_BACKEND or torch)."}
    )  # fmt: skip
    repeats: int = field(default=10, metadata={"help": "Runs per text; the median is reported."})
    threads: int | None = field(default=None, metadata={"help": "torch/ONNX threads (default: all cores)."})

    def __post_init__(self):
        self.backend = resolve_backend(self.backend)
        if self.repeats < 1:
            raise ValueError(f"--repeats must be at least 1, got {self.repeats}.")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"--threads must be positive, got {self.threads}.")
        if self.model_dir != "random" and not Path(self.model_dir).is_dir():
            raise FileNotFoundError(
                f"Model folder not found: {self.model_dir}. Train one (python -m emotions train) "
                "or pass --model-dir random to time the architecture with a random head."
            )


def bench_explain(classifier: EmotionClassifier, texts: list[str], repeats: int = 5) -> dict[str, Any]:
    """Latency of :func:`explain` per text over ``repeats`` runs: median and worst wall time,
    and median CPU time of this process (all threads; steadier when the machine is busy)."""
    if not texts or repeats < 1:
        raise ValueError("bench_explain needs at least one text and one repeat.")
    explain(classifier, texts[0])  # warm-up
    rows = []
    for text in texts:
        wall, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            expl = explain(classifier, text)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        tokens = max(t for w in expl.words for t in w.tokens) + 2 if expl.words else 2
        rows.append({"words": len(expl.words), "tokens": tokens, "median_ms": float(np.median(wall))})
        rows[-1].update(max_ms=max(wall), cpu_ms=float(np.median(cpu)))
    return {"method": METHOD, "threads": torch.get_num_threads(), "repeats": repeats, "texts": rows}


def _random_head_classifier() -> EmotionClassifier:
    """The served architecture and size, without a trained checkpoint."""
    from transformers import AutoTokenizer

    from emotions.train.training import TrainConfig, build_model

    config = TrainConfig(output_dir="/tmp/explain-bench")
    return EmotionClassifier(build_model(config), AutoTokenizer.from_pretrained(config.base_model))


def run(config: ExplainBenchConfig) -> dict[str, Any]:
    """Time the explanations of the texts in ``WORD_COUNTS`` and print a table."""
    if config.threads:
        torch.set_num_threads(config.threads)
    logging.getLogger("emotions.model.explain").setLevel(logging.WARNING)  # a line per explanation otherwise
    if config.model_dir == "random":
        classifier = _random_head_classifier()
    else:
        classifier = EmotionClassifier.from_pretrained(config.model_dir, backend=config.backend)
    words = BENCH_TEXT.split()
    texts = [" ".join((words * 2)[:n]) for n in WORD_COUNTS]
    result = bench_explain(classifier, texts, config.repeats)
    result["backend"] = classifier.backend
    print(f"{METHOD} on the {classifier.backend} backend: {result['threads']} threads, {config.repeats} runs")
    print(f"{'words':>6} {'tokens':>7} {'median ms':>10} {'max ms':>8} {'CPU ms':>8}")
    for r in result["texts"]:
        cells = (r["words"], r["tokens"], r["median_ms"], r["max_ms"], r["cpu_ms"])
        print("{:>6} {:>7} {:>10.1f} {:>8.1f} {:>8.1f}".format(*cells))
    return result
