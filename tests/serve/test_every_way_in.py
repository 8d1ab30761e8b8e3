"""Every way into the served app, with every malformed shape: a clear answer, and nothing of
the request in the server's output.

One app runs as ``python app.py`` does, its stdout and stderr in a file. Each case sends a
request carrying a marker of its own, checks that the answer names what is wrong, then (once
the server has logged a line asked for after the request) that the marker appears nowhere in
the server's output and that no traceback was printed.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from helpers import GRADIO_WARNINGS, PLAIN_HTTP_DEFAULTS, running_app_py

pytestmark = GRADIO_WARNINGS
MARK = "qmarker"
SCORED = "Scored one text"  # what the server logs for a text read on the page (no text in it)
_ids = itertools.count()


def marker() -> str:
    return f"{MARK}{next(_ids)}z"


@pytest.fixture(scope="module")
def server(tiny_model_dir, app_thresholds, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("every-way-in")
    log = tmp / "server.log"
    env = {
        "EMOTIONS_MODEL_DIR": str(tiny_model_dir),
        "EMOTIONS_THRESHOLDS": str(app_thresholds),
        "GRADIO_TEMP_DIR": str(tmp / "gradio"),
    }
    with running_app_py(log, **env) as url:
        yield url, log


def answer(url: str, method: str, path: str, **kwargs) -> str:
    """Status and body of the answer; for a queued call, the events its stream sends too."""
    with httpx.Client(base_url=url + "gradio_api", timeout=60) as http:
        response = http.request(method, path, **kwargs)
        text = f"{response.status_code} {response.text}"
        if response.status_code == 200 and path.startswith("/call/") and "event_id" in response.text:
            name = path.removeprefix("/call/").removeprefix("v2/")
            text += " " + http.get(f"/call/{name}/{response.json()['event_id']}").text
        if response.status_code == 200 and path == "/queue/join":  # the answer comes on the queue's stream
            session = json.loads(kwargs["content"])["session_hash"]
            text += " " + http.get("/queue/data", params={"session_hash": session}).text
    return text


def json_body(data) -> dict:
    return {"content": json.dumps(data).encode(), "headers": {"content-type": "application/json"}}


# (name, method, path, request(marker) -> httpx kwargs, what the answer must say)
CASES = [
    ("v1 only the text", "POST", "/call/predict", lambda m: json_body({"data": [m]}), "takes 5 values in this order: text, mode"),
    ("v1 too many values", "POST", "/call/predict", lambda m: json_body({"data": [m, *PLAIN_HTTP_DEFAULTS, m, m]}), "it got 7"),
    ("v1 text of the wrong type", "POST", "/call/predict", lambda m: json_body({"data": [{"t": m}, *PLAIN_HTTP_DEFAULTS]}), "text must be a text (str), not dict"),
    ("v1 threshold of the wrong type", "POST", "/call/predict", lambda m: json_body({"data": ["hi", "global", m, 0.0, "emotions"]}), "global_threshold must be a number, not str"),
    ("v1 unknown view", "POST", "/call/predict", lambda m: json_body({"data": ["hi", "calibrated", 0.5, 0.0, m]}), "view must be one of"),
    ("v1 nested junk", "POST", "/call/predict", lambda m: json_body({"data": [[[[m]]], {"a": [m]}, None, None, None]}), "text must be a text (str), not list"),
    ("v1 null", "POST", "/call/predict", lambda m: json_body({"data": None, "x": m}), "Malformed request (data: Input should be a valid list)"),
    ("v1 batch only the texts", "POST", "/call/predict_batch", lambda m: json_body({"data": [[m, m]]}), "takes 5 values in this order: texts"),
    ("v1 batch of non-texts", "POST", "/call/predict_batch", lambda m: json_body({"data": [[m, 3], *PLAIN_HTTP_DEFAULTS]}), "texts[1] must be a text (str), not int"),
    ("v1 a huge array", "POST", "/call/predict_batch", lambda m: json_body({"data": [[m] * 20_000, *PLAIN_HTTP_DEFAULTS]}), "over the limit of 500"),
    ("v1 explain only the text", "POST", "/call/explain", lambda m: json_body({"data": [m]}), "takes 3 values in this order: text, emotion, view"),
    ("v1 explain unknown emotion", "POST", "/call/explain", lambda m: json_body({"data": ["hi", m, "emotions"]}), "is not in the 'emotions' view"),
    ("v2 an unknown argument", "POST", "/call/v2/predict", lambda m: json_body({"text": "hi", m: 1}), "Unknown or missing argument for /predict"),
    ("v2 no text", "POST", "/call/v2/predict", lambda m: json_body({"mode": "global"}), "Unknown or missing argument for /predict"),
    ("v2 text of the wrong type", "POST", "/call/v2/predict", lambda m: json_body({"text": [m]}), "text must be a text (str), not list"),
    ("direct run, too few", "POST", "/run/predict", lambda m: json_body({"data": [m]}), "takes 5 values"),
    ("queue join, too few", "POST", "/queue/join", lambda m: json_body({"data": [m], "fn_index": 0, "session_hash": m}), "This event takes 0 values; it got 1. Reload the page and try again."),
    ("not JSON", "POST", "/call/predict", lambda m: {"content": f'{{"data": ["{m}"'.encode(), "headers": {"content-type": "application/json"}}, "the body is not valid JSON"),
    ("invalid UTF-8", "POST", "/call/predict", lambda m: {"content": b'{"data": ["\xff\xfe' + m.encode() + b'"]}', "headers": {"content-type": "application/json"}}, "must be JSON encoded as UTF-8"),
    ("a form instead of JSON", "POST", "/call/predict", lambda m: {"content": f"data={m}".encode(), "headers": {"content-type": "application/x-www-form-urlencoded"}}, "Malformed request"),
    ("upload", "POST", "/upload", lambda m: {"files": {"files": (f"{m}.txt", f"{m} hello".encode())}}, ".txt\"]"),
    ("upload, broken multipart", "POST", "/upload", lambda m: {"content": b"--xx\r\nContent-Disposition: form-data; name=files; filename=" + m.encode() + b"\r\n\r\n" + m.encode(), "headers": {"content-type": "multipart/form-data; boundary=xx"}}, "200 []"),
    ("upload, not multipart", "POST", "/upload", lambda m: json_body({"files": m}), "Invalid content type"),
    ("file route", "GET", None, lambda m: {}, "File not allowed"),
]  # fmt: skip


def assert_not_logged(url: str, log: Path, mark: str) -> None:
    """The server logs one line per text read on the page; one more, asked for after the
    request, means every line the request made is in the file, however slow the server is."""
    scored = log.read_text(errors="replace").count(SCORED)
    analyze = next(d["id"] for d in httpx.get(f"{url}config", timeout=30).json()["dependencies"] if d["api_name"] == "analyze")  # fmt: skip
    session = f"flush{next(_ids)}"
    data = {
        "data": ["I love it", "emotions", "per_class", 0.5, 0.0, {}],
        "fn_index": analyze,
        "session_hash": session,
    }
    httpx.post(f"{url}gradio_api/queue/join", json=data, timeout=30).raise_for_status()
    stream = httpx.get(f"{url}gradio_api/queue/data", params={"session_hash": session}, timeout=60).text
    assert "process_completed" in stream, stream
    deadline = time.monotonic() + 60
    while (text := log.read_text(errors="replace")).count(SCORED) <= scored:
        assert time.monotonic() < deadline, f"the server never logged its marker:\n{text[-2000:]}"
        time.sleep(0.05)
    assert mark not in text, f"{mark} reached the server's output"
    assert "Traceback" not in text


@pytest.mark.parametrize("name, method, path, request_for, says", CASES, ids=[c[0] for c in CASES])
def test_every_malformed_request_is_answered_clearly_and_not_logged(
    server, name, method, path, request_for, says
):
    url, log = server
    mark = marker()
    if path is None:  # a file route, asking for a file named by the marker
        path = f"/file=/tmp/{mark}.txt"
    got = answer(url, method, path, **request_for(mark))
    assert says in got.replace('\\"', '"'), got[:500]
    assert_not_logged(url, log, mark)


def test_gradio_client_calls_through_the_queue_are_checked_too(server):
    url, log = server
    mark = marker()
    client = Client(url, verbose=False)
    assert client.predict(f"I love it {mark}", api_name="/predict")["scores"]  # defaults filled in
    with pytest.raises(AppError, match=r"text must be a text \(str\), not dict"):
        client.predict({"t": mark}, api_name="/predict")
    with pytest.raises(AppError, match=r"sensitivity must be a number"):
        client.predict(mark, "calibrated", 0.5, mark, api_name="/predict")
    assert_not_logged(url, log, mark)


def test_mcp_tool_calls_are_checked_and_not_logged(server):
    import asyncio

    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    url, log = server
    mark = marker()

    async def calls() -> list[str]:
        async with streamable_http_client(url + "gradio_api/mcp/") as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                good = await session.call_tool("predict", {"text": f"I love it {mark}"})
                bad = await session.call_tool("predict", {"text": {"t": mark}})
                return [c.text for r in (good, bad) for c in r.content]

    good, bad = asyncio.run(calls())
    assert "scores" in good and "is not of type 'string'" in bad  # the MCP SDK checks the schema first
    assert_not_logged(url, log, mark)
