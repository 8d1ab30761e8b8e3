"""Faults: the Hub failing, broken checkpoint and thresholds files, a request that crashes.

Every fault must end in a clear message naming the problem (or the file), or in a fallback
to the bundled model with a warning; never in a traceback or a silently wrong model.
Covered elsewhere, not repeated here: threshold values that are NaN, out of (0, 1), missing
or extra (tests/model/test_thresholds.py), a missing model folder or thresholds file at
start-up (test_events.py, test_api.py).
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

import gradio as gr
import httpx2
import huggingface_hub
import huggingface_hub.constants as hf_constants
import pytest
from gradio_client.exceptions import AppError
from helpers import GRADIO_WARNINGS, FailsOnce, import_app, thresholds_with_rollups
from huggingface_hub.errors import (
    IncompleteSnapshotError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from emotions.labels import LABELS, VIEWS
from emotions.model import hub
from emotions.model.inference import EmotionClassifier
from emotions.model.thresholds import THRESHOLDS_FILE
from emotions.serve import events, privacy
from emotions.serve.controls import Controls
from emotions.serve.served import load_from_environment, load_served

pytestmark = GRADIO_WARNINGS
REPO = "someone/emotions"
CLOSED = "http://127.0.0.1:9"  # nothing listens on port 9: connections are refused at once


@pytest.fixture(scope="module")
def thresholds(tmp_path_factory) -> Path:
    return thresholds_with_rollups(tmp_path_factory.mktemp("faults") / THRESHOLDS_FILE)


@pytest.fixture
def bundled(tiny_model_dir, thresholds) -> hub.ResolvedModel:
    return hub.local_model(tiny_model_dir, thresholds)


@pytest.fixture
def nothing_bundled(tmp_path) -> hub.ResolvedModel:
    return hub.local_model(tmp_path / "no-model", tmp_path / "no-thresholds.json")


@pytest.fixture
def empty_hub_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(tmp_path / "hub-cache"))


def copy_checkpoint(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def hub_error(cls, message: str):
    request = httpx2.Request("GET", f"https://huggingface.co/api/models/{REPO}")
    return cls(message, response=httpx2.Response(404, request=request))


# ---- the Hub -------------------------------------------------------------------------------


@pytest.mark.parametrize("offline", [False, True], ids=["closed-endpoint", "HF_HUB_OFFLINE"])
def test_unreachable_hub_falls_back_fast_with_a_warning(
    bundled, empty_hub_cache, monkeypatch, caplog, offline
):
    monkeypatch.setattr(hf_constants, "ENDPOINT", CLOSED)
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", offline)
    start = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="emotions.model.hub"):
        resolved = hub.resolve_model(REPO, "v1", fallback=bundled)
    assert time.monotonic() - start < 10  # refused, not retried for minutes
    assert resolved is bundled
    (record,) = [r for r in caplog.records if r.name == "emotions.model.hub"]
    assert record.levelno == logging.WARNING
    assert f"Could not get model {REPO}@v1 from the Hub" in record.getMessage()
    assert f"using the bundled copy in {bundled.model_dir}" in record.getMessage()


def test_unreachable_hub_with_nothing_to_fall_back_to_stops_clearly(
    nothing_bundled, empty_hub_cache, monkeypatch
):
    monkeypatch.setattr(hf_constants, "ENDPOINT", CLOSED)
    with pytest.raises(FileNotFoundError) as exc:
        hub.resolve_model(REPO, fallback=nothing_bundled)
    message = str(exc.value)
    assert message.startswith(f"Could not get model {REPO}@main from the Hub (")
    assert f"there is no bundled model at {nothing_bundled.model_dir} to fall back to" in message


def test_a_hub_that_never_answers_falls_back_after_the_timeout(
    bundled, nothing_bundled, empty_hub_cache, silent_endpoint, monkeypatch, caplog
):
    monkeypatch.setattr(hf_constants, "ENDPOINT", silent_endpoint)
    monkeypatch.setenv("EMOTIONS_HUB_TIMEOUT", "2")
    start = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="emotions.model.hub"):
        assert hub.resolve_model(REPO, fallback=bundled) is bundled
    assert 2 <= time.monotonic() - start < 15
    assert "(TimeoutError: no answer from the Hub within 2 s); using the bundled copy" in caplog.text
    with pytest.raises(
        FileNotFoundError, match="TimeoutError: no answer from the Hub within 2 s.*no bundled model"
    ):
        hub.resolve_model(REPO, fallback=nothing_bundled)


HUB_FAULTS = {
    "repo-not-found": lambda: hub_error(
        RepositoryNotFoundError, f"404 Client Error: Repository Not Found for {REPO}"
    ),
    "revision-not-found": lambda: hub_error(
        RevisionNotFoundError, "404 Client Error: Revision Not Found: v9"
    ),
    "interrupted": lambda: httpx2.RemoteProtocolError(
        "peer closed connection without sending complete message body"
    ),
    "incomplete-snapshot": lambda: IncompleteSnapshotError(
        "some files are missing from the snapshot", "/cache/x"
    ),
}


@pytest.mark.parametrize("fault", list(HUB_FAULTS))
def test_hub_errors_fall_back_with_a_warning_naming_the_error(bundled, monkeypatch, caplog, fault):
    error = HUB_FAULTS[fault]()

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(huggingface_hub, "snapshot_download", failing)
    with caplog.at_level(logging.WARNING, logger="emotions.model.hub"):
        assert hub.resolve_model(REPO, "v9", fallback=bundled) is bundled
    assert f"Could not get model {REPO}@v9 from the Hub ({type(error).__name__}: " in caplog.text


@pytest.mark.parametrize("fault", list(HUB_FAULTS))
def test_hub_errors_without_a_bundled_model_stop_clearly(nothing_bundled, monkeypatch, fault):
    error = HUB_FAULTS[fault]()

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(huggingface_hub, "snapshot_download", failing)
    with pytest.raises(FileNotFoundError, match=f"{type(error).__name__}.*no bundled model at"):
        hub.resolve_model(REPO, fallback=nothing_bundled)


def truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


PARTIAL_SNAPSHOTS = {  # what an interrupted download can leave in the snapshot folder
    "weights-missing": (lambda d: (d / "model.safetensors").unlink(), "model.safetensors is missing"),
    "weights-truncated": (lambda d: truncate(d / "model.safetensors"), "model.safetensors is truncated"),
    "tokenizer-truncated": (lambda d: truncate(d / "tokenizer.json"), "tokenizer.json is corrupt"),
}


@pytest.mark.parametrize("fault", list(PARTIAL_SNAPSHOTS))
def test_partially_downloaded_snapshot_falls_back(
    tiny_model_dir, thresholds, bundled, tmp_path, monkeypatch, caplog, fault
):
    snapshot = copy_checkpoint(tiny_model_dir, tmp_path / "snapshot")
    (snapshot / "thresholds").mkdir()
    shutil.copy(thresholds, snapshot / "thresholds" / THRESHOLDS_FILE)
    damage, problem = PARTIAL_SNAPSHOTS[fault]
    damage(snapshot)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", lambda *a, **k: str(snapshot))
    with caplog.at_level(logging.WARNING, logger="emotions.model.hub"):
        assert hub.resolve_model(REPO, fallback=bundled) is bundled
    assert problem in caplog.text and "using the bundled copy" in caplog.text


def test_a_hub_model_without_thresholds_is_served_uncalibrated(
    tiny_model_dir, bundled, tmp_path, monkeypatch
):
    snapshot = copy_checkpoint(tiny_model_dir, tmp_path / "snapshot")
    monkeypatch.setattr(huggingface_hub, "snapshot_download", lambda *a, **k: str(snapshot))
    resolved = hub.resolve_model(REPO, fallback=bundled)
    assert resolved.model_dir == snapshot and resolved.thresholds is None
    served = load_served(resolved.model_dir, resolved.thresholds, resolved.source)
    assert not served.calibration.is_calibrated and set(served.classifier.thresholds.values()) == {0.5}


def test_hub_model_that_downloads_but_does_not_load_falls_back(
    tiny_model_dir, thresholds, tmp_path, monkeypatch, caplog
):
    snapshot = copy_checkpoint(tiny_model_dir, tmp_path / "snapshot")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"thresholds": {"joy": 0.5}}))  # labels do not match the model
    monkeypatch.setattr(
        hub,
        "download_model",
        lambda repo_id, revision=None: hub.ResolvedModel(snapshot, wrong, f"{repo_id}@main", repo_id),
    )
    monkeypatch.setenv("EMOTIONS_MODEL_REPO", REPO)
    monkeypatch.setenv("EMOTIONS_MODEL_DIR", str(tiny_model_dir))
    monkeypatch.setenv("EMOTIONS_THRESHOLDS", str(thresholds))
    with caplog.at_level(logging.WARNING, logger="emotions.serve.served"):
        served = load_from_environment()
    assert served.source == f"local: {tiny_model_dir.name}/"
    assert (
        f"Model {REPO}@main does not load" in caplog.text and "do not match the model's labels" in caplog.text
    )
    monkeypatch.setenv("EMOTIONS_MODEL_DIR", str(tmp_path / "none"))
    with pytest.raises(ValueError, match=f"Model {REPO}@main does not load .* no bundled model at"):
        load_from_environment()


# ---- broken checkpoint files ----------------------------------------------------------------


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


BROKEN_FILES = {
    "weights-truncated": (lambda d: truncate(d / "model.safetensors"), "model.safetensors is truncated"),
    "weights-empty": (lambda d: (d / "model.safetensors").write_bytes(b""), "model.safetensors is corrupt or truncated"),
    "weights-garbage": (lambda d: (d / "model.safetensors").write_bytes(b"\x89PNG" + bytes(range(256)) * 40), "model.safetensors is corrupt or truncated"),
    "weights-bad-header": (lambda d: (d / "model.safetensors").write_bytes((20).to_bytes(8, "little") + b"{not json at all!!}" + b"\x00" * 64), r"model.safetensors is corrupt \(unreadable header"),
    "weights-extra-bytes": (lambda d: (d / "model.safetensors").open("ab").write(b"\x00" * 16), "model.safetensors is corrupt: "),
    "weights-for-another-model": (lambda d: edit_json(d / "config.json", lambda c: c.update(num_hidden_layers=3)), "model.safetensors does not match .*config.json"),
    "tokenizer-truncated": (lambda d: truncate(d / "tokenizer.json", 0.3), "tokenizer.json is corrupt"),
    "tokenizer-wrong-content": (lambda d: (d / "tokenizer.json").write_text('{"version": "1.0", "model": 7}'), "Could not load the tokenizer in .*tokenizer.json / vocab.txt"),
    "tokenizer-config-truncated": (lambda d: truncate(d / "tokenizer_config.json"), "tokenizer_config.json is corrupt"),
    "config-truncated": (lambda d: truncate(d / "config.json"), "config.json is corrupt"),
    "config-not-utf8": (lambda d: (d / "config.json").write_bytes(b"\xff\xfe{\x00}\x00"), "config.json is corrupt"),
    "config-no-labels": (lambda d: edit_json(d / "config.json", lambda c: c.pop("id2label")), "config.json has no id2label"),
    "config-unknown-architecture": (lambda d: edit_json(d / "config.json", lambda c: c.update(model_type="no-such-model")), "Could not load the model from .*config.json"),
}  # fmt: skip


@pytest.mark.parametrize("fault", list(BROKEN_FILES))
def test_broken_checkpoint_files_are_named(tiny_model_dir, tmp_path, fault):
    folder = copy_checkpoint(tiny_model_dir, tmp_path / "model")
    damage, message = BROKEN_FILES[fault]
    damage(folder)
    with pytest.raises(ValueError, match=message) as exc:
        EmotionClassifier.from_pretrained(folder)
    assert str(folder) in str(exc.value)


def test_broken_weights_stop_the_app_with_one_clear_message(tiny_model_dir, thresholds, tmp_path):
    folder = copy_checkpoint(tiny_model_dir, tmp_path / "model")
    truncate(folder / "model.safetensors")
    with pytest.raises(SystemExit) as exc:
        import_app(folder, thresholds)
    assert str(exc.value).startswith(
        f"Emotion reader cannot start: {folder / 'model.safetensors'} is truncated:"
    )


# ---- thresholds that do not fit the model ---------------------------------------------------


def relabel(folder: Path, labels: list[str]) -> None:
    edit_json(folder / "config.json", lambda c: c.update(id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)}))  # fmt: skip


def write_thresholds(path: Path, thresholds: dict, **extra) -> Path:
    path.write_text(json.dumps({"thresholds": thresholds, **extra}))
    return path


def test_thresholds_file_with_nan_or_infinity_literals(tiny_model_dir, tmp_path):
    for literal, message in [("NaN", "is nan, not a number"), ("Infinity", r"is inf, outside \(0, 1\)")]:
        path = tmp_path / "t.json"
        body = json.dumps({"thresholds": {n: 0.5 for n in LABELS}}).replace('"joy": 0.5', f'"joy": {literal}')
        path.write_text(body)
        with pytest.raises(ValueError, match=f"{path}: threshold for 'joy' {message}"):
            load_served(tiny_model_dir, path)


def test_rollup_thresholds_are_validated_too(tiny_model_dir, thresholds, tmp_path):
    data = json.loads(thresholds.read_text())
    data["rollups"]["ekman"]["thresholds"]["joy"] = float("nan")
    data["rollups"]["sentiment"]["thresholds"].pop("neutral")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"rollups.ekman: threshold for 'joy' is nan"):
        load_served(tiny_model_dir, path)
    data["rollups"]["ekman"]["thresholds"]["joy"] = 0.4
    path.write_text(json.dumps(data))
    with pytest.raises(
        ValueError, match=r"rollups.sentiment: thresholds do not match .*missing: \['neutral'\]"
    ):
        load_served(tiny_model_dir, path)


def test_thresholds_for_other_labels_than_the_models(tiny_model_dir, thresholds, tmp_path):
    folder = copy_checkpoint(tiny_model_dir, tmp_path / "model")
    generic = [f"LABEL_{i}" for i in range(len(LABELS))]
    relabel(folder, generic)
    with pytest.raises(
        ValueError, match=r"thresholds do not match the model's labels \(missing: \['LABEL_0'"
    ):
        load_served(folder, thresholds)
    # thresholds that match such a model serve it, with its own labels and no roll-up views
    matching = write_thresholds(tmp_path / "generic.json", {n: 0.5 for n in generic})
    served = load_served(folder, matching)
    assert served.classifier.labels == generic and list(served.labelset.views) == ["emotions"]


def test_labels_in_another_order_keep_goemotions_views(tiny_model_dir, tmp_path):
    folder = copy_checkpoint(tiny_model_dir, tmp_path / "model")
    swapped = list(LABELS)
    swapped[2], swapped[3] = swapped[3], swapped[2]
    relabel(folder, swapped)
    path = write_thresholds(tmp_path / "t.json", {n: 0.1 + 0.01 * i for i, n in enumerate(LABELS)})
    served = load_served(folder, path)
    assert served.classifier.labels == swapped and list(served.labelset.views) == list(VIEWS)
    assert served.classifier.thresholds["anger"] == pytest.approx(0.12)  # matched by name, not position


# ---- a request that crashes ------------------------------------------------------------------


SECRET_TEXT = "my-private-words-4471"


def fail_once(app, monkeypatch, message: str = f"tokenizer choked on {SECRET_TEXT!r}") -> FailsOnce:
    spy = FailsOnce(app.SERVED.classifier, RuntimeError(message))
    monkeypatch.setattr(app.SERVED, "classifier", spy)
    return spy


def test_a_crash_in_an_event_fails_that_request_only(app, monkeypatch, caplog, tmp_path):
    controls = ("emotions", "per_class", 0.5, 0.0, {})
    fail_once(app, monkeypatch)
    with caplog.at_level(logging.DEBUG), pytest.raises(gr.Error) as exc:
        events.analyze(app.SERVED, SECRET_TEXT, Controls(*controls))
    assert exc.value.message == privacy.FAILED.format(what="your text") and not exc.value.print_exception
    assert "analyze failed: RuntimeError at " in caplog.text and SECRET_TEXT not in caplog.text
    shown, detected, _ = events.analyze(app.SERVED, SECRET_TEXT, Controls(*controls))
    assert len(shown["probs"]) == len(LABELS) and "emo-chip" in detected

    upload = tmp_path / "texts.txt"
    fail_once(app, monkeypatch)
    with pytest.raises(gr.Error, match="reading your file"):
        upload.write_text("one\ntwo\n")
        events.score_file(app.SERVED, str(upload), Controls(*controls))
    upload.write_text("one\ntwo\n")
    assert len(events.score_file(app.SERVED, str(upload), Controls(*controls))[0]["texts"]) == 2


def test_a_crash_inside_an_api_request_fails_that_request_only(app, client, monkeypatch):
    spy = fail_once(app, monkeypatch)
    with pytest.raises(AppError) as exc:
        client.predict(SECRET_TEXT, api_name="/predict")
    assert "Something went wrong while reading your texts" in str(exc.value)
    assert set(client.predict(SECRET_TEXT, api_name="/predict")["scores"]) == set(LABELS)
    spy.error = MemoryError()
    with pytest.raises(AppError, match="Something went wrong"):
        client.predict(["a", "b"], api_name="/predict_batch")
    assert len(client.predict(["a", "b"], api_name="/predict_batch")) == 2
    assert spy.calls == 4
