"""The named API endpoints, called through ``gradio_client`` on a launched tiny-model app."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import httpx
import pytest
from gradio_client.exceptions import AppError
from helpers import GRADIO_WARNINGS, PLAIN_HTTP_DEFAULTS, ROOT, running_app_py

from emotions.labels import LABELS, VIEWS
from emotions.limits import MAX_ROWS
from emotions.serve import server

pytestmark = GRADIO_WARNINGS
TEXT = "OMG, yep!!! That is the final answer! Thank you so much!"


def test_page_is_served(client):
    with urllib.request.urlopen(client.src, timeout=30) as response:
        assert response.status == 200 and "Emotion reader" in response.read().decode()


def test_only_the_named_endpoints_are_public(client):
    assert set(client.view_api(return_format="dict", print_info=False)["named_endpoints"]) == {
        "/predict",
        "/predict_batch",
        "/predict_sentences",
        "/explain",
    }


def test_plain_http_needs_every_value_as_the_readme_says(client):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f'"data": ["Thank you so much!", {json.dumps(PLAIN_HTTP_DEFAULTS)[1:-1]}]' in readme
    assert "complete" == call_over_http(client, ["Thank you so much!", *PLAIN_HTTP_DEFAULTS])[0]
    event, data = call_over_http(client, ["Thank you so much!"])  # the text alone is refused, clearly
    assert event == "error" and "/predict takes 5 values in this order: text, mode" in data


def call_over_http(client, data: list) -> tuple[str, str]:
    """POST ``data`` to /predict as curl does; the last event of its stream and that event's data."""
    base = client.src.rstrip("/")
    started = httpx.post(f"{base}/gradio_api/call/predict", json={"data": data}, timeout=60).json()
    stream = httpx.get(f"{base}/gradio_api/call/predict/{started['event_id']}", timeout=60).text
    return re.findall(r"event: (\w+)\ndata: (.*)", stream)[-1]


def test_the_readme_s_curl_calls_work(client):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    calls = re.findall(r"-X POST http://127\.0\.0\.1:7860(\S+) .*?\n\s*-d '([^']+)'", readme)
    assert {path for path, _ in calls} == {"/gradio_api/call/v2/predict", "/gradio_api/call/predict"}
    for path, body in calls:
        started = httpx.post(client.src.rstrip("/") + path, json=json.loads(body), timeout=60).json()
        stream = httpx.get(
            f"{client.src.rstrip('/')}/gradio_api/call/predict/{started['event_id']}", timeout=60
        )
        event, data = re.findall(r"event: (\w+)\ndata: (.*)", stream.text)[-1]
        assert event == "complete" and set(json.loads(data)[0]["labels"]) <= set(LABELS) | set(VIEWS["ekman"])


def test_predict_defaults_to_the_calibrated_thresholds(app, client):
    out = client.predict(TEXT, api_name="/predict")
    calibrated = app.SERVED.classifier.thresholds
    assert set(out["scores"]) == set(LABELS)
    assert out["thresholds"] == {n: pytest.approx(calibrated[n], abs=1e-4) for n in LABELS}
    expected = [n for n, p in out["scores"].items() if p >= calibrated[n]]
    assert sorted(out["labels"]) == sorted(expected)
    assert [out["scores"][n] for n in out["labels"]] == sorted(
        (out["scores"][n] for n in out["labels"]), reverse=True
    )
    assert out["truncated"] is False
    assert out["probabilities"] == "uncalibrated"  # the tiny model has no calibration maps


def test_global_mode_defaults_to_the_model_s_best_global_threshold(app, client):
    out = client.predict(TEXT, mode="global", api_name="/predict")
    default = app.SERVED.calibration.global_default
    assert out["thresholds"] == {n: pytest.approx(default, abs=1e-4) for n in LABELS}


def test_predict_matches_the_model(app, client):
    out = client.predict(TEXT, api_name="/predict")
    probs = app.SERVED.classifier.predict_proba([TEXT])[0]
    assert out["scores"] == {n: pytest.approx(float(p), abs=1e-5) for n, p in zip(LABELS, probs)}


def test_predict_global_mode_and_sensitivity(client):
    low = client.predict(TEXT, mode="global", global_threshold=0.05, api_name="/predict")
    high = client.predict(TEXT, mode="global", global_threshold=0.95, api_name="/predict")
    assert set(high["labels"]) <= set(low["labels"])
    assert set(low["labels"]) == {n for n, p in low["scores"].items() if p >= 0.05}
    base = client.predict(TEXT, api_name="/predict")
    keen = client.predict(TEXT, sensitivity=2.0, api_name="/predict")
    assert set(base["labels"]) <= set(keen["labels"])
    assert all(keen["thresholds"][n] < base["thresholds"][n] for n in LABELS)


@pytest.mark.parametrize("view", ["ekman", "sentiment"])
def test_predict_rolled_up_views(client, view):
    out = client.predict(TEXT, view=view, api_name="/predict")
    assert set(out["scores"]) == set(VIEWS[view]) and set(out["labels"]) <= set(VIEWS[view])


def test_predict_truncates_long_text(client):
    assert client.predict("so happy " * 300, api_name="/predict")["truncated"] is True


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"text": "   "}, "Empty text"),
        ({"text": "hi", "mode": "loose"}, "mode"),
        ({"text": "hi", "mode": "global", "global_threshold": 1.5}, "global_threshold"),
        ({"text": "hi", "sensitivity": 9.0}, "sensitivity"),
    ],
)
def test_predict_rejects_bad_input_clearly(client, kwargs, message):
    with pytest.raises(AppError, match=message):
        client.predict(**kwargs, api_name="/predict")


def test_predict_batch(client):
    texts = [TEXT, "", "so sad 😢", "<script>alert(1)</script>"]
    out = client.predict(texts, api_name="/predict_batch")
    assert len(out) == len(texts)
    single = client.predict(TEXT, api_name="/predict")
    assert out[0]["labels"] == single["labels"]
    assert out[0]["scores"] == {n: pytest.approx(p, abs=1e-5) for n, p in single["scores"].items()}
    assert out[1]["scores"] == {} and "empty" in out[1]["notice"]
    assert all(set(o["scores"]) == set(LABELS) for o in (out[2], out[3]))
    glob = client.predict(
        texts[:1], mode="global", global_threshold=0.5, view="sentiment", api_name="/predict_batch"
    )
    assert set(glob[0]["scores"]) == set(VIEWS["sentiment"])
    assert client.predict([], api_name="/predict_batch") == []


def test_predict_batch_row_limit(client):
    with pytest.raises(AppError, match=f"limit of {MAX_ROWS}"):
        client.predict(["hi"] * (MAX_ROWS + 1), api_name="/predict_batch")


def test_python_app_py_launches_the_page(tiny_model_dir, app_thresholds, tmp_path):
    env = {"EMOTIONS_MODEL_DIR": str(tiny_model_dir), "EMOTIONS_THRESHOLDS": str(app_thresholds)}
    with running_app_py(tmp_path / "app.log", **env) as url:
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200 and "Emotion reader" in response.read().decode()


def test_python_app_py_without_a_model_stops_with_one_message(tmp_path):
    env = {**os.environ, "EMOTIONS_MODEL_DIR": str(tmp_path / "model")}
    env.pop("EMOTIONS_MODEL_REPO", None)
    done = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    message = done.stderr.strip().splitlines()[-1]
    expected = f"Emotion reader cannot start: Model folder not found: {tmp_path / 'model'}."
    assert message.startswith(expected) and "EMOTIONS_MODEL_REPO" in message


def test_sessionless_http_calls_each_get_a_session_and_the_launch_caps_how_many_are_kept(app, client):
    """curl-style calls each get a new session; Gradio keeps at most the capacity our launch sets."""
    holder = app.demo.state_holder
    assert holder.capacity == server.SESSION_CAPACITY  # what server.launch asked for, not Gradio's 10,000
    before = set(holder.session_data)
    for i in range(3):
        event, data = call_over_http(client, [f"text {i}", *PLAIN_HTTP_DEFAULTS])
        assert event == "complete" and set(json.loads(data)[0]["scores"]) == set(LABELS)
    assert len(set(holder.session_data) - before) == 3


def test_launch_bounds_the_sessions_kept(app, monkeypatch):
    seen = {}
    monkeypatch.setattr(app.demo, "launch", lambda **kwargs: seen.update(kwargs))
    server.launch(app.demo)
    assert seen["state_session_capacity"] == server.SESSION_CAPACITY <= 1000
