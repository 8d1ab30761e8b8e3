"""scripts/compare_models.py on two tiny checkpoints: every figure, for each, in one table."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from helpers import ROOT, WORDS, make_tiny_checkpoint

pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")
spec = importlib.util.spec_from_file_location("compare_models", ROOT / "scripts" / "compare_models.py")
compare_models = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_models)


def test_table_has_every_figure_for_each_checkpoint(tmp_path, tiny_model_dir, tiny_thresholds, capsys):
    rng = np.random.default_rng(1)
    for split in ("dev", "test"):
        rows = [f"{' '.join(rng.choice(WORDS[5:], 6))}\t{i % 28}\tid{i}" for i in range(40)]
        (tmp_path / f"{split}.tsv").write_text("\n".join(rows) + "\n")
    other = make_tiny_checkpoint(tmp_path / "other", seed=1)
    argv = [f"{tiny_model_dir}:{tiny_thresholds}", str(other), "--data-dir", str(tmp_path)]
    compare_models.main([*argv, "--rounds", "2", "--n-single", "3", "--work-dir", str(tmp_path / "work")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"| figure | {tiny_model_dir} | {other} |"
    figures = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1:] for line in lines[2:]}
    for variant in ("fp32", "int8", "ffn-fp32"):
        assert f"dev F1 {variant}" in figures and f"test F1 {variant}" in figures
    for variant in ("int8", "ffn-fp32"):
        assert {f"same labels {variant}", f"texts/s {variant}", f"p50 ms {variant}"} <= set(figures)
        assert all(float(cell.strip(" |").replace(",", "")) > 0 for cell in figures[f"texts/s {variant}"])
    assert figures["layers"] == ["2", "2 |"]
    previous = sorted((tmp_path / "work").glob("*-ffn-fp32.onnx"))
    assert len(previous) == 2  # one per checkpoint, each with its 2 FFN outputs left in fp32
    assert [n.op_type for n in onnx.load(str(previous[0])).graph.node].count("MatMul") == 2
