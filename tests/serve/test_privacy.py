"""Privacy: what a visitor types is not logged or kept, uploads are deleted once read, the
upload size is capped, flagging is off and no token reaches a log."""

from __future__ import annotations

import http.server
import logging
import os
import threading
import time
from pathlib import Path

import gradio as gr
import httpx
import huggingface_hub.constants as hf_constants
import pytest
from gradio.utils import get_upload_folder
from gradio_client import Client
from gradio_client.exceptions import AppError
from helpers import CONTROLS, GRADIO_WARNINGS, FailsOnce, running_app_py

from emotions.limits import MAX_UPLOAD_BYTES
from emotions.serve import api, events, gradio_patches, layout
from emotions.serve import uploads as batch
from emotions.serve.controls import Controls
from emotions.tools import publish

pytestmark = GRADIO_WARNINGS
SENTINEL = "zqx-sentinel-7cf3"  # in every text sent; must never be logged
TOKEN = "hf_zqxSentinelToken0123456789abcdefGHIJ"  # must never be logged


def test_events_log_no_text_even_at_debug_level(app, tmp_path, caplog, capfd, monkeypatch):
    served = app.SERVED
    texts = tmp_path / "texts.txt"
    with caplog.at_level(logging.DEBUG):
        events.analyze(served, f"I love {SENTINEL}", Controls(*CONTROLS))
        events.analyze(served, SENTINEL * 100, Controls(*CONTROLS))  # clipped, with a notice
        texts.write_text(f"one {SENTINEL}\ntwo {SENTINEL}\n", encoding="utf-8")
        events.score_file(served, str(texts), Controls(*CONTROLS))
        texts.write_text(f"{SENTINEL},b\n1,2\n", encoding="utf-8")
        bad = texts.with_suffix(".csv")
        texts.rename(bad)
        assert (
            SENTINEL in events.score_file(served, str(bad), Controls(*CONTROLS))[1]
        )  # shown to the visitor only
        api.predict_texts(served, [SENTINEL, ""], "calibrated", 0.5, 0.0, "emotions")
        with pytest.raises(gr.Error):
            api.predict_texts(served, [SENTINEL], f"mode-{SENTINEL}", 0.5, 0.0, "emotions")
        monkeypatch.setattr(
            served, "classifier", FailsOnce(served.classifier, RuntimeError(f"cannot read {SENTINEL}"))
        )
        with pytest.raises(gr.Error):
            events.analyze(served, SENTINEL, Controls(*CONTROLS))
    out = capfd.readouterr()
    assert "Scored one text" in caplog.text and "analyze failed: RuntimeError" in caplog.text
    assert SENTINEL not in caplog.text + out.out + out.err


def test_uploads_are_deleted_once_read(app, tmp_path, monkeypatch):
    uploads = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(uploads))
    cases = {"ok.txt": b"I love it\n", "nocol.csv": b"a,b\n1,2\n", "binary.csv": b"\x89PNG\x00\x01", "big.txt": b"x\n" * MAX_UPLOAD_BYTES}  # fmt: skip
    for i, (name, data) in enumerate(cases.items()):
        path = uploads / f"{i:040x}" / name  # as Gradio stores them: <content hash>/<name>
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        events.score_file(app.SERVED, str(path), Controls(*CONTROLS))
        assert not path.exists() and not path.parent.exists(), name
    assert uploads.is_dir()  # the upload folder itself stays
    mine = tmp_path / "mine.txt"  # not an upload: left alone
    mine.write_text("I love it\n")
    events.score_file(app.SERVED, str(mine), Controls(*CONTROLS))
    assert mine.exists()


def test_a_real_upload_is_capped_and_deleted_once_read(app, client):
    url = client.src
    files = {"files": ("texts.txt", f"I love {SENTINEL}\n".encode(), "text/plain")}
    response = httpx.post(f"{url}gradio_api/upload", files=files, timeout=30)
    response.raise_for_status()
    (stored,) = response.json()
    assert Path(stored).is_file() and Path(get_upload_folder()) in Path(stored).resolve().parents
    scored_batch = events.score_file(app.SERVED, stored, Controls(*CONTROLS))[0]
    assert scored_batch["texts"] == [f"I love {SENTINEL}"] and not Path(stored).exists()
    huge = {"files": ("huge.txt", b"x" * (10 * MAX_UPLOAD_BYTES + 1), "text/plain")}
    response = httpx.post(f"{url}gradio_api/upload", files=huge, timeout=60)
    assert response.status_code == 413 and "maximum allowed size" in response.text


def test_no_flagging_no_run_history_and_no_analytics(app, client):
    demo = app.demo
    assert type(demo) is gr.Blocks and not isinstance(demo, gr.Interface | gr.ChatInterface)
    assert demo.analytics_enabled is False
    buttons = [b for b in demo.blocks.values() if isinstance(b, gr.Button)]
    assert buttons and not any("flag" in str(b.value).lower() for b in buttons)
    url = client.src
    assert demo.run_history is False and "runs" not in demo.footer_links
    assert httpx.get(f"{url}gradio_api/runs", timeout=30).status_code == 404  # no history page
    history_header = {"x-gradio-history-bucket": "someone/bucket"}  # asking to keep runs is ignored
    asking = Client(url, verbose=False, headers=history_header)
    assert asking.predict(SENTINEL, api_name="/predict")["scores"]
    assert not getattr(demo.server_app.state, "history_tasks", None)  # recording is not even set up


# ---- the served app, as a Space runs it ---------------------------------------------------------


def test_served_app_logs_no_text_and_no_token(tiny_model_dir, app_thresholds, tmp_path):
    cwd, log = tmp_path / "cwd", tmp_path / "app.log"
    cwd.mkdir()
    env = {
        "EMOTIONS_MODEL_REPO": "someone/emotions",  # unreachable: falls back to the bundled copy
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "HF_HOME": str(tmp_path / "hf"),
        "HF_TOKEN": TOKEN,
        "EMOTIONS_MODEL_DIR": str(tiny_model_dir),
        "EMOTIONS_THRESHOLDS": str(app_thresholds),
        "GRADIO_TEMP_DIR": str(tmp_path / "gradio"),
    }
    with running_app_py(log, cwd=cwd, **env) as url:  # the log is complete once the app stops
        client = Client(url, verbose=False)
        assert client.predict(f"thank you {SENTINEL}", api_name="/predict")["scores"]
        assert len(client.predict([SENTINEL, SENTINEL * 100, ""], api_name="/predict_batch")) == 3
        for kwargs in ({"text": SENTINEL, "mode": f"m-{SENTINEL}"}, {"text": "  "}):
            with pytest.raises(AppError):
                client.predict(**kwargs, api_name="/predict")
        with pytest.raises(AppError, match="limit of"):
            client.predict([SENTINEL] * 501, api_name="/predict_batch")
    text = log.read_text()
    assert "Could not get model someone/emotions@main from the Hub" in text  # the fallback was logged
    assert SENTINEL not in text and TOKEN not in text and "Traceback" not in text
    assert not [p for p in cwd.rglob("*") if "flag" in p.name.lower()]
    assert sorted(p.name for p in cwd.iterdir()) == []  # nothing written where it runs


# ---- publishing -----------------------------------------------------------------------------------


class Unauthorized(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = b'{"error": "Invalid credentials in Authorization header"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def rejecting_hub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unauthorized)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("hub", ["closed", "offline", "rejects", "silent"])
def test_publish_failures_never_show_the_token(
    hub, rejecting_hub, silent_endpoint, monkeypatch, caplog, capfd
):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setenv("EMOTIONS_HUB_TIMEOUT", "2")
    endpoint = {"rejects": rejecting_hub, "silent": silent_endpoint}.get(hub, "http://127.0.0.1:9")
    monkeypatch.setattr(hf_constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", hub == "offline")
    with caplog.at_level(logging.DEBUG), pytest.raises((ConnectionError, ValueError)) as exc:
        publish.connect()
    assert "Nothing was published" in str(exc.value)
    if hub == "silent":  # whoami has no timeout of its own
        assert "TimeoutError: no answer from the Hub within 2 s" in str(exc.value)
    out = capfd.readouterr()
    assert TOKEN not in str(exc.value) + repr(exc.value.__cause__) + caplog.text + out.out + out.err


def test_batch_results_are_deleted_within_the_hour(app, tmp_path, monkeypatch):
    every, age = app.demo.delete_cache  # Gradio's copies of the CSV results
    assert every + age <= 3600 and "deleted within the hour" in layout.footer_html(app.SERVED)
    exports = tmp_path / "exports"  # our own copies: pruned even when no one uploads again
    old, new = exports / "old", exports / "new"
    for folder in (old, new):
        folder.mkdir(parents=True)
        (folder / "emotions.csv").write_text(f"text\n{SENTINEL}\n")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    pruned = threading.Event()
    real_prune = batch.prune

    def prune_then_report(folder, keep_seconds):
        real_prune(folder, keep_seconds)
        pruned.set()

    monkeypatch.setattr(batch, "prune", prune_then_report)
    thread = batch.keep_pruning(exports, every=0.05, keep_seconds=600)
    try:
        assert batch.keep_pruning(exports) is thread  # a second launch does not start another
        assert pruned.wait(timeout=10), "the pruning thread never pruned"
        assert not old.exists() and new.exists()
    finally:
        thread.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert batch.KEEP_SECONDS + batch.PRUNE_EVERY <= 3600


def test_the_footer_promises_texts_are_not_logged_only_where_the_patches_apply(app, monkeypatch):
    assert "texts are not logged" in layout.footer_html(app.SERVED)
    monkeypatch.setattr(gradio_patches, "CHECKED_ON", "0.0.0")  # another Gradio: patches not applied
    footer = layout.footer_html(app.SERVED)
    assert "texts are not logged" not in footer and "deleted within the hour" in footer
