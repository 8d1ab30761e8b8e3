"""The app under load: started as ``python app.py`` with a probe on Gradio's queue, and stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from emotions.tools.benchtools import PROJECT_ROOT as ROOT
from emotions.tools.benchtools import free_port

if TYPE_CHECKING:
    from .config import LoadTestConfig

# Runs app.py as `python app.py` would, recording each queue event's timing (no data): when it
# was queued, started and ended, and when its function ran.
PROBE = r"""
import itertools, json, runpy, sys, time
import gradio.queueing as queueing
import gradio.route_utils as route_utils

trace, app_path = open(sys.argv[1], "a", buffering=1), sys.argv[2]
started = itertools.count()
original = queueing.Queue.process_events

async def process_events(self, events, *args, **kwargs):
    seq, start = next(started), time.monotonic()
    try:
        return await original(self, events, *args, **kwargs)
    finally:
        end = time.monotonic()
        for e in events:
            trace.write(json.dumps([seq, e.session_hash, e.concurrency_id, e.enqueue_time, start, end]) + "\n")

queueing.Queue.process_events = process_events
run_fn = route_utils.call_process_api  # the event's function itself, inside process_events

async def call_process_api(*args, **kwargs):
    start = time.monotonic()
    try:
        return await run_fn(*args, **kwargs)
    finally:
        queue = getattr(kwargs.get("fn"), "concurrency_id", None)
        trace.write(json.dumps(["run", queue, start, time.monotonic()]) + "\n")

route_utils.call_process_api = call_process_api
sys.argv = [app_path]
runpy.run_path(app_path, run_name="__main__")
"""


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of process ``pid`` in MB (from /proc), or None if unknown."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:
        return None


def tiny_model(folder: Path) -> tuple[Path, Path]:
    """The tests' tiny model (2 layers, 32 wide) and thresholds: for trying the script out."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
    from helpers import make_tiny_checkpoint, thresholds_with_rollups

    return make_tiny_checkpoint(folder / "model"), thresholds_with_rollups(folder / "thresholds.json")


def start_server(
    config: LoadTestConfig, model_dir: str | None, thresholds: str | None, log: Path, trace: Path
):
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port)}
    env.pop("EMOTIONS_MODEL_REPO", None)  # the local model: no Hub
    if model_dir:
        env["EMOTIONS_MODEL_DIR"] = str(model_dir)
    if thresholds:
        env["EMOTIONS_THRESHOLDS"] = str(thresholds)
    command = [sys.executable, "-c", PROBE, str(trace), str(ROOT / "app.py")]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + config.start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(1)
    stop(proc)
    raise SystemExit(
        f"app.py did not answer on {url} within {config.start_timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
