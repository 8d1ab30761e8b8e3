"""scripts/profile_document.py on a tiny checkpoint: every table, with a figure in each row."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from helpers import ROOT, WORDS

pytest.importorskip("onnxruntime")
spec = importlib.util.spec_from_file_location("profile_document", ROOT / "scripts" / "profile_document.py")
profile_document = importlib.util.module_from_spec(spec)
spec.loader.exec_module(profile_document)


def test_every_step_operator_shape_and_runner_gets_a_time(tmp_path, tiny_model_dir, capsys):
    rng = np.random.default_rng(2)
    rows = [f"{' '.join(rng.choice(WORDS[5:], 8))}.\t{i % 28}\tid{i}" for i in range(300)]
    (tmp_path / "test.tsv").write_text("\n".join(rows) + "\n")
    profile_document.main(["--model-dir", str(tiny_model_dir), "--data-dir", str(tmp_path), "--repeats", "1"])
    out = capsys.readouterr().out
    cells = {}
    for line in out.splitlines():
        parts = [p.strip() for p in line.strip("|").split("|")]
        if line.startswith("|") and len(parts) >= 2 and not set(parts[1]) <= {"-"}:
            cells[parts[0]] = parts[1:]
    for row in (
        "read_document (all of it)",
        "split into sentences",
        "language",
        "tokenise",
        "model (predict_proba)",
    ):
        assert float(cells[row][0]) > 0
    for row in (
        "int8, 2 threads",
        "int8, 1 thread",
        "fp32, 2 threads",
        "torch fp32",
        "torch dynamic int8 (torch.ao)",
    ):
        assert float(cells[row][0]) > 0
    assert {"32 x 8", "16 x 16", "4 x 64"} <= set(cells)  # (longer rows: as far as the model reads)
    assert "MatMul" in " ".join(cells)  # the operator table names ONNX Runtime's matrix products
    n_sentences = int(out.split(" sentences + the whole text")[0].split()[-1])
    assert n_sentences > 10  # the joined test texts, read as many sentences
    assert "KB answer" in out
