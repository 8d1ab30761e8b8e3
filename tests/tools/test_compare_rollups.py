"""scripts/compare_rollups.py: its bootstrap macro-F1 is sklearn's, and its table on a tiny model."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from helpers import ROOT, WORDS

from emotions.train.metrics import f1_scores

spec = importlib.util.spec_from_file_location("compare_rollups", ROOT / "scripts" / "compare_rollups.py")
compare_rollups = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_rollups)


def test_the_weighted_macro_f1_is_sklearns_on_the_texts_drawn():
    rng = np.random.default_rng(0)
    targets, preds = rng.integers(0, 2, (60, 5)), rng.integers(0, 2, (60, 5))
    preds[:, 4] = targets[:, 4] = 0  # a label nobody has nor predicts scores 0, as sklearn's
    drawn = rng.integers(0, 60, 60)
    weights = np.bincount(drawn, minlength=60)[None, :].astype(float)
    expected = f1_scores(targets[drawn], preds[drawn])["macro_f1"]
    assert np.isclose(compare_rollups.macro_f1(targets, preds, weights)[0], expected)


def test_a_checkpoint_against_itself_differs_by_nothing(tmp_path, tiny_model_dir, app_thresholds, capsys):
    rng = np.random.default_rng(0)
    rows = [f"{' '.join(rng.choice(WORDS[5:], rng.integers(1, 8)))} 😂\t{i % 28}\tid{i}" for i in range(40)]
    (tmp_path / "test.tsv").write_text("\n".join(rows) + "\n")
    spec = f"{tiny_model_dir}:{app_thresholds}"
    compare_rollups.main([spec, spec, "--data-dir", str(tmp_path), "--resamples", "50"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("| checkpoint | emotions macro-F1 (vs first, 95% interval) | ekman macro-F1")
    assert out[3].count("(+0.0000, +0.0000 to +0.0000)") == 3
    assert out[3].endswith("| 0 of 40 / 0 |")  # every text holds an emoji; none changed


def test_a_thresholds_file_without_roll_ups_is_a_clear_error(tmp_path, tiny_model_dir, tiny_thresholds):
    (tmp_path / "test.tsv").write_text("i love it\t0\tid0\n")
    with pytest.raises(
        ValueError, match="has no 'ekman' roll-up thresholds: run `python -m emotions calibrate`"
    ):
        compare_rollups.main([f"{tiny_model_dir}:{tiny_thresholds}", "--data-dir", str(tmp_path)])
