"""The app's event functions on a tiny model, and start-up through ``import app``."""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
from helpers import CONTROLS, Spy, import_app, make_tiny_checkpoint, thresholds_with_rollups

from emotions.labels import LABELS, VIEWS
from emotions.limits import MAX_ROW_CHARS, MAX_ROWS
from emotions.serve import api, controls, events, layout, server
from emotions.serve.controls import Controls
from emotions.serve.served import load_served

CARD = """---
language: en
model-index:
- name: emotions
  results:
  - task: {type: text-classification}
    dataset: {name: GoEmotions, type: go_emotions, split: test}
    metrics:
    - {type: f1, name: macro F1 (0.5), value: 0.41}
    - {type: f1, name: macro F1 (calibrated thresholds), value: 0.523}
---
# A model card
"""


@pytest.fixture(scope="module")
def model_files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("app")
    model_dir = make_tiny_checkpoint(folder / "model")
    (model_dir / "README.md").write_text(CARD, encoding="utf-8")
    return model_dir, thresholds_with_rollups(folder / "thresholds.json")


@pytest.fixture(scope="module")
def app_with_card(model_files):
    """``import app`` on a model with a model card (its test macro F1)."""
    return import_app(*model_files)


@pytest.fixture(scope="module")
def served(model_files):
    return load_served(*model_files)


@pytest.fixture
def spied(served, monkeypatch):
    spy = Spy(served.classifier)
    monkeypatch.setattr(served, "classifier", spy)
    return served, spy


def test_import_builds_the_page_with_the_footer(app_with_card):
    app = app_with_card
    assert isinstance(app.demo, gr.Blocks)
    assert app.SERVED.macro_f1 == pytest.approx(0.523)
    footer = layout.footer_html(app.SERVED)
    assert "0.523" in footer and "local: model/" in footer
    assert f"({app.SERVED.classifier.backend})" in footer  # which inference path answers
    assert {"/predict", "/predict_batch"} <= {f"/{d.api_name}" for d in app.demo.fns.values()}


def test_analyze_scores_once_and_renders(spied):
    served, spy = spied
    shown, detected, bars = events.analyze(
        served, "OMG, yep!!! That is the final answer! Thank you so much!", Controls(*CONTROLS)
    )
    assert spy.calls == 1 and len(shown["probs"]) == len(LABELS)
    assert bars.count('class="emo-row') == len(LABELS)
    probs = np.array(shown["probs"])
    passing = [n for n, p in zip(LABELS, probs) if p >= served.calibration.calibrated("emotions", n)]
    assert detected.count('class="emo-chip"') == len(passing)


def test_empty_text_gives_a_hint_without_a_model_call(spied):
    served, spy = spied
    for text in ("", "   \n\t ", None):
        shown, detected, bars = events.analyze(served, text, Controls(*CONTROLS))
        assert shown is None and "type some text" in detected and bars == ""
    assert spy.calls == 0


def test_long_text_is_truncated_with_a_notice(served):
    shown, detected, _ = events.analyze(served, "so happy " * 200, Controls(*CONTROLS))
    assert "1,800 characters" in detected and f"first {MAX_ROW_CHARS}" in detected
    assert shown["notice"]


@pytest.mark.parametrize(
    "text",
    [
        "😂🎉 wow",
        "مرحبا بالعالم شكرا",
        "שלום",
        "zero\u200bwidth\u200d\ufeff",
        "bell\x07\x00\x1b[31m",
        "\u202eevil",
    ],
)
def test_odd_characters_do_not_crash(served, text):
    shown, detected, bars = events.analyze(served, text, Controls(*CONTROLS))
    assert shown and "emo-panel" in detected and "emo-row" in bars


def test_rerender_changes_thresholds_without_the_model(spied):
    served, spy = spied
    shown, _, _ = events.analyze(served, "thank you so much", Controls(*CONTROLS))
    low = events.rerender(served, shown, Controls("emotions", "global", 0.01, 0.0, {}))
    high = events.rerender(served, shown, Controls("emotions", "global", 0.99, 0.0, {}))
    assert spy.calls == 1
    assert low[0].count('class="emo-chip"') > high[0].count('class="emo-chip"')
    assert "threshold 99%" in high[1]
    shifted = events.rerender(served, shown, Controls("emotions", "per_class", 0.5, 2.0, {}))
    assert shifted[0].count('class="emo-chip"') >= events.rerender(served, shown, Controls(*CONTROLS))[
        0
    ].count('class="emo-chip"')
    for view in VIEWS:
        _, bars = events.rerender(served, shown, Controls(view, "per_class", 0.5, 0.0, {}))
        assert bars.count('class="emo-row') == len(VIEWS[view])


def test_rerender_before_any_text_changes_nothing(served):
    assert all(
        isinstance(out, gr.skip().__class__) for out in events.rerender(served, None, Controls(*CONTROLS))
    )


def test_none_passing_shows_the_three_closest(served):
    shown, _, _ = events.analyze(served, "ok", Controls(*CONTROLS))
    shown["probs"] = [0.1] * len(LABELS)
    detected, _ = events.rerender(served, shown, Controls("emotions", "global", 0.99, 0.0, {}))
    assert "No emotion passes" in detected and detected.count("below threshold") == 3


def test_override_and_reset(served):
    shown, _, _ = events.analyze(served, "i love you", Controls(*CONTROLS))
    overrides = controls.set_override("joy", 0.01, "emotions", {})
    assert overrides == {"emotions:joy": 0.01}
    detected, bars = events.rerender(served, shown, Controls("emotions", "per_class", 0.5, 0.0, overrides))
    assert "joy" in detected and "set by you" in bars
    slider, info = controls.inspect_threshold(served, "joy", "emotions", 0.0, overrides)
    assert slider["value"] == 0.01 and "set by you" in info
    assert controls.reset_override("joy", "emotions", overrides) == {}
    assert controls.reset_all() == {}
    slider, info = controls.inspect_threshold(served, "joy", "emotions", 1.0, {})
    assert slider["value"] < served.calibration.calibrated("emotions", "joy") and "sensitivity" in info


def test_mode_and_view_switches(served):
    global_slider, per_class = controls.show_mode("global")
    assert global_slider["visible"] and not per_class["visible"]
    global_slider, per_class = controls.show_mode("per_class")
    assert not global_slider["visible"] and per_class["visible"]
    update = controls.view_names(served, "sentiment")
    assert update["choices"] == list(VIEWS["sentiment"]) and update["value"] == "positive"


def test_score_file_tabulates_and_writes_every_probability(spied, tmp_path):
    served, spy = spied
    path = tmp_path / "texts.csv"
    path.write_text(
        'id,text\n1,"I love it"\n2,"<b>so</b> sad"\n3,\n4,"' + "x" * 900 + '"\n', encoding="utf-8"
    )
    scored_batch, status, table, counts, download = events.score_file(served, str(path), Controls(*CONTROLS))
    assert spy.calls == 1 and len(scored_batch["texts"]) == 3
    assert "Scored 3 texts" in status and "1 longer than" in status
    assert [row[0] for row in table][:2] == ["I love it", "<b>so</b> sad"]  # plain text, not HTML
    rows = Path(download["value"]).read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",") == ["text", "detected", *LABELS] and len(rows) == 4
    again = events.rerender_batch(served, scored_batch, Controls("sentiment", "global", 0.99, 0.0, {}))
    assert spy.calls == 1 and again[2].count('class="emo-row') <= len(VIEWS["sentiment"])


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "is empty"),
        ("latin1.txt", "caf\xe9 ol\xe9".encode("latin-1"), "not UTF-8"),
        ("nocol.csv", b"a,b\n1,2\n", "no 'text' column"),
        ("bad.csv", b'text\n"unclosed\n', "not valid CSV"),
        ("image.png", b"\x89PNG\r\n", "unsupported file type"),
        ("many.txt", ("hi\n" * (MAX_ROWS + 1)).encode(), "over the limit"),
    ],
)
def test_bad_uploads_give_a_clear_error(spied, tmp_path, name, content, message):
    served, spy = spied
    path = tmp_path / name
    path.write_bytes(content)
    scored_batch, status, table, counts, download = events.score_file(served, str(path), Controls(*CONTROLS))
    assert scored_batch is None and message in html.unescape(status) and download["visible"] is False
    assert spy.calls == 0
    assert events.score_file(served, None, Controls(*CONTROLS))[0] is None


def test_predict_texts_for_the_api(served):
    out = api.predict_texts(served, ["thank you", "", "y" * 900], "calibrated", 0.5, 0.0, "emotions")
    assert set(out[0]["scores"]) == set(LABELS) and out[0]["labels"] == [
        n for n in out[0]["scores"] if out[0]["scores"][n] >= out[0]["thresholds"][n]
    ]
    assert out[1]["scores"] == {} and out[2]["truncated"]
    with pytest.raises(gr.Error, match="mode"):
        api.predict_texts(served, ["hi"], "loose", 0.5, 0.0, "emotions")
    with pytest.raises(gr.Error, match="view"):
        api.predict_texts(served, ["hi"], "global", 0.5, 0.0, "plutchik")


def test_import_without_a_model_stops_with_one_clear_message(tmp_path, model_files, monkeypatch):
    bad = tmp_path / "thresholds.json"
    bad.write_text(json.dumps({"thresholds": {"joy": 0.5}}))
    cases = [
        (tmp_path / "missing", model_files[1], "Model folder not found"),
        (model_files[0], tmp_path / "nope.json", "Thresholds file not found"),
        (model_files[0], bad, "do not match the model's labels"),
    ]
    for model_dir, thresholds, message in cases:
        with pytest.raises(SystemExit) as exc:
            import_app(model_dir, thresholds)
        assert str(exc.value).startswith("Emotion reader cannot start: ") and message in str(exc.value)
    sys.modules.pop("app", None)


def test_launch_serves_on_all_interfaces_port_7860_unless_told(app, monkeypatch):
    seen = {}
    monkeypatch.setattr(app.demo, "launch", lambda **kwargs: seen.update(kwargs))
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    server.launch(app.demo)
    assert (seen["server_name"], seen["server_port"]) == ("0.0.0.0", 7860)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "127.0.0.1")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8123")
    server.launch(app.demo)
    assert (seen["server_name"], seen["server_port"]) == ("127.0.0.1", 8123)
