"""Upload parsing with limits, and the batch table, counts and CSV."""

from __future__ import annotations

import csv
import os
import time

import numpy as np
import pytest

from emotions.serve.uploads import (
    MAX_ROW_CHARS,
    clip_text,
    detected_names,
    detection_counts,
    parse_upload,
    prune,
    results_table,
    write_csv,
)


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_txt_one_text_per_line_blank_lines_skipped(tmp_path):
    path = write(tmp_path, "t.TXT", "first\r\n\n  \nsecond 😀\nשלום\n")
    assert parse_upload(path) == ["first", "second 😀", "שלום"]


def test_csv_text_column_any_case_with_bom_and_quotes(tmp_path):
    path = write(tmp_path, "t.csv", '\ufeffid,Text\n1,"a, quoted\nline"\n2,\n3,plain\n4\n')
    assert parse_upload(path) == ["a, quoted\nline", "plain"]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("e.txt", b"", "is empty"),
        ("e.csv", b"  \n\n", "is empty"),
        ("w.txt", "d\xe9j\xe0 vu".encode("cp1252"), "not UTF-8"),
        ("bin.txt", b"ab\x00cd", "looks binary"),
        ("x.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("noext", b"hello", "unsupported file type"),
        ("h.csv", b"name,value\nx,1\n", "no 'text' column"),
        ("q.csv", b'text\n"open quote\n', "not valid CSV"),
        ("blank.csv", b"text\n\n ,\n", "No texts found"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path, name, data, message):
    with pytest.raises(ValueError, match=message):
        parse_upload(write(tmp_path, name, data))


def test_limits(tmp_path):
    with pytest.raises(ValueError, match="over the limit of 3"):
        parse_upload(write(tmp_path, "many.txt", "a\nb\nc\nd\n"), max_rows=3)
    with pytest.raises(ValueError, match="over the 10-byte limit"):
        parse_upload(write(tmp_path, "big.txt", "x" * 11), max_bytes=10)
    with pytest.raises(ValueError, match="No file uploaded"):
        parse_upload(None)


def test_clip_text():
    assert clip_text("short") == ("short", False)
    text, cut = clip_text("x" * (MAX_ROW_CHARS + 5))
    assert cut and len(text) == MAX_ROW_CHARS


def test_table_counts_and_csv(tmp_path):
    names = ["joy", "anger", "fear"]
    probs = np.array([[0.9, 0.6, 0.1], [0.2, 0.1, 0.05]], dtype=np.float32)
    passed = probs >= 0.5
    found = detected_names(names, probs, passed)
    assert found == [["joy", "anger"], []]
    table = results_table(["<b>hi</b>", "y" * 200], found)
    assert table[0][0] == "<b>hi</b>" and "joy" in table[0][1] and table[1][1] == "—"
    assert len(table[1][0]) == 120 and table[1][0].endswith("…")
    assert detection_counts(names, passed) == [("joy", 1), ("anger", 1)]
    path = write_csv(["=cmd()", "fine, with comma"], names, probs, found, tmp_path)
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["text", "detected", *names]
    assert rows[1] == ["'=cmd()", "joy;anger", "0.9000", "0.6000", "0.1000"]  # no formula injection
    assert rows[2][0] == "fine, with comma" and rows[2][1] == ""


def test_prune_deletes_only_old_exports(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
        (folder / "emotions.csv").write_text("x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    prune(tmp_path, keep_seconds=3600)
    assert not old.exists() and new.exists()
    prune(tmp_path / "missing")  # nothing to do, no error
