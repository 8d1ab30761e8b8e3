"""Train a tiny model through the CLI, then calibrate, evaluate and predict with it."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from helpers import make_tiny_checkpoint, the_one_error_logged, write_tiny_goemotions

from emotions.cli import main
from emotions.labels import LABELS
from emotions.model.inference import EmotionClassifier
from emotions.model.modeling import MeanPoolBertForSequenceClassification
from emotions.train.training import TrainConfig, build_model


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    """A few hundred synthetic comments in the release's TSV format."""
    return write_tiny_goemotions(tmp_path_factory.mktemp("goemotions"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_data):
    root = tmp_path_factory.mktemp("run")
    base = make_tiny_checkpoint(root / "base")
    out = root / "model"
    args = ["train", "--base-model", str(base), "--data-dir", str(tiny_data), "--output-dir", str(out)]
    assert main([*args, "--epochs", "1", "--batch-size", "16", "--max-length", "16"]) == 0
    return root, out


def test_train_saves_a_self_describing_fp16_checkpoint(trained):
    _, out = trained
    config = json.loads((out / "config.json").read_text())
    assert config["problem_type"] == "multi_label_classification"
    assert [config["id2label"][str(i)] for i in range(28)] == list(LABELS)
    assert config["label2id"]["gratitude"] == 15
    from safetensors import safe_open

    with safe_open(out / "model.safetensors", "pt") as f:
        dtypes = {str(f.get_tensor(k).dtype) for k in f.keys()}
    assert dtypes == {"torch.float16"}
    assert (out / "tokenizer.json").is_file()
    assert json.loads((out / "training_config.json").read_text())["epochs"] == 1
    assert "eval_macro_f1" in json.loads((out / "dev_metrics.json").read_text())["dev"]
    reloaded = EmotionClassifier.from_pretrained(out)
    probs = reloaded.predict_proba(["thank you so much", "i hate this"])
    assert probs.shape == (2, 28) and ((probs >= 0) & (probs <= 1)).all()


def test_calibrate_evaluate_predict(trained, tiny_data, tmp_path):
    root, out = trained
    thresholds = root / "thresholds.json"
    assert (
        main(
            ["calibrate", "--model-dir", str(out), "--data-dir", str(tiny_data), "--output", str(thresholds)]
        )
        == 0
    )
    data = json.loads(thresholds.read_text())
    assert set(data["thresholds"]) == set(LABELS) and data["split"] == "dev"
    assert all(0 < t < 1 for t in data["thresholds"].values())
    assert set(data["rollups"]) == {"ekman", "sentiment"}

    reports = root / "reports"
    args = ["--model-dir", str(out), "--thresholds", str(thresholds), "--data-dir", str(tiny_data)]
    assert main(["evaluate", *args, "--output-dir", str(reports)]) == 0
    metrics = json.loads((reports / "metrics.json").read_text())
    for view in ("emotions", "ekman", "sentiment"):
        assert set(metrics["model"][view]) == {"0.5", "global", "per-class"}
        assert 0 < metrics["model"][view]["global"]["threshold"] < 1
    assert {"macro_f1", "micro_f1", "weighted_f1", "samples_f1", "roc_auc"} <= set(
        metrics["model"]["emotions"]["0.5"]
    )
    assert "baseline" in metrics
    with (reports / "per_class.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 * 28 and {r["thresholds"] for r in rows} == {"0.5", "per-class"}
    assert (reports / "f1_per_emotion.png").stat().st_size > 1000
    assert (reports / "ekman_confusion.png").stat().st_size > 1000

    inputs = tmp_path / "in.csv"
    inputs.write_text('text,id\n"wow, thanks",1\n<b>no</b>,2\n')
    output = tmp_path / "out.jsonl"
    assert main(["predict", *args[:4], "--input", str(inputs), "--output", str(output), "good"]) == 0
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [p["text"] for p in lines] == ["good", "wow, thanks", "<b>no</b>"]
    assert all(set(p["scores"]) == set(LABELS) for p in lines)
    for p in lines:  # labels: those passing their thresholds, strongest first
        passing = [n for n in LABELS if p["scores"][n] >= data["thresholds"][n]]
        assert p["labels"] == sorted(passing, key=lambda n: -p["scores"][n])


def test_calibration_maps_keep_the_detections_and_reach_every_way_in(
    trained, tiny_data, tmp_path, monkeypatch
):
    from emotions.model.outputs import detected
    from emotions.model.views import ThresholdSettings
    from emotions.serve.served import load_served
    from emotions.train import probabilities

    monkeypatch.setattr(probabilities, "MIN_POSITIVES", 3)  # the tiny dev split has few positives
    _, out = trained
    thresholds = tmp_path / "thresholds.json"
    calibrate = [
        "calibrate",
        "--model-dir",
        str(out),
        "--data-dir",
        str(tiny_data),
        "--output",
        str(thresholds),
    ]
    assert main(calibrate) == 0
    data = json.loads(thresholds.read_text())
    maps = json.loads((tmp_path / "calibration_maps.json").read_text())
    assert data["probabilities"] == "calibrated" and 0 < data["global_threshold"] < 1
    fitted = [m["fitted"] for m in maps["maps"].values()]  # random labels: some slopes come out <= 0
    assert sum(fitted) >= 5 and all(m["slope"] == 1 for m in maps["maps"].values() if not m["fitted"])
    assert maps["dev_ece"]["after"]["mean"] < maps["dev_ece"]["before"]["mean"]

    clf = EmotionClassifier.from_pretrained(out, thresholds)
    texts = [line.split("\t")[0] for line in (tiny_data / "dev.tsv").read_text().splitlines()]
    raw, calibrated = clf.predict_proba(texts, raw=True), clf.predict_proba(texts)
    assert clf.probabilities == "calibrated" and abs(raw - calibrated).max() > 0.01
    before = np.array([data["score_thresholds"][n] for n in LABELS], dtype=np.float32)
    assert (detected(calibrated, clf.threshold_array, True) == detected(raw, before, True)).all()

    from emotions.model.explain import explain

    assert np.allclose(explain(clf, texts[0]).full, calibrated[0], atol=1e-5)  # /explain's too

    reports = tmp_path / "reports"
    args = ["--model-dir", str(out), "--thresholds", str(thresholds), "--data-dir", str(tiny_data)]
    assert main(["evaluate", *args, "--output-dir", str(reports), "--baseline", "false"]) == 0
    ece = json.loads((reports / "metrics.json").read_text())["model"]["calibration"]
    assert set(ece["before"]["per_label"]) == set(LABELS) and {"ekman", "sentiment"} <= set(ece["after"])
    assert (reports / "reliability.png").stat().st_size > 1000

    output = tmp_path / "out.jsonl"
    assert main(["predict", *args[:4], "--output", str(output), texts[0]]) == 0
    assert json.loads(output.read_text())["scores"]["joy"] == pytest.approx(
        calibrated[0][LABELS.index("joy")], abs=1e-6
    )
    served = load_served(out, thresholds)
    answer = served.predict([texts[0]], ThresholdSettings())[0]
    assert answer["probabilities"] == "calibrated"
    assert answer["scores"]["joy"] == pytest.approx(calibrated[0][LABELS.index("joy")], abs=1e-6)
    assert served.calibration.global_default == data["global_threshold"]


def test_calibrate_keep_copies_the_thresholds_and_maps_and_measures_dev_again(
    trained, tiny_data, tmp_path, monkeypatch
):
    from sklearn.metrics import f1_score

    from emotions.model.outputs import detected
    from emotions.train import probabilities

    monkeypatch.setattr(probabilities, "MIN_POSITIVES", 3)
    _, out = trained
    fitted, kept = tmp_path / "fitted" / "thresholds.json", tmp_path / "kept" / "thresholds.json"
    data_args = ["--model-dir", str(out), "--data-dir", str(tiny_data)]
    assert main(["calibrate", *data_args, "--output", str(fitted)]) == 0
    record = json.loads(fitted.read_text())
    record["dev_macro_f1"] = 0.9999  # as if fitted on another model: the kept record must not say it
    fitted.write_text(json.dumps(record))
    assert main(["calibrate", *data_args, "--keep", str(fitted), "--output", str(kept)]) == 0
    again = json.loads(kept.read_text())
    assert again["thresholds"] == record["thresholds"]
    assert set(again["rollups"]) == {"ekman", "sentiment"}
    assert again["rollups"]["ekman"]["thresholds"] == record["rollups"]["ekman"]["thresholds"]
    maps = "calibration_maps.json"
    assert (kept.parent / maps).read_bytes() == (fitted.parent / maps).read_bytes()
    assert again["kept_from"] == {"thresholds": str(fitted), "dev_macro_f1": 0.9999}

    clf = EmotionClassifier.from_pretrained(out, kept)
    lines = (tiny_data / "dev.tsv").read_text().splitlines()
    texts = [line.split("\t")[0] for line in lines]
    targets = np.zeros((len(lines), len(LABELS)), dtype=int)
    for i, line in enumerate(lines):
        targets[i, [int(j) for j in line.split("\t")[1].split(",")]] = 1
    preds = detected(clf.predict_proba(texts), clf.threshold_array, True)
    expected = f1_score(targets, preds, average=None, zero_division=0)
    assert again["dev_macro_f1"] == pytest.approx(expected.mean(), abs=1e-4)
    assert main(["calibrate", *data_args, "--keep", str(tmp_path / "none.json")]) == 1


def test_predict_reads_stdin_and_writes_csv(trained):
    root, out = trained
    cmd = [sys.executable, "-m", "emotions", "predict", "--model-dir", str(out), "--thresholds", "",
           "--threshold", "0.5", "--format", "csv"]  # fmt: skip
    result = subprocess.run(
        cmd, input="first line\nsecond line\n", capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(result.stdout.splitlines()))
    assert rows[0][:4] == ["row", "text", "labels", "error"] and rows[0][4:] == list(LABELS)
    assert [r[1] for r in rows[1:]] == ["first line", "second line"]


def test_cli_errors_are_one_clear_line(tmp_path, caplog):
    assert main(["predict", "--model-dir", str(tmp_path / "none"), "hi"]) == 1
    assert the_one_error_logged(caplog).startswith(f"Model folder not found: {tmp_path / 'none'}.")
    assert main(["train", "--loss", "hinge"]) == 1
    assert the_one_error_logged(caplog).startswith("loss='hinge' is not supported: choose one of (")


def test_an_unknown_command_prints_the_usage_and_names_it(capsys):
    assert main(["nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m emotions <command> [--help]\n\ncommands:")
    assert err.rstrip().endswith("python -m emotions: unknown command 'nope'")
    assert main(["calibrat"]) == 2
    assert capsys.readouterr().err.rstrip().endswith("unknown command 'calibrat' (did you mean calibrate?)")


def test_num_layers_keeps_the_base_models_first_layers(tmp_path):
    base = make_tiny_checkpoint(tmp_path / "base")  # 2 layers
    model = build_model(TrainConfig(base_model=str(base), num_layers=1))
    assert model.config.num_hidden_layers == 1 and len(model.bert.encoder.layer) == 1
    source = MeanPoolBertForSequenceClassification.from_pretrained(base)
    for mine, theirs in zip(
        model.bert.encoder.layer[0].parameters(), source.bert.encoder.layer[0].parameters()
    ):
        assert torch.equal(mine, theirs)  # layer 0's trained weights, not a fresh init
    with pytest.raises(ValueError, match="num_layers=3, but .* has 2 layers: pass at most 2"):
        build_model(TrainConfig(base_model=str(base), num_layers=3))
    with pytest.raises(ValueError, match="num_layers=0 must be at least 1"):
        TrainConfig(base_model=str(base), num_layers=0)
