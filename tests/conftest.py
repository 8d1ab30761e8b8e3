"""Shared fixtures (helpers.py has the helpers they use)."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest
from helpers import DATA_DIR, make_tiny_checkpoint

from emotions.labels import LABELS
from emotions.model.thresholds import save_thresholds


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


@pytest.fixture
def silent_endpoint():
    """A Hub that accepts connections and never answers (some huggingface_hub calls never time out)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    # closing the socket resets the pending connections: the abandoned download thread ends
