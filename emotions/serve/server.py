"""How the page is served: its queue, its limits, and ``launch()`` with the app's options.

The queue, set deliberately for a 2-vCPU Space:

- Model events (Submit, upload, ``/predict``, ``/predict_batch``, ``/predict_sentences``,
  ``/explain``) share
  ``concurrency_id="model"`` and run one at a time: a forward pass is CPU-bound and already
  spreads over both cores, so two at once only contend (each slower, no more throughput) and
  double the activation memory. Waiting events are served first come, first served.
- Re-render events (thresholds, view, inspect) cost milliseconds and never touch the model:
  they set ``concurrency_limit=None``, so they never wait behind model calls.
- ``QUEUE_SIZE`` bounds what a burst can pile up (each waiting event holds its request): twice
  the 50 concurrent API clients the load test drives (``python -m emotions loadtest``), each
  with one request in flight, plus room for page visitors. Past it a visitor is told at once
  that the queue is full instead of waiting minutes.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from emotions import limits

from . import arc, gradio_patches, privacy, render, uploads
from .bodylimit import BodyLimit
from .served import ServedModel, load_from_environment

logger = logging.getLogger(__name__)
MODEL_CONCURRENCY = 1  # model calls at once
QUEUE_SIZE = 100  # events waiting at most, all kinds together
SESSION_CAPACITY = 1000  # sessions whose state is kept (see launch)
# Every 10 minutes, Gradio deletes the files it keeps (CSV results) once older than 50 minutes,
# so none lives past the hour the footer promises.
DELETE_CACHE = (600, 3000)
# Gradio keeps stats of the last 10,000 events for its monitoring page (turned off in launch):
# memory that grows by megabytes per thousand requests for nothing; the last 1,000 are plenty.
# It also rebuilds their summary (a pandas DataFrame of all of them) after every event: about
# 3 ms of each /predict on 2 cores (profiled); once per 1,000 events is enough. Gradio reads
# both from the environment when the queue is made.
QUEUE_ENV = {"GRADIO_ANALYTICS_MAX_EVENTS": "1000", "GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000"}
THEME = gr.themes.Soft(primary_hue="violet", neutral_hue="slate")
PAGE_CSS = """
.gradio-container { max-width: 1180px !important; margin: 0 auto; }
#footer { font-size: var(--text-sm); color: var(--body-text-color-subdued); text-align: center; }
"""
ENV_HINT = (
    " (Set EMOTIONS_MODEL_REPO to a Hub model id, or EMOTIONS_MODEL_DIR and EMOTIONS_THRESHOLDS"
    " to a local checkpoint folder and thresholds.json.)"
)


def configure_queue(demo: gr.Blocks) -> gr.Blocks:
    """The queue described above, on ``demo``."""
    for name, value in QUEUE_ENV.items():
        os.environ.setdefault(name, value)
    return demo.queue(default_concurrency_limit=MODEL_CONCURRENCY, max_size=QUEUE_SIZE)


def launch(demo: gr.Blocks, **kwargs: Any):
    """Serve ``demo`` on ``$GRADIO_SERVER_NAME:$GRADIO_SERVER_PORT`` (default 0.0.0.0:7860)."""
    options = {
        "server_name": os.environ.get("GRADIO_SERVER_NAME") or "0.0.0.0",
        "server_port": int(os.environ.get("GRADIO_SERVER_PORT") or 7860),
        "theme": THEME,
        "css": PAGE_CSS + render.CSS + arc.CSS,  # once for the page, not in every HTML component
        "footer_links": ["api", "gradio"],
        "max_file_size": 10
        * limits.MAX_UPLOAD_BYTES,  # hard cap; uploads.parse_upload explains the real limit
        # Gradio's run history keeps each API call's inputs (the visitor's text) in the browser
        # or a Hub bucket: off, like flagging. Nothing a visitor types is kept.
        "run_history": False,
        "enable_monitoring": False,  # its page would show per-event stats to anyone with the key
        "mcp_server": True,  # agents call the same endpoints as MCP tools at /gradio_api/mcp/
        # Every API call without a session (curl, plain HTTP) gets a session of its own, and
        # Gradio keeps the last 10,000. Each is about 4 KB (see gradio_patches) plus what its
        # events touch; 1,000 bound the rest. A visitor's state (results, overrides) is dropped
        # only after 1,000 newer sessions.
        "state_session_capacity": SESSION_CAPACITY,
        "app_kwargs": {
            "middleware": [Middleware(BodyLimit)],  # 413 for huge bodies, before parsing
            "exception_handlers": privacy.exception_handlers(),  # malformed requests: clear, nothing echoed
        },
        **kwargs,
    }
    privacy.redact_logged_exceptions()  # no exception message reaches a log (see privacy)
    gradio_patches.apply()
    uploads.keep_pruning()  # our own copies of the CSV results go too, even if no one uploads again
    return demo.launch(**options)


def load_or_exit() -> ServedModel:
    """The served model, or one clear start-up error naming the file and the problem."""
    try:
        return load_from_environment()
    except (FileNotFoundError, ValueError, OSError) as err:
        hint = ENV_HINT if isinstance(err, FileNotFoundError) else ""
        raise SystemExit(f"Emotion reader cannot start: {err}{hint}") from None


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (``M_ARENA_MAX``); False where the C library is not glibc.

    glibc gives threads that allocate at the same time arenas of their own (up to 8 per core),
    and each arena keeps the memory freed in it. Gradio runs requests on a pool of up to 40
    threads, so the model's activation buffers spread over many arenas: without this cap the
    load test measured the app's RSS growing 76 MB over 5,000 requests (34.6 MB with it).
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(-8, arenas))  # -8: M_ARENA_MAX in glibc's malloc.h
    except (OSError, AttributeError):  # no mallopt: not glibc (macOS, musl)
        return False


def prepare_process() -> None:
    """What ``python app.py`` does before it imports the model: logging and memory settings."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    limit_malloc_arenas()  # memory stays flat under load (see its docstring)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # gradio's own start-up requests
