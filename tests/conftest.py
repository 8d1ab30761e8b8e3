"""Shared fixtures (helpers.py has the helpers they use)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client
from helpers import DATA_DIR, import_app, make_tiny_checkpoint, serving, thresholds_with_rollups

from emotions.labels import LABELS
from emotions.model.thresholds import save_thresholds


@pytest.fixture(scope="session", autouse=True)
def torch_backend_unless_chosen():
    """The app serves onnx-int8 when ONNX Runtime is installed; tests run the torch reference
    unless they choose a backend (test_backends.py), so tiny-model labels are exact."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMOTIONS_BACKEND", os.environ.get("EMOTIONS_BACKEND", "torch"))
        yield


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="session")
def tiny_thresholds(tmp_path_factory) -> Path:
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("thr") / "thresholds.json"
    return save_thresholds(path, LABELS, rng.uniform(0.2, 0.8, len(LABELS)), rng.uniform(0, 1, len(LABELS)))


@pytest.fixture(scope="session")
def app_thresholds(tmp_path_factory) -> Path:
    """Thresholds as ``calibrate`` writes them, roll-up views included."""
    return thresholds_with_rollups(tmp_path_factory.mktemp("app") / "thresholds.json")


@pytest.fixture(scope="session")
def app(tiny_model_dir, app_thresholds):
    """``import app`` on the tiny model, once per session. Tests that change it (a classifier
    that fails, a setting) do so with ``monkeypatch``, so it is restored after them."""
    module = import_app(tiny_model_dir, app_thresholds)
    module.WARMING.join()  # the sentencizer loads at start-up, not in the first request
    return module


@pytest.fixture(scope="session")
def client(app):
    """A ``gradio_client`` on the session's app, launched as ``server.launch`` does."""
    with serving(app) as url:
        yield Client(url, verbose=False)


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
