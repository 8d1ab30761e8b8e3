"""scripts/compare_ensembles.py on two tiny checkpoints: a row each and one for their average."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from helpers import ROOT, WORDS, make_tiny_checkpoint

spec = importlib.util.spec_from_file_location("compare_ensembles", ROOT / "scripts" / "compare_ensembles.py")
compare_ensembles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_ensembles)


def test_each_checkpoint_and_their_average_get_dev_held_out_and_test(tmp_path, tiny_model_dir, capsys):
    rng = np.random.default_rng(1)
    for split in ("dev", "test"):
        rows = [f"{' '.join(rng.choice(WORDS[5:], 6))}\t{i % 28}\tid{i}" for i in range(60)]
        (tmp_path / f"{split}.tsv").write_text("\n".join(rows) + "\n")
    other = make_tiny_checkpoint(tmp_path / "other", seed=1)
    compare_ensembles.main([str(tiny_model_dir), str(other), "--data-dir", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| checkpoint | dev macro-F1 | held-out dev (2-fold) | test macro-F1 |"
    names = [line.split(" | ")[0].lstrip("| ") for line in lines[2:]]
    assert names == [str(tiny_model_dir), str(other), "average of the above"]
    for line in lines[2:]:
        figures = [float(cell) for cell in line.strip(" |").split(" | ")[1:]]
        assert len(figures) == 3 and all(0 <= f <= 1 for f in figures)


def test_checkpoints_of_other_labels_are_refused(tmp_path, tiny_model_dir):
    import json

    other = make_tiny_checkpoint(tmp_path / "other", seed=1)
    config = json.loads((other / "config.json").read_text())
    config["id2label"] = {str(i): f"label{i}" for i in range(len(config["id2label"]))}
    config["label2id"] = {v: int(k) for k, v in config["id2label"].items()}
    (other / "config.json").write_text(json.dumps(config))
    for split in ("dev", "test"):
        (tmp_path / f"{split}.tsv").write_text("so sad\t25\tid0\n")
    with pytest.raises(ValueError, match="compare models of one label set"):
        compare_ensembles.main([str(tiny_model_dir), str(other), "--data-dir", str(tmp_path)])
