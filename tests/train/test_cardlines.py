"""The model card's sentences about the run: which model it is, and the commands that wrote it."""

import json

from helpers import make_tiny_checkpoint

from emotions.train.cardfacts import model_row_name
from emotions.train.cardlines import family_line, reproduce_lines


def test_the_served_card_points_at_its_student_and_the_student_card_back():
    served = family_line({}, "me/emotions")
    student = family_line({"distillation": {"student_layers": [1, 3, 5]}}, "me/emotions-student")
    assert "[me/emotions-student](https://huggingface.co/me/emotions-student)" in served
    assert "faster model" in student and "[me/emotions](https://huggingface.co/me/emotions)" in student


def test_kept_thresholds_are_reproduced_with_keep():
    kept = {"kept_from": {"thresholds": "old/thresholds.json", "dev_macro_f1": 0.5}}
    lines = reproduce_lines("student", "student/t.json", "reports/student", "me/m-student", kept).splitlines()
    assert (
        lines[0]
        == "python -m emotions calibrate --model-dir student --keep old/thresholds.json --output student/t.json"
    )
    assert lines[2].endswith("--report-dir reports/student --repo-id me/m-student")
    fitted = reproduce_lines("model", "thresholds/thresholds.json", "reports", "me/m", {})
    assert "--keep" not in fitted and "--repo-id" not in fitted


def test_the_results_row_counts_the_checkpoint_s_layers_and_parameters(tmp_path):
    folder = make_tiny_checkpoint(tmp_path / "tiny")
    config = json.loads((folder / "config.json").read_text())
    name = model_row_name(folder, config)
    assert name.startswith(f"**this model** (MiniLM-L{config['num_hidden_layers']}, ") and name.endswith("M)")
