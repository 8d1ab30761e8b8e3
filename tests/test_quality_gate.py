"""The quality gate: the committed model, as visitors get it, on the real GoEmotions test split.

Floors, each with its reason:
- test macro-F1 with the committed dev-calibrated thresholds at least ``MACRO_F1_FLOOR`` on the
  backend the app serves and on torch: the shipped run's 0.541 less seed noise (about ±0.003
  between training seeds, docs/model.md);
- the served int8 path gives the same labels as torch on at least ``AGREEMENT_FLOOR`` of the
  test texts (measured 2026-12-03: see docs/benchmarks.md; int8 arithmetic moves scores near a
  threshold, so a few texts flip);
- a text gets the same answer alone and in a batch on the served backend (issue 28).

The behaviour suite's emoji and name targets (issue 23) join the gate with the checkpoint that
meets them: the committed one reads every emoji as [UNK] (docs/model.md).
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
