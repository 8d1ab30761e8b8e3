"""Any emotion model: stock classifiers with their own labels, single- or multi-label, with
or without thresholds, served by the app (page and API), by every backend and by ``predict``."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client
from helpers import CUSTOM, EKMAN, GRADIO_WARNINGS, import_app, make_stock_checkpoint, serving

from emotions.cli import main
from emotions.labels import LabelSet, emoji_and_source
from emotions.model.backends import BACKENDS, onnx_available
from emotions.model.inference import EmotionClassifier
from emotions.model.thresholds import save_thresholds
from emotions.serve import events, layout, render
from emotions.serve.controls import Controls
from emotions.serve.served import load_served

pytestmark = GRADIO_WARNINGS
ARCHS = ("bert", "distilbert", "roberta", "deberta-v2", "modernbert")
TOLERANCE = {"torch": 0.0, "onnx": 1e-4, "onnx-int8": 0.1}  # max probability gap to torch


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> Path:
    """A 7-label single-label BertForSequenceClassification, no thresholds."""
    return make_stock_checkpoint(tmp_path_factory.mktemp("single") / "model")


@pytest.fixture(scope="module")
def multi(tmp_path_factory) -> Path:
    """A 4-label multi-label one, its thresholds beside it as the Hub repo holds them."""
    folder = make_stock_checkpoint(tmp_path_factory.mktemp("multi") / "model", CUSTOM, multi_label=True)
    save_thresholds(folder / "thresholds", CUSTOM, np.array([0.3, 0.4, 0.5, 0.6]), np.full(4, 0.5))
    return folder


@pytest.mark.parametrize("arch", ARCHS)
def test_every_architecture_on_every_backend(arch, tmp_path, monkeypatch):
    monkeypatch.setenv("EMOTIONS_ONNX_CACHE", str(tmp_path / "cache"))
    folder = make_stock_checkpoint(tmp_path / arch, arch=arch)
    texts = ["i love you so much", "what is this ?", "no"]
    reference = None
    for backend in BACKENDS if onnx_available() else ("torch",):
        clf = EmotionClassifier.from_pretrained(folder, backend=backend)
        probs = clf.predict_proba(texts)
        reference = probs if reference is None else reference
        assert clf.labels == list(EKMAN) and not clf.multi_label and clf.backend == backend
        assert np.allclose(probs.sum(1), 1, atol=1e-5)  # softmax over the labels
        assert np.abs(probs - reference).max() <= TOLERANCE[backend], backend
        top = [p.labels[0] for p in clf.predict(texts)]
        assert top == [EKMAN[i] for i in reference.argmax(1)]  # the strongest is always detected
        if backend != "torch":  # its file exists now: tokenizer.json read by tokenizers alone
            again = EmotionClassifier.from_pretrained(folder, backend=backend)
            assert again._tokenizer is None or not (folder / "tokenizer.json").is_file()
            odd = [*texts, "caf\u00e9 \u2764\ufe0f <b>x</b> \U0001f600", "word " * 300, ""]
            assert again.encode(odd) == clf.encode(odd) and again.pad_id == clf.pad_id, arch
            assert np.array_equal(again.predict_proba(texts), probs)


def test_a_single_label_model_without_thresholds_detects_its_top_label(single):
    served = load_served(single)
    assert not served.calibration.is_calibrated and list(served.labelset.views) == ["emotions"]
    probs = served.classifier.predict_proba(["i love you"])[0]
    (out,) = served.predict(["i love you"], Controls().thresholds)
    assert out["labels"] == [EKMAN[int(probs.argmax())]] and set(out["scores"]) == set(EKMAN)


def test_a_multi_label_model_finds_its_thresholds_beside_it(multi, tmp_path):
    served = load_served(multi)
    assert served.calibration.is_calibrated and served.classifier.thresholds["boredom"] == pytest.approx(0.4)
    flat = tmp_path / "flat"  # or thresholds.json in the model folder itself
    flat.mkdir()
    for p in multi.iterdir():
        if p.is_file():
            (flat / p.name).write_bytes(p.read_bytes())
    (flat / "thresholds.json").write_bytes((multi / "thresholds" / "thresholds.json").read_bytes())
    assert load_served(flat).classifier.thresholds == served.classifier.thresholds
    (out,) = served.predict(["thank you"], Controls(mode="global", global_threshold=0.01).thresholds)
    assert sorted(out["labels"]) == sorted(CUSTOM)  # multi-label: everything over 0.01


def test_the_page_and_api_serve_a_stock_model(single, monkeypatch):
    monkeypatch.delenv("EMOTIONS_THRESHOLDS", raising=False)
    app = import_app(single, None)
    served = app.SERVED
    assert "this model's 6 emotions + neutral" in layout.intro(
        served
    ) and "The strongest one" in layout.intro(served)
    assert "trained on GoEmotions" not in layout.footer_html(served)
    _, detected, bars = events.analyze(served, "i love you", Controls())
    assert bars.count('class="emo-row') == 7 and detected.count('class="emo-chip"') >= 1
    with serving(app) as url:
        client = Client(url, verbose=False)
        out = client.predict("i love you", api_name="/predict")
        assert set(out["scores"]) == set(EKMAN) and len(out["labels"]) >= 1
        assert len(client.predict(["a", "b", ""], api_name="/predict_batch")) == 3
        assert client.predict("i love you", api_name="/explain")["emotion"] in EKMAN
        with pytest.raises(Exception, match="view must be one of \\['emotions'\\]"):
            client.predict("hi", view="ekman", api_name="/predict")


def test_uncalibrated_thresholds_are_said_on_the_page(single, monkeypatch):
    monkeypatch.delenv("EMOTIONS_THRESHOLDS", raising=False)
    app = import_app(single, None)
    shown = [b.value for b in app.demo.blocks.values() if isinstance(getattr(b, "value", None), str)]
    notice = next(v for v in shown if "Thresholds not calibrated" in v)
    assert "the strongest one only" in notice and "python -m emotions calibrate" in notice
    scores = next(v for v in shown if "Scores are not calibrated probabilities" in v)  # no maps either
    assert "python -m emotions calibrate" in scores
    mode = next(b for b in app.demo.blocks.values() if getattr(b, "elem_id", None) == "mode")
    assert mode.value == "per_class" and mode.choices[0] == ("Per class (not calibrated)", "per_class")
    assert "not calibrated" in mode.info and "tuned on held-out" not in mode.info  # what the mode holds


def test_emojis_for_any_label_and_which_are_guesses(multi):
    assert emoji_and_source("admiration")[1] == "goemotions"
    assert emoji_and_source("boredom")[1] in ("emoji", "default")
    assert emoji_and_source("xyzzy")[1] == "default"
    served = load_served(multi)
    _, detected, bars = events.analyze(served, "thank you", Controls(mode="global", global_threshold=0.01))
    assert "emo-guess" in bars and "guessed from the label" in bars
    assert render.escape("xyzzy") in detected


def test_roll_up_views_come_from_a_file_beside_the_model(multi, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    for p in multi.iterdir():
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    (folder / "rollups.json").write_text(
        json.dumps({"mood": {"up": ["admiration", "gratitude"], "down": ["boredom"]}})
    )
    served = load_served(folder)
    assert list(served.labelset.views) == ["emotions", "mood"] and served.labelset.title("mood") == "Mood"
    (out,) = served.predict(["thank you"], Controls().thresholds, view="mood")
    assert set(out["scores"]) == {"up", "down"}
    (folder / "rollups.json").write_text(json.dumps({"mood": {"up": ["admiration", "joy"]}}))
    with pytest.raises(
        ValueError, match=r"rollups.json: view 'mood' names labels the model does not have: \['joy'\]"
    ):
        load_served(folder)


@pytest.mark.parametrize(
    "labels, message",
    [((), "the model has no labels"), (("joy", "joy"), r"label names must be unique, but \['joy'\] repeat")],
)
def test_bad_label_sets_are_clear_errors(labels, message):
    with pytest.raises(ValueError, match=message):
        LabelSet.for_labels(labels)


def test_a_thresholds_file_with_unknown_labels_is_a_start_up_error(single, tmp_path):
    path = save_thresholds(tmp_path / "t.json", ["joy", "glee"], np.array([0.5, 0.5]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match=r"unknown: \['glee'\].*python -m emotions calibrate"):
        load_served(single, path)


def test_a_config_without_id2label_is_a_clear_error(single, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    for p in single.iterdir():
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    config = json.loads((folder / "config.json").read_text())
    del config["id2label"], config["label2id"]
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="has no id2label: the checkpoint does not describe its labels"):
        load_served(folder)


def test_predict_scores_with_a_stock_model(single, multi, tmp_path, caplog):
    for folder, labels in ((single, EKMAN), (multi, CUSTOM)):
        out = tmp_path / f"{folder.parent.name}.jsonl"
        with caplog.at_level(logging.INFO):
            assert (
                main(["predict", "--model-dir", str(folder), "--output", str(out), "i love it", "so sad"])
                == 0
            )
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(rows) == 2 and all(set(r["scores"]) == set(labels) for r in rows)
        if folder is single:
            assert all(len(r["labels"]) >= 1 for r in rows)  # the strongest label, always
