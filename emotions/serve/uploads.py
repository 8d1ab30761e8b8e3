"""Batch scoring for the app: read an uploaded TXT/CSV with limits, and tabulate results.

Uploads are checked before any model call: size, encoding (UTF-8), format, row count.
Every problem raises ``ValueError`` with a message a visitor can act on.
"""

from __future__ import annotations

import csv
import io
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from emotions.csvout import SafeWriter
from emotions.labels import emoji_for
from emotions.limits import MAX_ROW_CHARS, MAX_ROWS, MAX_UPLOAD_BYTES
from emotions.model.outputs import strongest_first

logger = logging.getLogger(__name__)
SUFFIXES = (".txt", ".csv")
EXPORTS = Path(tempfile.gettempdir()) / "emotions-batch"  # CSV downloads, pruned after 10 minutes
# Gradio copies a returned file into its own cache (which app.py clears within the hour) as the
# event ends, so our copy is only needed for seconds; keep_pruning() deletes it even when no one
# uploads again.
KEEP_SECONDS = 600
PRUNE_EVERY = 300


def clip_text(text: str, max_chars: int = MAX_ROW_CHARS) -> tuple[str, bool]:
    """``text`` cut to ``max_chars`` characters, and whether it was cut."""
    return (text[:max_chars], True) if len(text) > max_chars else (text, False)


def check_rows(n: int, max_rows: int = MAX_ROWS, fix: str = "split the file and upload the parts") -> None:
    """``n`` texts are at most ``max_rows``: else a ``ValueError`` ending with ``fix`` (each way
    in says what its caller does: a file is split, an API call is sent in parts)."""
    if n == 0:
        raise ValueError("No texts found: the file has no non-empty lines (or rows in its 'text' column).")
    if n > max_rows:
        raise ValueError(f"{n} texts is over the limit of {max_rows}: {fix}.")


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise ValueError(f"{name} is empty: upload a file with one text per line, or a 'text' column.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (and UTF-32) byte-order marks
        raise ValueError(f"{name} is UTF-16 (or UTF-32) text: save it as UTF-8 and retry.")
    if b"\x00" in data:
        raise ValueError(
            f"{name} looks binary (it has NUL bytes, as binary and UTF-16 files do): upload a plain UTF-8 .txt or .csv file."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{name} is not UTF-8 text (byte {err.start} cannot be decoded): save it as UTF-8 and retry."
        ) from None


def _csv_texts(content: str, name: str) -> list[str]:
    try:
        reader = csv.reader(io.StringIO(content, newline=""), strict=True)
        rows = list(reader)
    except csv.Error as err:
        raise ValueError(f"{name} is not valid CSV ({err}): check its quoting, or upload .txt.") from None
    if not rows:
        raise ValueError(f"{name} has no header row: the first row must name a 'text' column.")
    header = [h.strip().lower() for h in rows[0]]
    if "text" not in header:
        shown = ", ".join(repr(h) for h in rows[0][:8]) or "none"
        raise ValueError(f"{name} has no 'text' column (columns: {shown}): add a header row naming it.")
    col = header.index("text")
    return [row[col] for row in rows[1:] if len(row) > col and row[col].strip()]


def parse_upload(
    path: str | Path | None, max_rows: int = MAX_ROWS, max_bytes: int = MAX_UPLOAD_BYTES
) -> list[str]:
    """Texts from an uploaded ``.txt`` (one per line) or ``.csv`` (a ``text`` column)."""
    if path is None:
        raise ValueError("No file uploaded: choose a .txt or .csv file first.")
    path = Path(path)
    name = path.name
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"{name}: unsupported file type {path.suffix or '(none)'}; upload .txt or .csv.")
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(
            f"{name} is {size:,} bytes, over the {max_bytes:,}-byte limit: upload a smaller file."
        )
    content = _decode(path.read_bytes(), name)
    if path.suffix.lower() == ".csv":
        texts = _csv_texts(content, name)
    else:
        texts = [line for line in content.splitlines() if line.strip()]
    check_rows(len(texts), max_rows)
    return texts


def detected_names(names: Sequence[str], probs: np.ndarray, passed: np.ndarray) -> list[list[str]]:
    """For each text, the names that pass, strongest first."""
    return [[names[i] for i in strongest_first(p, mask)] for p, mask in zip(probs, passed)]


def results_table(texts: Sequence[str], detected: list[list[str]], preview: int = 120) -> list[list]:
    """Rows for the page's table: text (shortened), detected emotions."""
    rows = []
    for text, found in zip(texts, detected):
        shown = text if len(text) <= preview else text[: preview - 1] + "…"
        rows.append([shown, ", ".join(f"{emoji_for(n)} {n}" for n in found) or "—"])
    return rows


def detection_counts(names: Sequence[str], passed: np.ndarray) -> list[tuple[str, int]]:
    """How many texts each name was detected in, most frequent first (zeros left out)."""
    counts = np.asarray(passed).sum(axis=0)
    order = np.argsort(-counts, kind="stable")
    return [(names[i], int(counts[i])) for i in order if counts[i] > 0]


def write_csv(
    texts: Sequence[str],
    labels: Sequence[str],
    probs: np.ndarray,
    detected: list[list[str]],
    folder: str | Path | None = None,
) -> Path:
    """Every text, what was detected, and every label's probability, as UTF-8 CSV."""
    if folder is None:
        prune(EXPORTS)
        EXPORTS.mkdir(parents=True, exist_ok=True)
        folder = tempfile.mkdtemp(dir=EXPORTS)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "emotions.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = SafeWriter(f)
        writer.writerow(["text", "detected", *labels])
        for text, found, row in zip(texts, detected, probs):
            writer.writerow([text, ";".join(found), *(f"{p:.4f}" for p in row)])
    return path


def prune(folder: Path, keep_seconds: float = KEEP_SECONDS) -> None:
    """Delete export folders older than ``keep_seconds`` (results are not kept)."""
    if not folder.is_dir():
        return
    cutoff = time.time() - keep_seconds
    for old in folder.iterdir():
        if old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)


class Pruner(threading.Thread):
    """A daemon thread pruning a folder every ``every`` seconds until :meth:`stop`."""

    def __init__(self, folder: Path, every: float, keep_seconds: float):
        super().__init__(name="prune-exports", daemon=True)
        self.folder, self.every, self.keep_seconds = folder, every, keep_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                prune(self.folder, self.keep_seconds)
            except OSError as err:  # a vanished folder or file: try again next time
                logger.warning("Could not prune %s (%s).", self.folder, type(err).__name__)

    def stop(self) -> None:
        self.stopped.set()


_PRUNERS: dict[Path, Pruner] = {}  # one per folder, however many times the app launches


def keep_pruning(
    folder: Path = EXPORTS, every: float = PRUNE_EVERY, keep_seconds: float = KEEP_SECONDS
) -> Pruner:
    """Prune ``folder`` every ``every`` seconds in a daemon thread (one per folder: a second call
    returns the running one); ``stop()`` ends it."""
    running = _PRUNERS.get(folder)
    if running is not None and running.is_alive() and not running.stopped.is_set():
        return running
    _PRUNERS[folder] = Pruner(folder, every, keep_seconds)
    _PRUNERS[folder].start()
    return _PRUNERS[folder]


def discard_upload(path: str | Path | None, upload_dir: str | Path) -> bool:
    """Delete an uploaded file once it has been read, if it lies in ``upload_dir``.

    Gradio keeps each upload in ``<upload_dir>/<content hash>/<name>``; the empty hash folder
    goes too. Anything outside ``upload_dir`` is left alone. Returns whether a file was deleted.
    """
    if path is None:
        return False
    path, root = Path(path).resolve(), Path(upload_dir).resolve()
    if root not in path.parents or not path.is_file():
        return False
    path.unlink(missing_ok=True)
    if path.parent != root:
        try:
            path.parent.rmdir()  # only if empty
        except OSError:
            pass
    return True
