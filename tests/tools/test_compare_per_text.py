"""scripts/compare_per_text.py on a tiny checkpoint: both ways timed, the same probabilities."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from helpers import ROOT, WORDS

from emotions.model import onnxfiles

spec = importlib.util.spec_from_file_location("compare_per_text", ROOT / "scripts" / "compare_per_text.py")
compare_per_text = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_per_text)


def test_one_session_and_a_copy_per_core_are_timed_and_agree(tmp_path, tiny_model_dir, capsys, monkeypatch):
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path / "onnx"))
    rng = np.random.default_rng(0)
    rows = [f"{' '.join(rng.choice(WORDS[5:], rng.integers(1, 12)))}.\t{i % 28}\tid{i}" for i in range(1100)]
    (tmp_path / "test.tsv").write_text("\n".join(rows) + "\n")
    compare_per_text.main([str(tiny_model_dir), "--data-dir", str(tmp_path), "--rounds", "1"])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "| model, way | batch texts/s | 5,000 characters by sentence ms |"
    ways = [line.split(" | ")[0].lstrip("| ") for line in out[2:4]]
    assert ways == [f"{tiny_model_dir}, one session (before)", f"{tiny_model_dir}, a copy per core (now)"]
    assert f"{{'{tiny_model_dir}': 0.0}}" in "\n".join(out)  # the same file: the same probabilities
