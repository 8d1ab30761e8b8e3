"""Training on any dataset: CSV files with a single-label column, a comma-separated multi-label
column and 0/1 columns, each through train (a few steps), calibrate, evaluate and card."""

import csv
import json

import numpy as np
import pytest
import torch
from helpers import WORDS, tiny_tokenizer
from transformers import BertConfig, BertModel

from emotions.cli import main
from emotions.model.inference import EmotionClassifier
from emotions.model.modelcard import read_datasets, read_macro_f1
from emotions.model.reliability import load_reliability
from emotions.train.card import CardConfig, write_card

TRAIN_ARGS = ["--epochs", "1", "--batch-size", "16", "--max-length", "16"]
CLUES = {"joy": "happy", "anger": "angry", "sadness": "sad"}  # a word that gives the label away


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A tiny BertModel (no head, like the real all-MiniLM base) and its tokenizer."""
    folder = tmp_path_factory.mktemp("base")
    torch.manual_seed(0)
    tiny_tokenizer(folder).save_pretrained(folder)
    config = BertConfig(
        vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )  # fmt: skip
    BertModel(config).save_pretrained(folder)
    return folder


def rows(n: int, seed: int, multi: bool) -> list[tuple[str, list[str]]]:
    rng = np.random.default_rng(seed)
    names = list(CLUES)
    out = []
    for i in range(n):
        labels = [names[i % 3]] + ([names[(i + 1) % 3]] if multi and i % 4 == 0 else [])
        words = [*rng.choice(WORDS[5:], 4), *(CLUES[n] for n in labels)]
        out.append((" ".join(rng.permutation(words)), labels))
    return out


def write_csv(path, header, body):
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(body)
    return path


def files(folder, kind: str) -> dict[str, str]:
    """train/dev/test CSVs: ``single`` (label column), ``multi`` (comma-separated), ``flags`` (0/1)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for split, n, seed in (("train", 64, 0), ("dev", 30, 1), ("test", 30, 2)):
        data = rows(n, seed, multi=kind != "single")
        if kind == "flags":
            body = [[text, *(int(n in labels) for n in CLUES)] for text, labels in data]
            path = write_csv(folder / f"{split}.csv", ["text", *CLUES], body)
        else:
            path = write_csv(
                folder / f"{split}.csv",
                ["id", "text", "label"],
                [[i, t, ",".join(ls)] for i, (t, ls) in enumerate(data)],
            )
        out[split] = str(path)
    return out


def data_flags(paths: dict, kind: str, *splits: str) -> list[str]:
    flag = {"train": "--train-file", "dev": "--validation-file", "test": "--test-file"}
    out = [arg for s in splits for arg in (flag[s], paths[s])]
    return out + (["--label-columns", *CLUES] if kind == "flags" else [])


def run_all(tmp, base, kind: str) -> dict:
    """train → calibrate → evaluate → card on one kind of dataset; the paths it wrote."""
    paths = files(tmp / "data", kind)
    model, thresholds, reports = tmp / "model", tmp / "thresholds.json", tmp / "reports"
    args = ["train", "--base-model", str(base), "--output-dir", str(model), *TRAIN_ARGS]
    assert main([*args, *data_flags(paths, kind, "train", "dev")]) == 0
    calibrate = ["calibrate", "--model-dir", str(model), "--output", str(thresholds)]
    assert main([*calibrate, *data_flags(paths, kind, "dev")]) == 0
    evaluate = [
        "evaluate",
        "--model-dir",
        str(model),
        "--thresholds",
        str(thresholds),
        "--output-dir",
        str(reports),
    ]
    assert main([*evaluate, *data_flags(paths, kind, "train", "dev", "test")]) == 0
    readme = tmp / "README.md"
    readme.write_text("# project\n<!-- results:start -->\nOLD BLOCK\n<!-- results:end -->\ntail\n")
    write_card(
        CardConfig(
            model_dir=str(model), thresholds=str(thresholds), report_dir=str(reports), readme=str(readme)
        )
    )
    return {"model": model, "thresholds": thresholds, "reports": reports, "readme": readme, "paths": paths}


@pytest.fixture(scope="module")
def single(tmp_path_factory, base):
    return run_all(tmp_path_factory.mktemp("single"), base, "single")


@pytest.fixture(scope="module")
def multi(tmp_path_factory, base):
    return run_all(tmp_path_factory.mktemp("multi"), base, "multi")


@pytest.fixture(scope="module")
def flags(tmp_path_factory, base):
    return run_all(tmp_path_factory.mktemp("flags"), base, "flags")


def per_class_rows(reports) -> list[dict]:
    with (reports / "per_class.csv").open() as f:
        return list(csv.DictReader(f))


def test_single_label_column_trains_a_softmax_model_with_cross_entropy(single):
    config = json.loads((single["model"] / "config.json").read_text())
    assert config["problem_type"] == "single_label_classification"
    assert [config["id2label"][str(i)] for i in range(3)] == ["anger", "joy", "sadness"]  # sorted names
    recorded = json.loads((single["model"] / "training_config.json").read_text())
    assert recorded["loss"] == "cross_entropy" and recorded["data"]["train_file"] == single["paths"]["train"]
    dev = json.loads((single["model"] / "dev_metrics.json").read_text())["dev"]
    assert {"eval_accuracy", "eval_macro_f1", "eval_weighted_f1"} <= set(dev)

    classifier = EmotionClassifier.from_pretrained(single["model"], single["thresholds"])
    assert not classifier.multi_label
    probs = classifier.predict_proba(["so happy", "i hate this"])
    assert probs.sum(1) == pytest.approx([1.0, 1.0], abs=1e-5)
    assert all(p.labels for p in classifier.predict(["so happy", "!"]))  # the strongest always shown


def test_single_label_calibration_and_report(single):
    thresholds = json.loads(single["thresholds"].read_text())
    assert set(thresholds["thresholds"]) == set(CLUES) and thresholds["rollups"] == {}
    assert "strongest label always" in thresholds["rule"]

    m = json.loads((single["reports"] / "metrics.json").read_text())["model"]
    assert m["task"] == "single-label" and m["n_test"] == 30
    assert {"accuracy", "macro_f1", "weighted_f1", "roc_auc"} <= set(m["argmax"])
    assert {"macro_f1", "micro_f1", "weighted_f1", "samples_f1"} <= set(m["per-class"])
    assert set(m["roc_auc_per_class"]) == set(CLUES)
    assert m["confusion"]["labels"] == ["anger", "joy", "sadness"]
    counts = np.array(m["confusion"]["counts"])
    assert counts.shape == (3, 3) and counts.sum() == 30
    assert np.trace(counts) / 30 == pytest.approx(m["argmax"]["accuracy"])
    assert "ekman" not in m and "emotions" not in m
    report = json.loads((single["reports"] / "metrics.json").read_text())
    assert "argmax" in report["baseline"]  # the multinomial baseline
    rows = per_class_rows(single["reports"])
    assert list(rows[0]) == ["thresholds", "label", "precision", "recall", "f1", "support"]
    assert {r["thresholds"] for r in rows} == {"argmax", "per-class"} and len(rows) == 6
    assert set(load_reliability(single["reports"] / "per_class.csv")) == set(CLUES)  # what the app reads
    assert (single["reports"] / "confusion.png").stat().st_size > 1000
    assert (single["reports"] / "f1_per_emotion.png").stat().st_size > 1000


def test_single_label_card_is_written_for_the_task(single):
    card = (single["model"] / "README.md").read_text()
    m = json.loads((single["reports"] / "metrics.json").read_text())["model"]
    assert "3 labels, single-label" in card and "GoEmotions" not in card
    assert "anger" in card and "Ekman" not in card
    assert "--train-file" in card  # the commands name the data
    f1, name = read_macro_f1(single["model"] / "README.md")
    assert f1 == pytest.approx(round(m["argmax"]["macro_f1"], 4)) and "strongest label" in name
    assert read_datasets(single["model"] / "README.md") == []  # local files: no Hub id
    assert (single["model"] / "per_class.csv").is_file()
    readme = single["readme"].read_text()
    assert readme.startswith(
        "# project\n<!-- results:start -->\nTrained on `train.csv`, `dev.csv`; test split of 30"
    ) and readme.endswith("<!-- results:end -->\ntail\n")
    assert "| **this model** | the strongest |" in readme and "OLD BLOCK" not in readme


def test_multi_label_column_trains_a_sigmoid_model_with_todays_loss(multi):
    config = json.loads((multi["model"] / "config.json").read_text())
    assert config["problem_type"] == "multi_label_classification"
    assert json.loads((multi["model"] / "training_config.json").read_text())["loss"] == "focal"
    assert "eval_macro_f1_best_global" in json.loads((multi["model"] / "dev_metrics.json").read_text())["dev"]
    thresholds = json.loads(multi["thresholds"].read_text())
    assert set(thresholds["thresholds"]) == set(CLUES) and thresholds["rollups"] == {}
    report = json.loads((multi["reports"] / "metrics.json").read_text())
    m = report["model"]
    assert set(m["emotions"]) == {"0.5", "global", "per-class"}
    assert "ekman" not in m and "sentiment" not in m and "ekman_single_label_accuracy" not in m
    assert 0 <= m["single_label_accuracy"] <= 1 and m["n_single_label"] == 30 - 8  # every 4th row has two
    assert set(report["baseline"]) == {"emotions"}
    assert {r["thresholds"] for r in per_class_rows(multi["reports"])} == {"0.5", "per-class"}
    assert (multi["reports"] / "confusion.png").is_file()
    card = (multi["model"] / "README.md").read_text()
    assert "3 labels, multi-label" in card and "macro F1 (calibrated thresholds)" in card
    assert read_macro_f1(multi["model"] / "README.md")[0] == pytest.approx(
        round(m["emotions"]["per-class"]["macro_f1"], 4)
    )
    assert "| **this model** | per-class (dev) |" in multi["readme"].read_text()


def test_label_columns_are_the_labels_in_their_order(flags):
    config = json.loads((flags["model"] / "config.json").read_text())
    assert config["problem_type"] == "multi_label_classification"
    assert [config["id2label"][str(i)] for i in range(3)] == list(CLUES)  # joy, anger, sadness
    m = json.loads((flags["reports"] / "metrics.json").read_text())["model"]
    assert [r["label"] for r in m["per_class"]["per-class"]] == list(CLUES)
    assert "--label-columns joy anger sadness" in (flags["model"] / "README.md").read_text()


def test_evaluate_needs_no_training_file_when_the_model_names_its_labels(single, tmp_path):
    paths = single["paths"]
    out = tmp_path / "reports"
    args = ["evaluate", "--model-dir", str(single["model"]), "--thresholds", str(single["thresholds"])]
    args += ["--validation-file", paths["dev"], "--test-file", paths["dev"], "--output-dir", str(out)]
    assert main([*args, "--plots", "false"]) == 0  # no training file: no baseline, said in the log
    report = json.loads((out / "metrics.json").read_text())
    assert report["model"]["n_test"] == 30 and "baseline" not in report
