"""Helpers for the app tests: import ``app`` on a tiny model, and serve it on a free port."""

from __future__ import annotations

import importlib
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from emotions.labels import LABELS, VIEWS
from emotions.thresholds import save_thresholds

ROOT = Path(__file__).resolve().parent.parent
# Gradio's queue trips pandas 3 deprecation warnings; they are Gradio's, not ours.
GRADIO_WARNINGS = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
if str(ROOT) not in sys.path:  # app.py lives at the repo root
    sys.path.insert(0, str(ROOT))


def thresholds_with_rollups(path: Path, seed: int = 0) -> Path:
    """A thresholds.json like ``python -m emotions calibrate`` writes, roll-ups included."""
    rng = np.random.default_rng(seed)
    rollups = {
        view: {"thresholds": {g: round(float(rng.uniform(0.2, 0.8)), 2) for g in VIEWS[view]}}
        for view in ("ekman", "sentiment")
    }
    values = rng.uniform(0.2, 0.8, len(LABELS))
    return save_thresholds(path, LABELS, values, rng.uniform(0, 1, len(LABELS)), {"rollups": rollups})


def import_app(model_dir: Path, thresholds: Path):
    """A fresh ``import app`` with the model taken from ``model_dir`` and ``thresholds``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMOTIONS_MODEL_DIR", str(model_dir))
        mp.setenv("EMOTIONS_THRESHOLDS", str(thresholds))
        mp.delenv("EMOTIONS_MODEL_REPO", raising=False)
        sys.modules.pop("app", None)
        return importlib.import_module("app")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app_module) -> Iterator[str]:
    """Launch ``app_module.demo`` on 127.0.0.1 and a free port; yield its URL; close it."""
    demo = app_module.demo
    _, url, _ = app_module.launch(
        demo, server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True
    )
    try:
        yield url
    finally:
        demo.close()
