"""Calibration maps: strictly increasing (the same detections), fitted to lower ECE, checked on load."""

from __future__ import annotations

import json
import logging
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from emotions.model.calibration_maps import MAPS_FILE, CalibrationMaps, maps_for
from emotions.model.inference import EmotionClassifier
from emotions.model.outputs import detected
from emotions.train.probabilities import MIN_POSITIVES, calibration_report, ece, fit_platt

LABELS = ("a", "b", "c")
unit = st.floats(0.0, 1.0, width=32)


@settings(max_examples=200, deadline=None)
@given(
    scores=arrays(np.float32, (40, 3), elements=unit),
    raw_t=arrays(np.float64, 3, elements=st.floats(0.01, 0.99)),
    slope=arrays(np.float64, 3, elements=st.floats(0.05, 5)),
    bias=arrays(np.float64, 3, elements=st.floats(-5, 5)),
)
def test_mapped_thresholds_detect_exactly_what_the_scores_did(scores, raw_t, slope, bias):
    # (slopes fitted on GoEmotions lie in 0.3-2; past ~7 a threshold's image can round to 1.0)
    maps = CalibrationMaps(LABELS, slope, bias, (True,) * 3)
    raw_t = np.round(raw_t, 4)  # thresholds.json's score thresholds have 4 decimals
    mapped = maps.map_thresholds(dict(zip(LABELS, raw_t)))
    cut = np.array([mapped[n] for n in LABELS])  # float64, as the classifier holds them
    assert (detected(maps(scores), cut, True) == detected(scores, raw_t.astype(np.float32), True)).all()


def test_maps_are_strictly_increasing_and_identity_keeps_scores():
    grid = np.linspace(0.001, 0.999, 999, dtype=np.float32)[:, None].repeat(3, 1)
    maps = CalibrationMaps(LABELS, np.array([0.5, 1.0, 3.0]), np.array([-2.0, 0.0, 1.0]), (True,) * 3)
    assert (np.diff(maps(grid), axis=0) > 0).all()
    assert np.allclose(CalibrationMaps.identity(LABELS)(grid), grid, atol=1e-7)


def synthetic(n: int = 6000, seed: int = 0):
    """Scores that are too confident: the truth is sigmoid(0.5 * logit - 1), not the score."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3, (n, 3))
    scores = (1 / (1 + np.exp(-z))).astype(np.float32)
    truth = 1 / (1 + np.exp(-(0.5 * z - 1)))
    targets = rng.random((n, 3)) < truth
    targets[:, 2] = False
    targets[: MIN_POSITIVES - 1, 2] = True  # too few positives to fit
    return scores, targets


def test_platt_maps_lower_the_calibration_error(caplog):
    scores, targets = synthetic()
    with caplog.at_level(logging.WARNING):
        maps = fit_platt(scores[:3000], targets[:3000], LABELS)
    assert maps.fitted == (True, True, False)
    assert f"c: {MIN_POSITIVES - 1} dev positives, fewer than {MIN_POSITIVES}" in caplog.text
    held_out, truth = scores[3000:, :2], targets[3000:, :2]
    before, after = ece(held_out, truth), ece(maps(scores[3000:])[:, :2], truth)
    assert before > 0.08 and after < 0.02
    assert np.allclose(maps.slope[:2], 0.5, atol=0.1) and np.allclose(maps.bias[:2], -1, atol=0.2)
    report = calibration_report(maps(scores), targets, LABELS)
    assert set(report) == {"bins", "per_label", "mean", "notable"} and report["bins"] == 10


def write_maps(folder, maps: dict, method: str = "platt"):
    (folder / MAPS_FILE).write_text(json.dumps({"method": method, "maps": maps}))
    return folder / MAPS_FILE


GOOD = {n: {"slope": 1.5, "bias": -0.5, "fitted": True} for n in LABELS}


@pytest.mark.parametrize(
    "content, error, message",
    [
        (None, FileNotFoundError, "Calibration maps not found"),
        ('{"method": "platt", "maps": {"a": {"slo', ValueError, "not valid JSON"),
        (
            {**GOOD, "d": GOOD["a"]},
            ValueError,
            "maps do not match the model's labels (missing: none; unknown: ['d'])",
        ),
        (
            {**GOOD, "b": {"slope": -1.0, "bias": 0.0}},
            ValueError,
            "Calibration maps for ['b'] are not increasing",
        ),
        ({**GOOD, "b": {"slope": 0.0, "bias": 0.0}}, ValueError, "are not increasing"),
        (
            {**GOOD, "c": {"slope": float("nan"), "bias": 0.0}},
            ValueError,
            "needs a numeric 'slope' and 'bias'",
        ),
        ({**GOOD, "c": {"slope": "1", "bias": 0.0}}, ValueError, "needs a numeric 'slope' and 'bias'"),
    ],
)
def test_a_bad_maps_file_is_a_clear_error(tmp_path, content, error, message):
    if isinstance(content, dict):
        write_maps(tmp_path, content)
    elif isinstance(content, str):
        (tmp_path / MAPS_FILE).write_text(content)
    with pytest.raises(error, match=re.escape(message)):
        CalibrationMaps.from_pretrained(tmp_path, LABELS)


def test_maps_are_loaded_only_when_the_thresholds_ask_for_them(tmp_path):
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"thresholds": {n: 0.5 for n in LABELS}}))
    write_maps(tmp_path, GOOD)
    assert maps_for(thresholds, LABELS) is None  # raw-score thresholds: maps would move every cut
    thresholds.write_text(json.dumps({"thresholds": {n: 0.5 for n in LABELS}, "probabilities": "calibrated"}))
    assert maps_for(thresholds, LABELS).fitted == (True, True, True)
    (tmp_path / MAPS_FILE).unlink()
    with pytest.raises(FileNotFoundError, match="Calibration maps not found"):
        maps_for(thresholds, LABELS)


def test_a_model_without_maps_says_its_scores_are_uncalibrated(tiny_model_dir, tiny_thresholds):
    clf = EmotionClassifier.from_pretrained(tiny_model_dir, tiny_thresholds)
    assert clf.maps is None and clf.probabilities == "uncalibrated"
    assert np.array_equal(clf.predict_proba(["so happy"]), clf.predict_proba(["so happy"], raw=True))
