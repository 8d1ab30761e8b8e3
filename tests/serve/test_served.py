"""Which model the app serves: environment, Hub fallback, model-card score."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from helpers import thresholds_with_rollups

from emotions.labels import LABELS, VIEWS
from emotions.model import hub
from emotions.model.views import ThresholdSettings
from emotions.serve.served import load_from_environment, load_served, read_macro_f1

CARD = """---
model-index:
- name: m
  results:
  - task: {{type: text-classification}}
    metrics:
{metrics}
---
text
"""


def card(tmp_path: Path, metrics: str) -> Path:
    path = tmp_path / "README.md"
    path.write_text(CARD.format(metrics=metrics), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def thresholds(tmp_path_factory) -> Path:
    return thresholds_with_rollups(tmp_path_factory.mktemp("serve") / "thresholds.json")


def test_macro_f1_prefers_the_calibrated_one(tmp_path):
    path = card(
        tmp_path,
        "    - {type: accuracy, value: 0.9}\n"
        "    - {type: f1, name: macro F1 (0.5), value: 0.41}\n"
        "    - {type: f1, name: macro F1 (calibrated thresholds), value: 52.3}",
    )
    assert read_macro_f1(path) == (pytest.approx(0.523), "test macro F1 (calibrated thresholds)")


def test_macro_f1_absent_or_unreadable(tmp_path):
    assert read_macro_f1(tmp_path / "none.md")[0] is None
    assert read_macro_f1(card(tmp_path, "    - {type: accuracy, value: 0.9}"))[0] is None
    (tmp_path / "bad.md").write_text("---\nmodel-index: [unclosed\n---\n")
    assert read_macro_f1(tmp_path / "bad.md")[0] is None


def test_env_points_at_a_local_model(tiny_model_dir, thresholds, monkeypatch):
    monkeypatch.delenv("EMOTIONS_MODEL_REPO", raising=False)
    monkeypatch.setenv("EMOTIONS_MODEL_DIR", str(tiny_model_dir))
    monkeypatch.setenv("EMOTIONS_THRESHOLDS", str(thresholds))
    served = load_from_environment()
    assert served.source == f"local: {tiny_model_dir.name}/" and served.macro_f1 is None
    stored = json.loads(thresholds.read_text())["rollups"]["ekman"]["thresholds"]
    assert served.calibration.calibrated("ekman", "joy") == stored["joy"]


def test_unreachable_hub_falls_back_with_a_warning(tiny_model_dir, thresholds, monkeypatch, caplog):
    def offline(repo_id, revision=None):
        raise ConnectionError("Hub unreachable")

    monkeypatch.setattr(hub, "download_model", offline)
    monkeypatch.setenv("EMOTIONS_MODEL_REPO", "someone/emotions")
    monkeypatch.setenv("EMOTIONS_MODEL_DIR", str(tiny_model_dir))
    monkeypatch.setenv("EMOTIONS_THRESHOLDS", str(thresholds))
    with caplog.at_level(logging.WARNING):
        served = load_from_environment()
    assert served.source.startswith("local:") and "someone/emotions" in caplog.text


def test_hub_model_is_named_in_the_source(tiny_model_dir, thresholds, monkeypatch):
    def downloaded(repo_id, revision=None):
        return hub.ResolvedModel(tiny_model_dir, thresholds, f"{repo_id}@{revision}", repo_id, revision)

    monkeypatch.setattr(hub, "download_model", downloaded)
    monkeypatch.setenv("EMOTIONS_MODEL_REPO", "someone/emotions")
    monkeypatch.setenv("EMOTIONS_MODEL_REVISION", "v1")
    assert load_from_environment().source == "someone/emotions@v1"


def test_predict_results(tiny_model_dir, thresholds):
    served = load_served(tiny_model_dir, thresholds)
    out = served.predict(["thank you", " ", "x" * 600], ThresholdSettings())
    assert set(out[0]["scores"]) == set(LABELS) and out[1]["scores"] == {} and out[2]["truncated"]
    assert served.predict([], ThresholdSettings()) == []
    assert set(served.predict(["hi"], ThresholdSettings(), "ekman")[0]["scores"]) == set(VIEWS["ekman"])
    with pytest.raises(
        ValueError, match="501 texts is over the limit of 500: send at most 500 texts per call"
    ):
        served.predict(["hi"] * 501, ThresholdSettings())  # an API caller has no file to split


def test_malloc_arenas_are_capped_on_glibc():
    """app.py caps glibc's arenas so the RSS stays flat under load; elsewhere it says it did not."""
    import platform

    from emotions.serve.server import limit_malloc_arenas

    assert limit_malloc_arenas(8) is (platform.libc_ver()[0] == "glibc")


def test_the_app_serves_int8_onnx_when_onnxruntime_is_installed(
    tiny_model_dir, thresholds, monkeypatch, tmp_path
):
    """Default backend: onnx-int8 with ONNX Runtime, torch without; EMOTIONS_BACKEND wins."""
    pytest.importorskip("onnxruntime")
    from emotions.model import backends

    monkeypatch.setenv("EMOTIONS_ONNX_CACHE", str(tmp_path / "onnx"))
    monkeypatch.delenv("EMOTIONS_BACKEND", raising=False)  # conftest pins torch for other tests
    served = load_served(tiny_model_dir, thresholds)
    assert served.classifier.backend == backends.APP_BACKEND == "onnx-int8"
    out = served.predict(["thank you so much"], ThresholdSettings())[0]  # answers through the int8 file
    assert set(out["scores"]) == set(LABELS) and all(0 <= p <= 1 for p in out["scores"].values())
    monkeypatch.setenv("EMOTIONS_BACKEND", "onnx")
    assert load_served(tiny_model_dir, thresholds).classifier.backend == "onnx"
    monkeypatch.delenv("EMOTIONS_BACKEND")
    monkeypatch.setattr(backends, "onnx_available", lambda: False)
    assert load_served(tiny_model_dir, thresholds).classifier.backend == "torch"


def test_the_app_on_onnx_serves_without_torch_or_transformers(tiny_model_dir, thresholds, tmp_path):
    """Start-up time: with its ONNX file made, the app loads, scores and explains without
    importing torch or transformers (about 3.5 s of a cold start; only an export needs them)."""
    pytest.importorskip("onnxruntime")
    import os
    import subprocess
    import sys

    from emotions.model.inference import EmotionClassifier

    env = {**os.environ, "EMOTIONS_ONNX_CACHE": str(tmp_path / "onnx"), "EMOTIONS_BACKEND": "onnx-int8"}
    os.environ["EMOTIONS_ONNX_CACHE"] = env["EMOTIONS_ONNX_CACHE"]
    try:  # the export, made here (it needs torch), as `publish` ships it
        EmotionClassifier.from_pretrained(tiny_model_dir, backend="onnx-int8")
    finally:
        del os.environ["EMOTIONS_ONNX_CACHE"]
    code = (
        "import sys\n"
        "from emotions.serve.served import load_served\n"
        "from emotions.model.views import ThresholdSettings\n"
        f"served = load_served({str(tiny_model_dir)!r}, {str(thresholds)!r})\n"
        "served.predict(['I love it 😂', 'Emily is here.'], ThresholdSettings())\n"
        "served.explain('I love it 😂', None, ThresholdSettings())\n"
        "print(served.classifier.backend, 'torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert run.stdout.split() == ["onnx-int8", "False", "False"], run.stderr[-2000:]
