"""The quality gate: the committed model, as visitors get it, on the real GoEmotions test split.

Floors, each with its reason:
- test macro-F1 with the committed dev-calibrated thresholds at least ``MACRO_F1_FLOOR`` on the
  backend the app serves and on torch: the shipped run's 0.541 less seed noise (about ±0.003
  between training seeds, docs/model.md);
- the served int8 path gives the same labels as torch on at least ``AGREEMENT_FLOOR`` of the
  test texts (measured 90.9% on 2026-12-04, int8 per text: see docs/benchmarks.md; int8 arithmetic moves scores near a
  threshold, so a few texts flip);
- a text gets the same answer alone and in a batch on the served backend (issue 28);
- the behaviour suite's emoji and name targets (issue 23, ``BEHAVIOUR_FLOORS``): an emoji alone,
  or one that gives a plain sentence its feeling, gets the emotion people mean in at least 80% of
  the cases, distinct emoji get distinct answers in 95% (the committed weights hold a token per
  common emoji, taught by ``teach-emoji``: measured 96%, 86% and 100%, docs/model.md); a name must
  not change the answer; the same targets hold on the held-out cases (``emotions/train/heldout.py``,
  written after the model was chosen) on the served backend and on torch;
- the faster model, ``student/`` (issue 26), meets its own floor ``STUDENT_MACRO_F1_FLOOR`` on the
  served backend and on torch, and the same emoji and name floors as the served model (held out too);
- the probabilities are calibrated (issue 25): ECE over emotions at most 0.02, over scores of
  0.2 and up at most 0.05 (the issue's targets), and the calibrated thresholds detect exactly
  what the score thresholds did.
"""

import os
from pathlib import Path

import numpy as np
import pytest

from emotions.model.backends import APP_BACKEND
from emotions.model.inference import EmotionClassifier
from emotions.model.outputs import detected
from emotions.train.data import load_split
from emotions.train.metrics import binarize, f1_scores

ROOT = Path(__file__).resolve().parent.parent
MODEL, THRESHOLDS = ROOT / "model", ROOT / "thresholds" / "thresholds.json"
MACRO_F1_FLOOR = 0.538
AGREEMENT_FLOOR = 0.90
BEHAVIOUR_FLOORS = {
    "emoji alone": 0.80,  # the target: 80% of texts whose feeling an emoji carries
    "emoji gives a plain sentence its feeling": 0.80,
    "distinct emoji, distinct answers": 0.95,  # "distinct emoji get distinct answers", less a few pairs
    "emoji skin tone": 1.0,
    "name swap": 0.98,
    "names that are also words": 0.80,
}
AUDIT_DIFFERING_CEILING = 0.02  # same-sentence EEC name pairs with different labels
ECE_CEILING, ECE_NOTABLE_CEILING = 0.02, 0.05
STUDENT = ROOT / "student"
STUDENT_MACRO_F1_FLOOR = 0.535  # issue 26's floor (0.5359 int8, 0.5373 torch: docs/model.md)


@pytest.fixture(scope="module")
def served():
    if not (MODEL / "model.safetensors").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"No committed checkpoint at {MODEL}: the quality gate must run in CI.")
        pytest.skip(f"No checkpoint at {MODEL} yet")
    pytest.importorskip("onnxruntime")  # the app serves APP_BACKEND where it is installed (CI: always)
    return EmotionClassifier.from_pretrained(MODEL, THRESHOLDS, backend=APP_BACKEND)


@pytest.fixture(scope="module")
def test_split():
    from helpers import DATA_DIR

    if not (DATA_DIR / "test.tsv").is_file():
        pytest.skip(f"GoEmotions data not found at {DATA_DIR}")
    return load_split("test", DATA_DIR)


@pytest.fixture(scope="module")
def raw_scores(served, test_split):
    """The served backend's own scores on the test split, before the calibration maps."""
    return served.predict_proba(test_split.texts, raw=True)


def test_the_probabilities_are_calibrated_and_detect_what_the_scores_did(served, test_split, raw_scores):
    import json

    from emotions.train.probabilities import calibration_report

    assert served.maps is not None, f"{THRESHOLDS} does not use calibration maps"
    calibrated = served.maps(raw_scores)
    report = calibration_report(calibrated, test_split.targets, served.labels)
    assert report["mean"] <= ECE_CEILING and report["notable"] <= ECE_NOTABLE_CEILING, report
    before = json.loads(THRESHOLDS.read_text())["score_thresholds"]
    cut = np.array([before[n] for n in served.labels], dtype=np.float32)
    same = detected(calibrated, served.threshold_array, True) == detected(raw_scores, cut, True)
    assert same.all(), f"{(~same.all(1)).sum()} test texts detect other labels through the maps"


def test_the_served_model_reads_emoji_and_a_name_does_not_change_its_answer(served):
    from emotions.train.audit import audit
    from emotions.train.behaviour import suite
    from emotions.train.checklist import run

    rates = {r.name: r.pass_rate for r in run(served, suite())}
    for capability, floor in BEHAVIOUR_FLOORS.items():
        assert rates[capability] >= floor, f"{capability}: {rates[capability]:.1%} < {floor:.0%}"
    differing = audit(served)["name_pairs_differing_share"]
    assert differing <= AUDIT_DIFFERING_CEILING, f"EEC name pairs differing: {differing:.2%}"
    torch = EmotionClassifier.from_pretrained(MODEL, THRESHOLDS, backend="torch")
    for clf in (served, torch):
        assert_held_out_targets_met(clf, "served model")


def assert_held_out_targets_met(clf: EmotionClassifier, which: str) -> None:
    from emotions.train.checklist import run
    from emotions.train.heldout import held_out_suite

    for r in run(clf, held_out_suite()):
        assert r.met, f"{which} ({clf.backend}), {r.name}: {r.pass_rate:.1%} < {r.target:.0%}"


def test_the_served_model_meets_the_floor_on_the_served_backend_and_on_torch(served, test_split):
    reference = EmotionClassifier.from_pretrained(MODEL, THRESHOLDS, backend="torch")
    cut = served.threshold_array
    labels = {}
    for name, clf in (("served", served), ("torch", reference)):
        labels[name] = binarize(clf.predict_proba(test_split.texts), cut)
        macro = f1_scores(test_split.targets, labels[name])["macro_f1"]
        assert macro >= MACRO_F1_FLOOR, f"{name} ({clf.backend}) test macro-F1 {macro:.4f} < {MACRO_F1_FLOOR}"
    same = float((labels["served"] == labels["torch"]).all(1).mean())
    assert same >= AGREEMENT_FLOOR, f"{served.backend} gives torch's labels on {same:.1%} of test texts"


def test_the_served_backend_answers_a_text_the_same_alone_and_in_a_batch(served, test_split):
    some = test_split.texts[:300]
    alone, batched = served.predict_proba(some, batch_size=1), served.predict_proba(some, batch_size=64)
    np.testing.assert_allclose(batched, alone, atol=1e-4)
    assert (
        detected(alone, served.threshold_array, True) == detected(batched, served.threshold_array, True)
    ).all()


def test_the_published_student_meets_its_floor_and_reads_emoji_and_names_like_the_served_model(test_split):
    from emotions.train.behaviour import suite
    from emotions.train.checklist import run

    if not (STUDENT / "model.safetensors").is_file():
        pytest.skip(f"No student checkpoint at {STUDENT}")
    pytest.importorskip("onnxruntime")
    thresholds = STUDENT / "thresholds" / "thresholds.json"
    served = EmotionClassifier.from_pretrained(STUDENT, thresholds, backend=APP_BACKEND)
    for clf in (served, EmotionClassifier.from_pretrained(STUDENT, thresholds, backend="torch")):
        labels = detected(clf.predict_proba(test_split.texts), clf.threshold_array, True)
        macro = f1_scores(test_split.targets, labels)["macro_f1"]
        assert macro >= STUDENT_MACRO_F1_FLOOR, (
            f"student ({clf.backend}): test macro-F1 {macro:.4f} < {STUDENT_MACRO_F1_FLOOR}"
        )
    rates = {r.name: r.pass_rate for r in run(served, suite())}
    for capability, floor in BEHAVIOUR_FLOORS.items():
        assert rates[capability] >= floor, f"student, {capability}: {rates[capability]:.1%} < {floor:.0%}"
    assert_held_out_targets_met(served, "student")
