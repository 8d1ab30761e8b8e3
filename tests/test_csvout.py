"""The one CSV writer (Batch tab and ``predict --format csv``): no cell runs as a formula."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from emotions.csvout import SafeWriter, safe_cell
from emotions.serve.uploads import write_csv
from emotions.tools.corpus import Row, Writer, result

HOSTILE = [
    '=HYPERLINK("http://evil.example","click me")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
PLAIN = ["I love it", 'she said "hi", then left', "two\nlines", "-0.5", "+3", "", "😀 émoji, ünïcode"]


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_formula_is_written_as_text(cell):
    out = io.StringIO(newline="")
    SafeWriter(out).writerow([cell, 0.25])
    (row,) = read(out.getvalue())
    assert row == ["'" + cell, "0.25"]


def test_real_values_come_back_as_they_were():
    out = io.StringIO(newline="")
    SafeWriter(out).writerows([[cell, 1.5] for cell in PLAIN])
    assert read(out.getvalue()) == [[cell, "1.5"] for cell in PLAIN]
    assert [safe_cell(v) for v in (3, -1.0, None)] == [3, -1.0, None]


def test_the_batch_tab_and_the_cli_guard_every_cell(tmp_path):
    labels = ["joy", "=evil_label"]  # a custom model's label names are cells too
    texts = [*HOSTILE, *PLAIN]
    probs = np.full((len(texts), 2), 0.5, dtype=np.float32)
    batch = write_csv(texts, labels, probs, [["joy"]] * len(texts), folder=tmp_path)
    out = io.StringIO(newline="")
    writer = Writer(out, "csv", labels)
    for i, text in enumerate(texts, 1):
        writer.write(result(Row(i, text), ["joy"], {"joy": 0.5, "=evil_label": 0.5}))
    with batch.open(encoding="utf-8", newline="") as f:
        from_batch = read(f.read())
    for rows in (from_batch, read(out.getvalue())):
        assert rows[0][-1] == "'=evil_label"
        column = rows[0].index("text")
        assert [r[column] for r in rows[1:]] == ["'" + t for t in HOSTILE] + PLAIN
