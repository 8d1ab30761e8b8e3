"""Per-class thresholds chosen on dev: known optima, shrinkage, cross-validated regularisation."""

import numpy as np
import pytest

from emotions.train.calibration import calibrate_per_class, select_regularisation


def test_calibration_recovers_a_known_optimum():
    # Class 0 is positive exactly when its score is >= 0.37; class 1 when >= 0.81.
    rng = np.random.default_rng(0)
    probs = rng.uniform(0, 1, (2000, 2))
    targets = np.stack([probs[:, 0] >= 0.37, probs[:, 1] >= 0.81], axis=1).astype(int)
    thresholds, f1 = calibrate_per_class(targets, probs)
    assert thresholds == pytest.approx([0.37, 0.81], abs=0.011)
    assert f1 == pytest.approx([1.0, 1.0], abs=0.01)


def test_calibration_beats_a_global_cut_on_shifted_classes():
    rng = np.random.default_rng(1)
    targets = rng.integers(0, 2, (3000, 2))
    probs = np.clip(targets * 0.3 + rng.uniform(0, 0.3, (3000, 2)) + [0.0, 0.5], 0, 1)
    thresholds, _ = calibrate_per_class(targets, probs)
    assert thresholds[0] < 0.35 < thresholds[1]


def test_shrinkage_pulls_rare_classes_towards_the_global_threshold():
    # Class 0: common, clean optimum at 0.6. Class 1: 4 positives whose best cut on this split is 0.9.
    rng = np.random.default_rng(2)
    probs = rng.uniform(0, 1, (1000, 2))
    targets = np.zeros((1000, 2), dtype=int)
    targets[:, 0] = probs[:, 0] >= 0.6
    rare = np.argsort(-probs[:, 1])[:4]
    targets[rare, 1] = 1
    raw, _ = calibrate_per_class(targets, probs)
    shrunk, _ = calibrate_per_class(targets, probs, shrink=100)
    assert abs(shrunk[0] - raw[0]) < 0.05  # 400 positives: barely moves
    assert shrunk[1] < raw[1] - 0.1  # 4 positives: pulled well towards the global cut


def test_regularisation_is_chosen_by_cross_validation_from_the_candidates():
    rng = np.random.default_rng(3)
    targets = rng.integers(0, 2, (400, 3))
    probs = np.clip(targets * 0.4 + rng.uniform(0, 0.6, (400, 3)), 0, 1)
    shrink, smooth, scores = select_regularisation(targets, probs, shrinks=(0, 50), smooths=(1, 5), repeats=2)
    assert shrink in (0, 50) and smooth in (1, 5)
    assert len(scores) == 4 and max(scores.values()) == scores[f"shrink={shrink},smooth={smooth}"]


def test_single_label_thresholds_count_the_strongest_label_as_shown():
    # Softmax rows: the argmax is always shown, so a class's F1 at any threshold includes it.
    from emotions.train.calibration import f1_curves_at

    probs = np.array([[0.6, 0.4], [0.55, 0.45], [0.3, 0.7]])
    targets = np.array([[1, 0], [0, 1], [0, 1]])
    high = np.array([0.98, 0.98])  # no extra labels: the argmax alone
    assert f1_curves_at(targets, probs, high, multi_label=False) == pytest.approx([2 / 3, 2 / 3])
    assert f1_curves_at(targets, probs, high) == pytest.approx([0, 0])  # the plain p >= t rule
    thresholds, f1 = calibrate_per_class(targets, probs, multi_label=False)
    # class 1 is the runner-up on row 2: shown there as an extra label
    assert 0.4 < thresholds[1] <= 0.45 and f1[1] == pytest.approx(1.0)
