"""Threshold math for the app: modes, sensitivity, overrides, roll-up views."""

from __future__ import annotations

import numpy as np
import pytest

from emotions.labels import LABELS, VIEWS
from emotions.model.views import ThresholdSettings, ViewThresholds, detected_matrix, score_rows, shift

LABEL_T = {n: 0.3 + 0.01 * i for i, n in enumerate(LABELS)}
ROLLUPS = {v: {"thresholds": {g: 0.4 for g in VIEWS[v]}} for v in ("ekman", "sentiment")}


@pytest.fixture
def calibration() -> ViewThresholds:
    return ViewThresholds(LABEL_T, ROLLUPS)


def probs(**named: float) -> np.ndarray:
    out = np.full(len(LABELS), 0.01, dtype=np.float32)
    for name, value in named.items():
        out[LABELS.index(name)] = value
    return out


def test_shift_moves_every_threshold_in_log_odds():
    assert shift(np.array([0.5]), 1.0)[0] == pytest.approx(0.2689, abs=1e-4)
    assert shift(np.array([0.5]), -1.0)[0] == pytest.approx(0.7311, abs=1e-4)
    np.testing.assert_allclose(shift(np.array([0.2, 0.7]), 0.0), [0.2, 0.7])
    assert shift(np.array([0.999]), -2.0)[0] <= 0.99  # stays inside (0, 1)


def test_calibrated_rows_use_each_labels_threshold(calibration):
    rows = score_rows(probs(joy=0.9, anger=0.31), "emotions", calibration, ThresholdSettings())
    assert [r.name for r in rows][:2] == ["joy", "anger"]  # strongest first
    by_name = {r.name: r for r in rows}
    assert by_name["joy"].passed and by_name["joy"].threshold == pytest.approx(LABEL_T["joy"])
    assert not by_name["anger"].passed  # 0.31 < 0.32
    assert sum(r.passed for r in rows) == 1


def test_global_mode_ignores_overrides_and_sensitivity(calibration):
    settings = ThresholdSettings("global", 0.3, 2.0, {"emotions:joy": 0.95})
    rows = {r.name: r for r in score_rows(probs(joy=0.9, anger=0.31), "emotions", calibration, settings)}
    assert {n for n, r in rows.items() if r.passed} == {"joy", "anger"}
    assert all(r.threshold == 0.3 and not r.overridden for r in rows.values())


def test_sensitivity_and_override(calibration):
    p = probs(joy=0.9, anger=0.31)
    keen = {r.name: r for r in score_rows(p, "emotions", calibration, ThresholdSettings(sensitivity=1.0))}
    assert keen["anger"].passed and keen["anger"].threshold < LABEL_T["anger"]
    settings = ThresholdSettings(overrides={"emotions:joy": 0.95, "ekman:joy": 0.1})
    rows = {r.name: r for r in score_rows(p, "emotions", calibration, settings)}
    assert not rows["joy"].passed and rows["joy"].overridden and rows["joy"].threshold == 0.95


def test_rolled_up_views_use_group_thresholds(calibration):
    p = probs(joy=0.9, anger=0.2, curiosity=0.5)
    rows = {r.name: r for r in score_rows(p, "ekman", calibration, ThresholdSettings())}
    assert set(rows) == set(VIEWS["ekman"])
    assert rows["joy"].prob == pytest.approx(0.9) and rows["joy"].passed
    assert rows["surprise"].prob == pytest.approx(0.5) and rows["surprise"].passed
    assert not rows["anger"].passed and rows["anger"].threshold == 0.4
    sentiment = {r.name for r in score_rows(p, "sentiment", calibration, ThresholdSettings()) if r.passed}
    assert sentiment == {"positive", "ambiguous"}


def test_missing_rollups_fall_back_to_member_means():
    calibration = ViewThresholds(LABEL_T)
    expected = np.mean([LABEL_T[m] for m in VIEWS["ekman"]["fear"]])
    assert calibration.calibrated("ekman", "fear") == pytest.approx(expected)
    assert calibration.calibrated("sentiment", "neutral") == pytest.approx(LABEL_T["neutral"])


@pytest.mark.parametrize(
    "rollups, message",
    [
        ({"ekman": {"thresholds": {"joy": 0.5}}}, "do not match"),
        ({"ekman": {"cut": 1}}, "no 'thresholds'"),
        (["ekman"], "object keyed by view"),
    ],
)
def test_bad_rollups_are_named(rollups, message):
    with pytest.raises(ValueError, match=message):
        ViewThresholds(LABEL_T, rollups, source="thresholds/thresholds.json")


def test_detected_matrix_for_many_texts(calibration):
    many = np.stack([probs(joy=0.9), probs(anger=0.95, fear=0.99)])
    names, values, passed = detected_matrix(many, "emotions", calibration, ThresholdSettings())
    assert names == list(LABELS) and values.shape == passed.shape == (2, len(LABELS))
    assert [names[i] for i in np.flatnonzero(passed[1])] == ["anger", "fear"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"mode": "loose"}, "mode"),
        ({"global_threshold": 0.0}, "global_threshold"),
        ({"sensitivity": 5}, "sensitivity"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ThresholdSettings(**kwargs)


def test_unknown_view(calibration):
    with pytest.raises(ValueError, match="view='plutchik'"):
        score_rows(probs(), "plutchik", calibration, ThresholdSettings())
