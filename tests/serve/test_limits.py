"""Oversized and malformed input: bounded time and memory, and a clear message.

Time bounds are loose (the test machine may be busy): they catch work that grows with the
input (seconds to minutes), not a slow CPU. Memory is Python's own allocations (tracemalloc).
"""

from __future__ import annotations

import html
import time
import tracemalloc
from contextlib import contextmanager

import httpx
import pytest
from helpers import CONTROLS, GRADIO_WARNINGS

from emotions.limits import (
    MAX_BODY_BYTES,
    MAX_DOCUMENT_CHARS,
    MAX_ROW_CHARS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    MAX_UPLOAD_BYTES,
)
from emotions.model.views import ThresholdSettings
from emotions.serve import events
from emotions.serve.controls import Controls

pytestmark = GRADIO_WARNINGS
MB_TEXT = "so happy today, thank you! " * (1_000_000 // 27)  # about 1 MB


@contextmanager
def bounded(seconds: float, megabytes: float):
    """Fail if the block takes longer than ``seconds`` or allocates more than ``megabytes``."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes, f"allocated {peak:.0f} MB"


def test_one_megabyte_of_text_is_cut_not_tokenized_whole(app):
    served = app.SERVED
    app.WARMING.join()  # the sentencizer loads at start-up, not in the first request
    with bounded(seconds=10, megabytes=64):
        _, detected, _ = events.analyze(served, MB_TEXT, Controls(*CONTROLS))
    assert f"{len(MB_TEXT):,} characters; only the first {MAX_DOCUMENT_CHARS:,} were read" in detected
    with bounded(seconds=10, megabytes=64):
        (result,) = served.predict([MB_TEXT], ThresholdSettings())
    assert result["truncated"] and len(result["scores"]) == 28
    with bounded(seconds=10, megabytes=64):  # the model itself reads at most MAX_TEXT_CHARS
        probs = served.classifier.predict_proba([MB_TEXT, MB_TEXT])
    assert probs.shape == (2, 28)
    assert (probs == served.classifier.predict_proba([MB_TEXT[:MAX_TEXT_CHARS]] * 2)).all()


def test_one_megabyte_through_the_api(app, client):
    start = time.monotonic()
    assert client.predict(MB_TEXT, api_name="/predict")["truncated"] is True
    out = client.predict([MB_TEXT[:2000]] * MAX_ROWS, api_name="/predict_batch")  # 1 MB in all
    assert len(out) == MAX_ROWS and all(o["truncated"] for o in out)
    assert time.monotonic() - start < 120


def csv_rows(n: int) -> bytes:
    return b"id,text\n" + b"".join(b"%d,hello %d\n" % (i, i) for i in range(n))


UPLOADS = {
    "100k-lines.txt": (b"hello\n" * 100_000, "100000 texts is over the limit of 500"),
    "100k-rows.csv": (csv_rows(100_000)[:MAX_UPLOAD_BYTES], "texts is over the limit of 500"),
    "nested-quotes.csv": (b"text\n" + b'"' * (MAX_UPLOAD_BYTES - 10), "is not valid CSV (field larger than field limit"),
    "doubled-quotes.csv": (b'text\n"' + b'""' * (MAX_UPLOAD_BYTES // 2 - 8) + b'"\n', "is not valid CSV (field larger than field limit"),
    "quote-soup.csv": (b"text\n" + b'"a""b"c"' * 100_000, "is not valid CSV"),
    "only-commas.csv": (b"text\n" + b"," * (MAX_UPLOAD_BYTES - 10), "No texts found"),
    "image.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 100, "looks binary (it has NUL bytes"),
    "zip.txt": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 100, "looks binary"),
    "random.csv": (bytes(range(1, 256)) * 1000, "is not UTF-8 text (byte 127 cannot be decoded)"),
    "utf16-le.csv": ("text\nJ'adore ça\n".encode("utf-16"), "is UTF-16 (or UTF-32) text: save it as UTF-8"),
    "utf16-be.txt": (b"\xfe\xff" + "I love it\n".encode("utf-16-be"), "is UTF-16 (or UTF-32) text"),
    "utf16-no-bom.txt": ("I love it\n".encode("utf-16-le"), "as binary and UTF-16 files do"),
    "latin1.csv": ("text\nJ'adore ça, très\n".encode("latin-1"), "is not UTF-8 text (byte 13 cannot be decoded)"),
    "cp1252.txt": ("“smart quotes” – dash\n".encode("cp1252"), "is not UTF-8 text (byte 0 cannot be decoded)"),
    "too-big.txt": (b"hello\n" * (MAX_UPLOAD_BYTES // 6 + 1), f"over the {MAX_UPLOAD_BYTES:,}-byte limit"),
    "blank.txt": (b" \r\n\t\n" * 1000, "is empty"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(UPLOADS))
def test_hostile_uploads_are_refused_quickly_with_a_clear_message(app, tmp_path, name):
    data, message = UPLOADS[name]
    path = tmp_path / name
    path.write_bytes(data)
    with bounded(seconds=10, megabytes=100):
        scored_batch, status, *_ = events.score_file(app.SERVED, str(path), Controls(*CONTROLS))
    assert scored_batch is None and 'class="emo-notice error" role="alert"' in status
    assert message in html.unescape(status)


def test_one_huge_line_is_scored_cut(app, tmp_path):
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"x" * (MAX_UPLOAD_BYTES - 1))
    with bounded(seconds=10, megabytes=100):
        scored_batch, status, *_ = events.score_file(app.SERVED, str(path), Controls(*CONTROLS))
    assert len(scored_batch["texts"]) == 1 and len(scored_batch["texts"][0]) == MAX_ROW_CHARS
    assert "1 longer than 500 characters were cut" in status


def test_huge_request_bodies_are_refused_before_parsing(app, client):
    huge = b'{"data": ["' + b"x" * (MAX_BODY_BYTES + 1) + b'"], "fn_index": 0, "session_hash": "s"}'

    def streamed():  # no Content-Length: counted as it arrives
        for start in range(0, len(huge), 1_000_000):
            yield huge[start : start + 1_000_000]

    url = client.src
    join = f"{url}gradio_api/queue/join"
    for body in (huge, streamed()):
        response = httpx.post(join, content=body, headers={"content-type": "application/json"}, timeout=60)
        assert response.status_code == 413 and "byte limit" in response.text
    files = {"files": ("big.txt", b"hello\n" * 800_000, "text/plain")}  # 4.8 MB: Gradio's cap, not ours
    assert httpx.post(f"{url}gradio_api/upload", files=files, timeout=60).status_code == 200
    assert client.predict(MB_TEXT, api_name="/predict")["truncated"] is True  # 1 MB of text still fine
