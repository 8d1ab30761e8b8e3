"""``python -m emotions distill`` on tiny models: a student cut from its teacher learns from the
teacher's cached probabilities, reads texts as the teacher does, and is calibrated like any model."""

import json
import logging

import numpy as np
import pytest
import torch
from helpers import make_tiny_checkpoint, the_one_error_logged, write_tiny_goemotions

from emotions.cli import main
from emotions.model.modeling import MeanPoolBertForSequenceClassification
from emotions.model.preprocessing import Preprocessing
from emotions.train import teachercache
from emotions.train.distill import DistillConfig, build_student, make_distill_loss, pick_layers, soft_loss
from emotions.train.training import TrainConfig

TINY = ["--epochs", "1", "--batch-size", "16", "--max-length", "16", "--emoji-examples", "0"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("distill")
    teacher = make_tiny_checkpoint(root / "teacher")  # 2 layers
    config = json.loads((teacher / "config.json").read_text())
    config["text_preprocessing"] = {"emoji": "keep", "names": "mask"}
    (teacher / "config.json").write_text(json.dumps(config))
    return root, teacher, write_tiny_goemotions(root / "data")


def distill_args(root, teacher, data, out="student", cache="cache.npz"):
    return [
        "distill", "--teachers", str(teacher), "--data-dir", str(data), "--base-model", str(teacher),
        "--output-dir", str(root / out), "--num-layers", "1", "--teacher-cache", str(root / cache), *TINY,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def student(setup):
    root, teacher, data = setup
    assert main(distill_args(root, teacher, data)) == 0
    return root / "student"


def test_layers_are_the_first_or_spread_up_to_the_top():
    assert pick_layers(6, 3, "first") == [0, 1, 2]
    assert pick_layers(6, 3, "spread") == [1, 3, 5]
    assert pick_layers(6, 2, "spread") == [2, 5]
    assert pick_layers(12, 6, "spread") == [1, 3, 5, 7, 9, 11]
    with pytest.raises(
        ValueError, match="num_layers=8, but the teacher has 6 layers: a student cannot be deeper"
    ):
        pick_layers(6, 8, "spread")


def test_the_student_starts_from_the_teachers_chosen_layers_and_head(setup):
    root, teacher, _ = setup
    recipe = TrainConfig(base_model=str(teacher), output_dir=str(root / "x"))
    model, layers = build_student(DistillConfig(teachers=[str(teacher)]), recipe, None, True, 1)
    source = MeanPoolBertForSequenceClassification.from_pretrained(teacher)
    assert layers == [1] and model.config.num_hidden_layers == 1 and len(model.bert.encoder.layer) == 1
    for mine, theirs in zip(
        model.bert.encoder.layer[0].parameters(), source.bert.encoder.layer[1].parameters()
    ):
        assert torch.equal(mine, theirs)
    assert torch.equal(model.classifier.weight, source.classifier.weight)


@pytest.mark.parametrize("multi_label", [True, False])
def test_the_soft_loss_is_flat_where_the_student_agrees_with_the_teacher(multi_label):
    torch.manual_seed(0)
    logits = torch.randn(4, 5)
    probs = torch.sigmoid(logits) if multi_label else torch.softmax(logits, -1)
    same = logits.clone().requires_grad_(True)
    soft_loss(same, probs, multi_label, t=2.0).backward()
    assert same.grad.abs().max() < 1e-4
    other = torch.zeros(4, 5, requires_grad=True)
    soft_loss(other, probs, multi_label, t=2.0).backward()
    assert other.grad.abs().max() > 1e-3


def test_training_rows_mix_teacher_and_gold_and_dev_rows_use_gold_only():
    targets = np.eye(3, dtype=np.float32)[[0, 1, 2, 0]]
    recipe = TrainConfig(base_model="x", loss="bce")
    loss = make_distill_loss(DistillConfig(soft_weight=1.0, temperature=1.0), recipe, targets, True)
    logits = torch.tensor([[2.0, -2.0, 0.0]])
    teacher = torch.sigmoid(logits)
    gold = torch.tensor([[0.0, 1.0, 0.0]])
    only_soft = loss({"logits": logits}, torch.cat([gold, teacher], 1))
    only_gold = loss({"logits": logits}, gold)  # a dev row: the task loss
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits, gold)
    assert torch.isclose(only_gold, expected)
    assert torch.isclose(only_soft, torch.nn.functional.binary_cross_entropy_with_logits(logits, teacher))


def test_distill_saves_a_smaller_student_that_reads_as_its_teacher(setup, student):
    root, teacher, data = setup
    config = json.loads((student / "config.json").read_text())
    assert config["num_hidden_layers"] == 1
    assert Preprocessing.from_config(type("C", (), config)) == Preprocessing(emoji="keep", names="mask")
    record = json.loads((student / "training_config.json").read_text())
    assert record["distillation"]["student_layers"] == [1] and record["distillation"]["teachers"] == [
        str(teacher)
    ]
    assert record["emoji"] == "keep" and record["names"] == "mask"  # the teacher's, not train's defaults
    out = root / "thr" / "thresholds.json"
    assert (
        main(["calibrate", "--model-dir", str(student), "--data-dir", str(data), "--output", str(out)]) == 0
    )
    assert json.loads(out.read_text())["probabilities"] == "calibrated"


def test_the_cache_is_reused_for_the_same_teacher_and_texts(setup, student, monkeypatch, caplog):
    root, teacher, data = setup

    def never(*args):
        raise AssertionError("the teacher scored again although the cache holds its probabilities")

    monkeypatch.setattr(teachercache, "score", never)
    caplog.set_level(logging.INFO, logger="emotions")
    assert main(distill_args(root, teacher, data, out="student2")) == 0
    assert "Teacher probabilities from the cache" in caplog.text


def test_a_cache_for_other_texts_or_another_teacher_is_refused(setup, student, caplog):
    root, teacher, data = setup
    fewer = [*distill_args(root, teacher, data, out="s3"), "--max-train-examples", "50"]
    assert main(fewer) == 1
    error = the_one_error_logged(caplog)
    assert "cache.npz was made for other texts" in error
    assert "delete it or pass --teacher-cache with a new path" in error
    other = make_tiny_checkpoint(root / "other_teacher", seed=1)
    assert main(distill_args(root, other, data, out="s4")) == 1
    assert "cache.npz was made for other teachers" in the_one_error_logged(caplog)


def test_bad_distillations_are_clear_errors(setup, caplog, tmp_path):
    root, teacher, data = setup
    deeper = [*distill_args(root, teacher, data, out="s5"), "--num-layers", "3"]
    assert main(deeper) == 1
    assert "num_layers=3, but the teacher has 2 layers" in the_one_error_logged(caplog)
    into_teacher = distill_args(root, teacher, data)
    into_teacher[into_teacher.index("--output-dir") + 1] = str(teacher)
    assert main(into_teacher) == 1
    assert "is a teacher: pass --output-dir runs/student" in the_one_error_logged(caplog)
    for split in ("train", "dev"):
        (tmp_path / f"{split}.csv").write_text(
            "text,good,bad\n" + "wow so good,1,0\nso bad,0,1\nit is,0,0\n" * 4
        )
    files = ["--train-file", str(tmp_path / "train.csv"), "--validation-file", str(tmp_path / "dev.csv")]
    args = [*distill_args(root, teacher, root / "none", out="s6", cache="c6.npz"), *files]
    args[args.index("--data-dir") : args.index("--data-dir") + 2] = []
    assert main([*args, "--label-columns", "good", "bad"]) == 1
    assert "a teacher must know the data's labels" in the_one_error_logged(caplog)
    with pytest.raises(ValueError, match="soft_weight=1.5 must lie in"):
        DistillConfig(soft_weight=1.5)
    with pytest.raises(ValueError, match="teacher_cache='x.json' must be a .npz"):
        DistillConfig(teacher_cache="x.json")
