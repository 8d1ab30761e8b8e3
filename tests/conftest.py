"""Shared fixtures: a tiny model built from a config (seconds, no download)."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import BertTokenizerFast

from emotions.labels import LABELS
from emotions.modeling import MeanPoolBertConfig, MeanPoolBertForSequenceClassification
from emotions.thresholds import save_thresholds

# The app serves onnx-int8 when ONNX Runtime is installed; tests run the torch reference
# unless they choose (test_backends.py, test_serving.py), so tiny-model labels are exact.
os.environ.setdefault("EMOTIONS_BACKEND", "torch")
DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared/data/goemotions/original"
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


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="session")
def tiny_thresholds(tmp_path_factory) -> Path:
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("thr") / "thresholds.json"
    return save_thresholds(path, LABELS, rng.uniform(0.2, 0.8, len(LABELS)), rng.uniform(0, 1, len(LABELS)))


@pytest.fixture
def goemotions_dir() -> Path:
    if not (DATA_DIR / "test.tsv").is_file():
        pytest.skip(f"GoEmotions data not found at {DATA_DIR}")
    return DATA_DIR


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def silent_endpoint():
    """A Hub that accepts connections and never answers (some huggingface_hub calls never time out)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    # closing the socket resets the pending connections: the abandoned download thread ends
