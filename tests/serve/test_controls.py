"""The settings panel reaches every event as one Controls, in its fields' order, named once."""

import gradio as gr
import pytest

from emotions.model import views
from emotions.serve.controls import (
    GLOBAL,
    MODEL_MODES,
    PER_CLASS,
    Controls,
    bind,
    control_inputs,
    model_mode,
    show_mode,
)


def test_control_inputs_follow_the_fields_of_controls_whatever_order_they_are_named_in():
    given = dict(overrides="o", sensitivity="s", view="v", global_threshold="g", mode="m")
    assert control_inputs(**given) == ["v", "m", "g", "s", "o"]
    with pytest.raises(TypeError, match="control_inputs takes exactly"):
        control_inputs(view="v", mode="m")


def test_bind_hands_the_last_inputs_to_the_event_as_one_controls():
    seen = []
    event = bind(lambda served, text, controls: seen.append((served, text, controls)), "served")
    event(
        "hello",
        *control_inputs(view="ekman", mode="global", global_threshold=0.3, sensitivity=0.1, overrides={}),
    )
    assert seen == [("served", "hello", Controls("ekman", "global", 0.3, 0.1, {}))]


def test_the_panels_threshold_modes_are_the_models_own_under_honest_names():
    """Per class is the model's (and the API's) "calibrated" mode; the page calls it per_class,
    true whether or not the served model's thresholds were calibrated."""
    assert Controls().mode == PER_CLASS and Controls().thresholds.mode == "calibrated"
    assert Controls(mode=GLOBAL, global_threshold=0.3).thresholds.mode == "global"
    assert sorted(MODEL_MODES.values()) == sorted(views.MODES)  # every model mode, once
    with pytest.raises(ValueError, match="mode='calibrated' is unknown"):
        model_mode("calibrated")  # the model's name is not the page's
    assert show_mode(PER_CLASS) == (gr.update(visible=False), gr.update(visible=True))
    assert show_mode(GLOBAL) == (gr.update(visible=True), gr.update(visible=False))


def test_the_mode_radio_says_calibrated_only_for_a_calibrated_model(app):
    mode = next(b for b in app.demo.blocks.values() if getattr(b, "elem_id", None) == "mode")
    assert app.SERVED.calibration.is_calibrated
    assert mode.value == PER_CLASS and mode.choices == [
        ("Calibrated per class", PER_CLASS),
        ("Global", GLOBAL),
    ]
    assert "tuned on held-out data" in mode.info
