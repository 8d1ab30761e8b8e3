"""Helpers shared by the tests: a tiny model built from a config (seconds, no download), its
thresholds, ``import app`` on it, serving it on a free port or running ``python app.py``, and
fakes. The fixtures built on them are in conftest.py."""

from __future__ import annotations

import csv
import importlib
import json
import logging
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import BertTokenizerFast

from emotions.labels import LABELS, VIEWS
from emotions.model.modeling import MeanPoolBertConfig, MeanPoolBertForSequenceClassification
from emotions.model.thresholds import save_thresholds
from emotions.serve import server
from emotions.serve.controls import Controls
from emotions.tools.benchtools import free_port

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared/data/goemotions/original"
WORDS = (
    "[PAD] [UNK] [CLS] [SEP] [MASK] i you we it is so much thank thanks love hate happy sad "
    "angry great good bad not this that the a and what why wow omg yes no ! ? . , ##s ##ing"
).split()


def tiny_tokenizer(folder: Path) -> BertTokenizerFast:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    return BertTokenizerFast(vocab=str(folder / "vocab.txt"), do_lower_case=True)


def make_tiny_checkpoint(folder: Path, seed: int = 0) -> Path:
    """Save a 2-layer, 32-wide mean-pooling model with the 28 labels and a tokenizer."""
    torch.manual_seed(seed)
    tokenizer = tiny_tokenizer(folder)
    config = MeanPoolBertConfig(
        vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=160, num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)},
        problem_type="multi_label_classification",
    )  # fmt: skip
    model = MeanPoolBertForSequenceClassification(config)
    with torch.no_grad():  # spread the logits so the labels differ between texts
        model.classifier.weight.normal_(0, 2.0)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def write_tiny_goemotions(folder: Path, sizes=(("train", 300), ("dev", 120), ("test", 120))) -> Path:
    """A few hundred synthetic comments of the tiny vocabulary in the release's TSV format."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    words = WORDS[5:]
    for split, n in sizes:
        rows = []
        for i in range(n):
            text = " ".join(rng.choice(words, rng.integers(2, 12)))
            labels = sorted(set(rng.integers(0, 28, rng.integers(1, 3)).tolist()))
            rows.append(f"{text}\t{','.join(map(str, labels))}\tid{i}")
        (folder / f"{split}.tsv").write_text("\n".join(rows) + "\n")
    return folder


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path


# Gradio's queue trips pandas 3 deprecation warnings; they are Gradio's, not ours.
GRADIO_WARNINGS = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
# The settings panel's defaults, as the events take them: view, mode, global, sensitivity, overrides
# The settings panel at its defaults, in Controls' order (what bound events take last)
CONTROLS = tuple(getattr(Controls(), f.name) for f in fields(Controls))
# What plain HTTP sends after the text (it must send every value; the README shows them)
PLAIN_HTTP_DEFAULTS = ["calibrated", 0.5, 0.0, "emotions"]


def thresholds_with_rollups(path: Path, seed: int = 0) -> Path:
    """A thresholds.json like ``python -m emotions calibrate`` writes, roll-ups included."""
    rng = np.random.default_rng(seed)
    rollups = {
        view: {"thresholds": {g: round(float(rng.uniform(0.2, 0.8)), 2) for g in VIEWS[view]}}
        for view in ("ekman", "sentiment")
    }
    values = rng.uniform(0.2, 0.8, len(LABELS))
    return save_thresholds(path, LABELS, values, rng.uniform(0, 1, len(LABELS)), {"rollups": rollups})


def import_app(model_dir: Path, thresholds: Path | None):
    """A fresh ``import app`` with the model taken from ``model_dir`` and ``thresholds``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMOTIONS_MODEL_DIR", str(model_dir))
        if thresholds is None:  # beside the model
            mp.delenv("EMOTIONS_THRESHOLDS", raising=False)
        else:
            mp.setenv("EMOTIONS_THRESHOLDS", str(thresholds))
        mp.delenv("EMOTIONS_MODEL_REPO", raising=False)
        mp.syspath_prepend(str(ROOT))  # app.py lives at the repo root
        sys.modules.pop("app", None)
        return importlib.import_module("app")


@contextmanager
def serving(app_module) -> Iterator[str]:
    """Launch ``app_module.demo`` on 127.0.0.1 and a free port; yield its URL; close it."""
    demo = app_module.demo
    _, url, _ = server.launch(
        demo, server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True
    )
    try:
        yield url
    finally:
        demo.close()


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"app did not start:\n{log.read_text()}")


@contextmanager
def running_app_py(log: Path, cwd: Path = ROOT, **env: str) -> Iterator[str]:
    """Run ``python app.py`` as a Space does, with ``env`` added (EMOTIONS_MODEL_REPO unset unless
    given) and its stdout and stderr in ``log``; yield its URL once the page answers; stop it."""
    port = free_port()
    env = {"GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), "PYTHONUNBUFFERED": "1", **env}
    full = {k: v for k, v in os.environ.items() if k != "EMOTIONS_MODEL_REPO"} | env
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")], cwd=cwd, env=full, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


EKMAN = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")
CUSTOM = ("admiration", "boredom", "gratitude", "xyzzy")  # one guessed emoji, one default


def make_stock_checkpoint(
    folder: Path, labels=EKMAN, multi_label: bool = False, arch: str = "bert", seed: int = 0
) -> Path:
    """A stock transformers classifier (2 layers, 32 wide) saved with ``save_pretrained``, as
    a user would bring one: single-label unless ``multi_label``; ``arch`` one of bert,
    distilbert, roberta, deberta-v2, modernbert."""
    import transformers as T

    torch.manual_seed(seed)
    tokenizer = tiny_tokenizer(folder)
    kw = dict(
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={n: i for i, n in enumerate(labels)},
    )
    kw["problem_type"] = "multi_label_classification" if multi_label else "single_label_classification"
    size = dict(vocab_size=len(WORDS), max_position_embeddings=170)
    config = {
        "bert": lambda: T.BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, **size, **kw),
        "distilbert": lambda: T.DistilBertConfig(dim=32, n_layers=2, n_heads=2, hidden_dim=64, **size, **kw),
        "roberta": lambda: T.RobertaConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, pad_token_id=0, **size, **kw),
        "deberta-v2": lambda: T.DebertaV2Config(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, pad_token_id=0, **size, **kw),
        "modernbert": lambda: T.ModernBertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, pad_token_id=0, bos_token_id=2, eos_token_id=3, cls_token_id=2, sep_token_id=3, **size, **kw),
    }[arch]()  # fmt: skip
    model = T.AutoModelForSequenceClassification.from_config(config)
    with torch.no_grad():  # spread the logits so the labels differ between texts
        model.classifier.weight.normal_(0, 2.0) if hasattr(model.classifier, "weight") else None
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


class Spy:
    """Wraps a classifier to count its model calls (``predict_proba``)."""

    def __init__(self, classifier):
        self.inner, self.calls = classifier, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def predict_proba(self, texts, *args, **kwargs):
        self.calls += 1
        return self.inner.predict_proba(texts, *args, **kwargs)


class FailsOnce:
    """A classifier whose next model call raises ``error``, then works again; counts the calls."""

    def __init__(self, inner, error: Exception):
        self.inner, self.error, self.calls = inner, error, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def predict_proba(self, *args, **kwargs):
        self.calls += 1
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return self.inner.predict_proba(*args, **kwargs)


# A per-emotion evaluation report: its F1 and support per label (grief: shaky)
F1 = {name: round(0.2 + 0.6 * i / len(LABELS), 3) for i, name in enumerate(LABELS)} | {"grief": 0.12}
SUPPORT = {name: 50 + 10 * i for i, name in enumerate(LABELS)} | {"grief": 6}


def write_report(path: Path, f1: dict[str, float], support: dict[str, int]) -> Path:
    """A full per_class.csv for the 28 labels, in the evaluation's format."""
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, ["thresholds", "label", "precision", "recall", "f1", "support"])
        writer.writeheader()
        for setting in ("0.5", "per-class"):
            for name in LABELS:
                value = f1[name] / 2 if setting == "0.5" else f1[name]
                writer.writerow(
                    {"thresholds": setting, "label": name, "precision": 0.5, "recall": 0.5}
                    | {"f1": value, "support": support[name]}
                )
    return path


def the_one_error_logged(caplog) -> str:
    """The one error a failed command logged: a single line, without a traceback; clears caplog."""
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    message = errors[0].getMessage()
    assert errors[0].exc_info is None and "\n" not in message.strip(), message
    caplog.clear()
    return message
