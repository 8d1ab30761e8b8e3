"""How far to trust each emotion: its test F1 and support, from the evaluation report.

The contract is ``per_class.csv`` as ``python -m emotions evaluate`` writes it (columns
``thresholds, label, precision, recall, f1, support``); the rows whose ``thresholds`` is
``per-class`` are scored at the calibrated thresholds the app uses. The app reads
``<model_dir>/per_class.csv``, published beside the weights, because a Space gets the
model repo and not ``reports/``. No file: no reliability shown, and the app still runs.
"""

from __future__ import annotations

import csv
import logging
import math
from pathlib import Path
from typing import NamedTuple

logger = logging.getLogger(__name__)
RELIABILITY_FILE = "per_class.csv"
SETTING = "per-class"  # the report's rows for the calibrated thresholds
COLUMNS = ("thresholds", "label", "f1", "support")
LOW_F1 = 0.3  # below this test F1, or ...
LOW_SUPPORT = 30  # ... with fewer test examples than this, an emotion is marked as shaky


class Reliability(NamedTuple):
    f1: float  # test F1 at the calibrated threshold
    support: int  # test texts with this emotion

    @property
    def low(self) -> bool:
        return self.f1 < LOW_F1 or self.support < LOW_SUPPORT

    def describe(self) -> str:
        return f"test F1 {self.f1:.2f} · n={self.support}"


def _row(row: dict, where: str) -> Reliability:
    try:
        f1, support = float(row["f1"]), float(row["support"])
    except (TypeError, ValueError):
        raise ValueError(
            f"{where}: f1={row['f1']!r} and support={row['support']!r} must be numbers."
        ) from None
    if not (math.isfinite(f1) and 0 <= f1 <= 1) or not (support >= 0 and support == int(support)):
        raise ValueError(f"{where}: f1={f1} must lie in [0, 1] and support={support} be a count.")
    return Reliability(f1, int(support))


def load_reliability(path: str | Path) -> dict[str, Reliability]:
    """Test F1 and support per label from a ``per_class.csv`` report (``per-class`` rows).

    Raises ``FileNotFoundError`` when the file is missing and ``ValueError`` naming the
    problem when it is not such a report.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No evaluation report at {path}: run `python -m emotions evaluate`.")
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path} has no {', '.join(missing)} column: not a per_class.csv report.")
            rows = [(i, r) for i, r in enumerate(reader, start=2) if r["thresholds"] == SETTING]
    except (UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"{path} is not a readable CSV report ({err}).") from None
    if not rows:
        raise ValueError(f"{path} has no rows with thresholds={SETTING!r}: re-run the evaluation.")
    found: dict[str, Reliability] = {}
    for line, row in rows:
        label = (row["label"] or "").strip()
        if not label or label in found:
            raise ValueError(f"{path}, line {line}: label {label!r} is empty or repeated.")
        found[label] = _row(row, f"{path}, line {line}")
    return found


def find_reliability(model_dir: str | Path, labels: list[str] | None = None) -> dict[str, Reliability]:
    """For serving: ``<model_dir>/per_class.csv`` read once, or ``{}`` (logged) if unusable."""
    path = Path(model_dir) / RELIABILITY_FILE
    try:
        found = load_reliability(path)
    except FileNotFoundError:
        logger.info("No %s beside the model: per-emotion test F1 is not shown.", RELIABILITY_FILE)
        return {}
    except (ValueError, OSError) as err:
        logger.warning("Ignoring %s (%s): per-emotion test F1 is not shown.", path, err)
        return {}
    unknown = sorted(set(found) - set(labels or found))
    if unknown:
        logger.warning("%s scores labels the model does not have (%s); ignored.", path, ", ".join(unknown))
    return {name: value for name, value in found.items() if name not in unknown}
