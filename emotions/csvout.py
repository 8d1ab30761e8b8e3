"""CSV that is safe to open in a spreadsheet: the one writer for the Batch tab and ``predict``.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheet apps skip before reading a formula) is run as a formula by Excel, LibreOffice and
Google Sheets: a visitor's text like ``=HYPERLINK("http://evil", "click")`` would become a
live link in whoever opens the results (CSV injection). Such a cell gets a leading ``'``,
which spreadsheets show as text. Numbers, and strings that are plain numbers (``-0.5``), are
written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will read it as data, never as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)  # "-0.5", "+3": a number, not a formula
        return value
    except ValueError:
        return "'" + value


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
