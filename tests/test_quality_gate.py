"""The committed model must score what its card says on the real test split."""

import os
from pathlib import Path

import pytest

from emotions.serve.served import read_macro_f1
from emotions.train.data import load_split
from emotions.train.metrics import binarize, f1_scores

ROOT = Path(__file__).resolve().parent.parent
MODEL, THRESHOLDS = ROOT / "model", ROOT / "thresholds" / "thresholds.json"


def test_committed_model_meets_its_card(goemotions_dir):
    if not (MODEL / "model.safetensors").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"No committed checkpoint at {MODEL}: the quality gate must run in CI.")
        pytest.skip(f"No checkpoint at {MODEL} yet")
    from emotions.model.inference import EmotionClassifier

    card_f1, name = read_macro_f1(MODEL / "README.md")
    assert card_f1 is not None, "model/README.md reports no macro-F1 in its model-index"
    assert "calibrated" in name
    classifier = EmotionClassifier.from_pretrained(MODEL, THRESHOLDS)
    test = load_split("test", goemotions_dir)
    probs = classifier.predict_proba(test.texts)
    macro = f1_scores(test.targets, binarize(probs, classifier.threshold_array))["macro_f1"]
    assert macro >= card_f1 - 0.005, f"test macro-F1 {macro:.4f} < card's {card_f1:.4f} - 0.005"
    assert macro >= 0.52, f"test macro-F1 {macro:.4f} is below the 0.52 bar"
