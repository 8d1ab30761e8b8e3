"""Files of texts, streamed: read TXT / CSV / JSON lines a row at a time, write results as they
come, and resume an interrupted run from what its output already holds.

Every input row gives one output row, in input order, numbered (``row``, 1-based, data rows
only): a blank or unreadable row gets an empty result and an ``error`` saying why, never a
shifted line. CSV and JSON-lines inputs carry their other columns (fields) through to the
output. Nothing here holds more than one row; memory stays flat whatever the file's size.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from emotions.csvout import SafeWriter

SUFFIXES = (".txt", ".csv", ".tsv", ".jsonl", ".json")
RESULT_KEYS = ("row", "text", "labels", "scores", "error")


@dataclass
class Row:
    number: int  # 1-based, data rows only (a CSV header is not a row)
    text: str
    extra: dict[str, Any] = field(default_factory=dict)  # the input's other columns
    error: str | None = None  # why the row is not scored (blank, unreadable)


class _Lines:
    """A binary file's lines decoded one at a time (UTF-8, a BOM skipped); a line that does not
    decode is replaced and remembered, so only its row is marked unreadable."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.bad, self.read = f, False, 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.f:
            self.read += 1
            if self.read == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.bad = True
                yield raw.decode("utf-8", errors="replace")


def input_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: unknown file type {suffix or '(none)'}; use one of {', '.join(SUFFIXES)}.")
    return {".json": "jsonl", ".tsv": "csv"}.get(suffix, suffix[1:])


def read_rows(path: Path, text_column: str = "text") -> Iterator[Row]:
    """The rows of a TXT (a text a line), CSV/TSV (a ``text_column``) or JSON-lines file."""
    if not path.is_file():
        raise FileNotFoundError(f"Input file not found: {path}.")
    kind = input_format(path)
    with path.open("rb") as f:
        lines = _Lines(f)
        if kind == "txt":
            yield from _txt_rows(lines)
        elif kind == "jsonl":
            yield from _jsonl_rows(lines, text_column)
        else:
            yield from _csv_rows(lines, path, text_column, "\t" if path.suffix.lower() == ".tsv" else ",")


def text_rows(texts: Iterable[str]) -> Iterator[Row]:
    """Texts given as arguments or on stdin (a text a line) as rows."""
    for number, text in enumerate(texts, 1):
        yield _checked(Row(number, text.rstrip("\r\n")))


def _checked(row: Row) -> Row:
    if row.error is None and not row.text.strip():
        row.error = "blank text: not scored"
    return row


def _unreadable(lines: _Lines) -> str | None:
    if lines.bad:
        lines.bad = False
        return "unreadable: not UTF-8 text"
    return None


def _txt_rows(lines: _Lines) -> Iterator[Row]:
    for number, line in enumerate(lines, 1):
        yield _checked(Row(number, line.rstrip("\r\n"), error=_unreadable(lines)))


def _jsonl_rows(lines: _Lines, text_column: str) -> Iterator[Row]:
    for number, line in enumerate(lines, 1):
        error = _unreadable(lines)
        try:
            data = json.loads(line) if line.strip() else {}
        except ValueError:
            data, error = {}, error or f"unreadable: line {number} is not JSON"
        if not isinstance(data, dict):
            data, error = {}, error or f"unreadable: line {number} is not a JSON object"
        text = data.pop(text_column, "")
        if not isinstance(text, str):
            text, error = "", error or f"unreadable: {text_column!r} is not a string"
        yield _checked(Row(number, text, data, error))


def _csv_rows(lines: _Lines, path: Path, text_column: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(iter(lines), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as err:
        raise ValueError(f"{path}: the header row is not valid CSV ({err}).") from None
    if text_column not in header:
        raise ValueError(f"{path}: no {text_column!r} column (found {header}); pass --text-column NAME.")
    at = header.index(text_column)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            number += 1
            yield Row(number, "", error=f"unreadable: not valid CSV ({err})")
            continue
        number += 1
        error = _unreadable(lines)
        if len(cells) != len(header) and cells:
            error = error or f"unreadable: {len(cells)} cells where the header has {len(header)}"
        extra = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if i != at}
        yield _checked(Row(number, cells[at] if at < len(cells) else "", extra, error))


# ---- writing ---------------------------------------------------------------------------------


def result(row: Row, labels: list[str], scores: dict[str, float]) -> dict[str, Any]:
    """One output record: the row's number, its carried columns, text, labels, scores."""
    extra = {(f"input_{k}" if k in RESULT_KEYS else k): v for k, v in row.extra.items()}
    out = {"row": row.number, **extra, "text": row.text, "labels": labels, "scores": scores}
    return {**out, "error": row.error} if row.error else out


class Writer:
    """Writes results as JSON lines or CSV (every cell guarded against formulas)."""

    def __init__(self, out: TextIO, fmt: str, labels: list[str], header: bool = True) -> None:
        self.out, self.fmt, self.labels, self.header, self.csv = out, fmt, labels, header, None

    def write(self, record: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        extra = [k for k in record if k not in RESULT_KEYS]
        if self.csv is None:
            self.csv = SafeWriter(self.out)
            if self.header:
                self.csv.writerow(["row", *extra, "text", "labels", "error", *self.labels])
        scores = record["scores"]
        cells = [record["row"], *(record[k] for k in extra), record["text"], ";".join(record["labels"])]
        self.csv.writerow([*cells, record.get("error", ""), *(scores.get(n, "") for n in self.labels)])


def resume_point(path: Path, fmt: str) -> int:
    """How many rows a previous run's output already holds; a last row cut short by the
    interruption is removed from the file, so the run goes on from the row after it."""
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    done, keep = 0, 0
    with path.open("rb") as f:
        if fmt == "jsonl":
            offset = 0
            for raw in f:
                complete = raw.endswith(b"\n")
                try:
                    json.loads(raw)
                except ValueError:
                    complete = False
                if not complete:
                    break
                offset += len(raw)
                done, keep = done + 1, offset
        else:
            counter = _Counting(f)
            rows = enumerate(csv.reader(counter, strict=True))  # a row cut inside quotes: csv.Error
            try:
                for i, _ in rows:
                    if not counter.whole:
                        break
                    done, keep = i, counter.offset  # row 0 is the header
            except csv.Error:
                pass
    if keep != path.stat().st_size:
        with path.open("r+b") as f:
            f.truncate(keep)
            os.fsync(f.fileno())
    return done


class _Counting:
    """Lines of a binary file for ``csv.reader``, tracking the bytes consumed so far and
    whether the last line was whole (ended with a newline)."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.offset, self.whole = f, 0, True

    def __iter__(self) -> Iterator[str]:
        for raw in self.f:
            self.offset += len(raw)
            self.whole = raw.endswith(b"\n")
            yield raw.decode("utf-8", errors="replace")
