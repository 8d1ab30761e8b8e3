"""The "Why?" section, the reliability shown in the bars, and ``/explain``, on a tiny model."""

from __future__ import annotations

import html
from dataclasses import replace

import gradio as gr
import numpy as np
import pytest
from gradio_client.exceptions import AppError
from helpers import (
    CONTROLS,
    F1,
    GRADIO_WARNINGS,
    SUPPORT,
    import_app,
    make_tiny_checkpoint,
    thresholds_with_rollups,
    write_report,
)

from emotions.labels import LABELS, VIEWS
from emotions.limits import MAX_ROW_CHARS
from emotions.model import explain
from emotions.model.reliability import RELIABILITY_FILE
from emotions.serve import api, events
from emotions.serve.controls import Controls
from emotions.serve.served import load_served

pytestmark = GRADIO_WARNINGS
TEXT = "Thank you so much for your help!"


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("why")
    model_dir = make_tiny_checkpoint(folder / "model")
    write_report(model_dir / RELIABILITY_FILE, F1, SUPPORT)  # published beside the weights
    return model_dir, thresholds_with_rollups(folder / "thresholds.json")


@pytest.fixture(scope="module")
def app_with_report(model_files):
    """``import app`` on a model published with its per-emotion report."""
    return import_app(*model_files)


@pytest.fixture(scope="module")
def served(model_files):
    return load_served(*model_files)


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """Counts explanation runs (each one batched model call)."""
    seen: list[str] = []
    real = explain.explain
    monkeypatch.setattr(
        explain, "explain", lambda classifier, text, **kw: seen.append(text) or real(classifier, text, **kw)
    )
    return seen


def strongest_detected(served, probs) -> str:
    passing = [(p, n) for n, p in zip(LABELS, probs) if p >= served.calibration.calibrated("emotions", n)]
    return max(passing)[1] if passing else LABELS[int(np.argmax(probs))]


def test_submit_explains_every_emotion_once_and_picks_the_strongest_detected(served, calls):
    expl, why_emotion, segments, info = events.explain_text(served, TEXT, None, Controls(*CONTROLS))
    assert calls == [TEXT] and isinstance(expl, explain.Explanation)
    assert why_emotion["value"] == strongest_detected(served, expl.full)
    assert [value for _, value in why_emotion["choices"]] == list(LABELS)
    assert "".join(s for s, _ in segments) == TEXT
    assert sum(v is not None for _, v in segments) == len(TEXT.split())
    assert "Occlusion" in info and html.escape(why_emotion["value"]) in info
    again = events.explain_text(served, TEXT, expl, Controls(*CONTROLS))  # same text: kept, no model call
    assert calls == [TEXT] and again[0] is expl


def test_picking_another_emotion_needs_no_model_call(served, calls):
    expl = events.explain_text(served, TEXT, None, Controls(*CONTROLS))[0]
    first, _ = events.show_why(expl, "gratitude", "emotions")
    second, info = events.show_why(expl, "anger", "emotions")
    assert calls == [TEXT]
    scores = [v for _, v in second if v is not None]
    assert scores == [
        round(float(a) / max(0.05, *np.abs(expl.attributions("anger"))), 3)
        for a in expl.attributions("anger")
    ]
    assert first != second and "anger" in info
    assert all(isinstance(out, type(gr.skip())) for out in events.show_why(None, "anger", "emotions"))
    assert all(isinstance(out, type(gr.skip())) for out in events.show_why(expl, "positive", "emotions"))


def test_view_switch_offers_the_views_rows(served, calls):
    expl = events.explain_text(served, TEXT, None, Controls(*CONTROLS))[0]
    why_emotion, segments, info = events.why_view(
        served, expl, Controls("sentiment", "per_class", 0.5, 0.0, {})
    )
    assert [v for _, v in why_emotion["choices"]] == list(VIEWS["sentiment"])
    assert why_emotion["value"] in VIEWS["sentiment"]
    assert "".join(s for s, _ in segments) == TEXT and calls == [TEXT]
    why_emotion, *rest = events.why_view(served, None, Controls("ekman", "per_class", 0.5, 0.0, {}))
    assert why_emotion["value"] is None and [v for _, v in why_emotion["choices"]] == list(VIEWS["ekman"])


def test_thresholds_decide_the_default_emotion(served):
    expl = events.explain_text(served, TEXT, None, Controls(*CONTROLS))[0]
    expl = replace(
        expl, full=np.linspace(0.02, 0.9, len(LABELS), dtype=np.float32)
    )  # the tiny model saturates
    _, why_emotion, _, _ = events.explain_text(
        served, TEXT, expl, Controls("emotions", "global", 0.95, 0.0, {})
    )
    assert why_emotion["value"] == LABELS[-1]  # none passes: the strongest
    middle = LABELS[len(LABELS) // 2]
    overrides = {f"emotions:{n}": 0.99 for n in LABELS} | {f"emotions:{middle}": 0.01}
    _, why_emotion, _, _ = events.explain_text(
        served, TEXT, expl, Controls("emotions", "per_class", 0.5, 0.0, overrides)
    )
    assert why_emotion["value"] == middle  # the strongest detected, not the strongest


def test_empty_text_explains_nothing(served, calls):
    for text in ("", "  \n", None):
        expl, why_emotion, segments, info = events.explain_text(served, text, None, Controls(*CONTROLS))
        assert expl is None and segments is None and why_emotion["value"] is None and "Submit a text" in info
    assert calls == []
    assert events.clear_why()[:2] == (None, None)


def test_long_text_is_explained_as_scored(served):
    expl = events.explain_text(served, "so happy " * 200, None, Controls(*CONTROLS))[0]
    assert len(expl.text) == MAX_ROW_CHARS and expl.text == ("so happy " * 200)[:MAX_ROW_CHARS]


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)> thank",
        "😂🎉 wow",
        "مرحبا شكرا",
        "zero\u200bwidth \u200d\ufeff",
        "\u202eevil ${x} {{y}}",
    ],
)
def test_hostile_text_is_shown_as_text(served, text):
    expl, why_emotion, segments, info = events.explain_text(served, text, None, Controls(*CONTROLS))
    assert "".join(s for s, _ in segments) == text  # HighlightedText shows tokens as text
    assert "<img" not in info and "${" not in info and "{{" not in info


def test_bars_show_reliability_in_the_emotions_view_only(served):
    shown, detected, bars = events.analyze(served, TEXT, Controls(*CONTROLS))
    assert bars.count('class="emo-rel') == len(LABELS) and "⚠ test F1 0.12 · n=6" in bars
    assert "trust it less" in bars
    _, ekman_bars = events.rerender(served, shown, Controls("ekman", "per_class", 0.5, 0.0, {}))
    assert "test F1" not in ekman_bars  # the report scores the 28 labels, not the groups


def test_the_page_has_the_why_section_and_the_api(app_with_report):
    app = app_with_report
    assert app.SERVED.reliability["grief"] == (0.12, 6)
    ids = {getattr(b, "elem_id", None) for b in app.demo.blocks.values()}
    assert {"why", "why-emotion", "why-text", "why-info"} <= ids
    highlighted = [b for b in app.demo.blocks.values() if isinstance(b, gr.HighlightedText)]
    assert len(highlighted) == 1 and highlighted[0].show_legend
    assert "/explain" in {f"/{d.api_name}" for d in app.demo.fns.values()}


def test_explain_words_for_the_api(served):
    out = api.explain_words(served, TEXT, "gratitude", "emotions")
    assert out["emotion"] == "gratitude" and out["view"] == "emotions" and out["method"] == "occlusion"
    assert [w["word"] for w in out["words"]] == TEXT.split() and out["truncated"] is False
    default = api.explain_words(served, TEXT, None, "emotions")
    probs = served.classifier.predict_proba([TEXT])[0]
    assert default["emotion"] == strongest_detected(served, probs)
    assert api.explain_words(served, "x" * 900, "", "sentiment")["truncated"] is True
    for args, message in [
        (("  ", None, "emotions"), "Empty text"),
        ((TEXT, "happiness", "emotions"), "not in the 'emotions' view"),
        ((TEXT, "joy", "plutchik"), "view"),
        ((TEXT, "joy", "sentiment"), "not in the 'sentiment' view"),
    ]:
        with pytest.raises(gr.Error, match=message):
            api.explain_words(served, *args)


def test_explain_endpoint(client, app):
    out = client.predict(TEXT, "gratitude", api_name="/explain")
    expl = explain.explain(app.SERVED.classifier, TEXT)
    assert out["emotion"] == "gratitude" and out["probability"] == pytest.approx(
        expl.probability("gratitude"), abs=1e-5
    )
    assert [w["attribution"] for w in out["words"]] == [
        pytest.approx(float(a), abs=1e-5) for a in expl.attributions("gratitude")
    ]
    assert [(w["start"], w["end"]) for w in out["words"]] == [(w.start, w.end) for w in expl.words]
    assert client.predict(TEXT, api_name="/explain")["emotion"] in LABELS
    assert client.predict(TEXT, view="ekman", api_name="/explain")["emotion"] in VIEWS["ekman"]
    with pytest.raises(AppError, match="Empty text"):
        client.predict("   ", api_name="/explain")
    with pytest.raises(AppError, match="not in the 'emotions' view"):
        client.predict(TEXT, "<b>nope</b>", api_name="/explain")
