"""The model card's sentences about the run: which model it is, and the commands that wrote it."""

import json

from helpers import make_tiny_checkpoint

from emotions.train.cardfacts import model_row_name
from emotions.train.cardlines import family_line, origin_lines, reproduce_lines


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
    assert lines[2].endswith("--report-dir reports/student --repo-id me/m-student --readme ''")
    fitted = reproduce_lines("model", "thresholds/thresholds.json", "reports", "me/m", {})
    assert "--keep" not in fitted and "--repo-id" not in fitted and "--readme" not in fitted


def test_the_results_row_counts_the_checkpoint_s_layers_and_parameters(tmp_path):
    folder = make_tiny_checkpoint(tmp_path / "tiny")
    config = json.loads((folder / "config.json").read_text())
    name = model_row_name(folder, config)
    assert name.startswith(f"**this model** (MiniLM-L{config['num_hidden_layers']}, ") and name.endswith("M)")


def test_the_student_card_names_every_teacher_and_the_command_that_averaged_them():
    config = {"num_hidden_layers": 3}
    one = {"output_dir": "runs/s", "distillation": {"student_layers": [1, 3, 5], "student_init": "teacher"}}
    origin, command = origin_lines(one, config)
    assert "distilled from the project's 6-layer model" in origin
    assert command == "python -m emotions distill --num-layers 3 --output-dir runs/s"
    two = {**one, "distillation": {**one["distillation"], "teachers": ["model", "runs/teacher7"]}}
    origin, command = origin_lines(two, config)
    assert "the average of 2 6-layer models" in origin
    assert command.startswith("python -m emotions distill --teachers model runs/teacher7 --num-layers 3")
