"""The thresholds file beside a model: save, load, validate, and clear errors for bad ones."""

import json
import math

import numpy as np
import pytest

from emotions.labels import LABELS
from emotions.model.thresholds import load_thresholds, save_thresholds, validate_thresholds


def test_save_then_load_round_trips(tmp_path):
    values = np.linspace(0.1, 0.9, len(LABELS))
    path = save_thresholds(tmp_path / "t.json", LABELS, values, values)
    data = json.loads(path.read_text())
    assert data["split"] == "dev" and set(data["dev_f1"]) == set(LABELS)
    assert load_thresholds(path, LABELS) == pytest.approx(dict(zip(LABELS, values.round(4))))


def _good():
    return {name: 0.5 for name in LABELS}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.pop("grief"), r"missing: \['grief'\]"),
        (lambda t: t.update(glee=0.5), r"unknown: \['glee'\]"),
        (lambda t: t.update(joy=math.nan), "threshold for 'joy' is nan, not a number"),
        (lambda t: t.update(joy=1.0), r"threshold for 'joy' is 1.0, outside \(0, 1\)"),
        (lambda t: t.update(joy=0), r"outside \(0, 1\)"),
        (lambda t: t.update(joy="high"), "not a number"),
    ],
)
def test_bad_thresholds_are_clear_errors(change, message):
    thresholds = _good()
    change(thresholds)
    with pytest.raises(ValueError, match=message):
        validate_thresholds(thresholds, LABELS, "thresholds.json")


def test_bad_files_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Run `python -m emotions calibrate`"):
        load_thresholds(tmp_path / "nope.json", LABELS)
    (tmp_path / "broken.json").write_text('{"thresholds": {')
    with pytest.raises(ValueError, match="not valid JSON"):
        load_thresholds(tmp_path / "broken.json", LABELS)
    (tmp_path / "list.json").write_text("[0.5]")
    with pytest.raises(ValueError, match="'thresholds' key"):
        load_thresholds(tmp_path / "list.json", LABELS)
