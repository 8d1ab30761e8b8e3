"""The settings panel reaches every event as one Controls, in its fields' order, named once."""

import pytest

from emotions.serve.controls import Controls, bind, control_inputs


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
