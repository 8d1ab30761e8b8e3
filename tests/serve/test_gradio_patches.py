"""Gradio sessions build component configs on demand, and deep links still get all of them."""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import httpx
import pytest
from gradio.state_holder import SessionState
from gradio.utils import get_upload_folder
from helpers import GRADIO_WARNINGS

from emotions.serve import gradio_patches as sessions

pytestmark = GRADIO_WARNINGS
TEXT = "Thank you so much, this made my day!"


def eager(demo) -> SessionState:
    """A session as Gradio's own ``__init__`` builds it: every config up front."""
    state = SessionState.__new__(SessionState)
    sessions._original_init(state, demo)
    return state


def by_id(configs) -> dict:
    return {c["id"]: c for c in configs}


def test_the_app_defers_the_configs_and_a_second_call_changes_nothing(app):
    assert sessions.defer_session_configs() and sessions.defer_session_configs()
    state = SessionState(app.demo)
    assert state.config_values == {}  # nothing built for a plain API call
    assert len(eager(app.demo).config_values) > 50


def test_deep_link_configs_are_the_ones_gradio_built_eagerly(app):
    reference = eager(app.demo)
    state = SessionState(app.demo)
    assert by_id(state.components) == by_id(reference.components)


def test_an_event_s_update_survives_and_the_rest_is_built_around_it(app):
    box = next(b for b in app.demo.blocks.values() if isinstance(b, gr.Textbox))
    for state in (reference := eager(app.demo)), (lazy := SessionState(app.demo)):
        state._update_value_in_config(box._id, TEXT)
    assert list(lazy.config_values) == [box._id]  # only what the event touched, so far
    got, want = by_id(lazy.components), by_id(reference.components)
    assert got[box._id]["props"]["value"] == TEXT
    assert got == want


def test_the_deep_link_route_saves_every_component_of_a_session(app, client):
    url = client.src
    client.predict(TEXT, api_name="/predict")
    response = httpx.get(f"{url}gradio_api/deep_link", params={"session_hash": client.session_hash})
    response.raise_for_status()
    link = response.json()
    assert link
    saved = json.loads((Path(get_upload_folder()) / "deep_links" / link / "state.json").read_text())
    assert by_id(saved).keys() == by_id(eager(app.demo).components).keys()


def test_a_gradio_whose_sessions_look_different_is_left_alone(monkeypatch, caplog):
    other = type("SessionState", (), {"__init__": lambda self, blocks: None})
    monkeypatch.setattr(sessions, "SessionState", other)
    assert sessions.defer_session_configs() is False
    assert other.__init__ is not sessions._init
    assert "Gradio's SessionState has changed: sessions keep building every config." in caplog.text


def test_the_installed_gradio_is_the_one_the_patches_were_checked_on():
    assert gr.__version__ == sessions.CHECKED_ON, (
        f"Gradio {gr.__version__} is installed, but emotions/serve/gradio_patches.py was checked on "
        f"{sessions.CHECKED_ON}: re-check each patch against the new Gradio (its docstring says what "
        "it relies on), then update CHECKED_ON and the pin in requirements.txt."
    )


def test_another_gradio_version_gets_no_patch(monkeypatch, caplog):
    monkeypatch.setattr(sessions, "defer_session_configs", lambda: pytest.fail("patched anyway"))
    assert sessions.apply("99.0.0") is False
    assert "Gradio 99.0.0 is installed; emotions.serve.gradio_patches was checked on" in caplog.text


def test_the_queue_statistics_are_bounded_through_gradio_s_own_settings(app):
    queue = app.demo._queue
    assert (queue.ANALYTICS_MAX_EVENTS, queue.ANAYLTICS_CACHE_FREQUENCY) == (1000, 1000)
