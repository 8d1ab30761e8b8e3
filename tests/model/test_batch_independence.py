"""A text's scores are a function of the text alone: the same alone or in any batch, on every backend."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import WORDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emotions.model import backends, onnxfiles
from emotions.model.inference import EmotionClassifier

VOCAB = [w for w in WORDS if not w.startswith(("[", "##"))]
texts = st.lists(st.sampled_from(VOCAB), min_size=0, max_size=150).map(" ".join)


@pytest.fixture(scope="module", params=backends.BACKENDS)
def classifier(request, tiny_model_dir, tmp_path_factory):
    if request.param.startswith("onnx"):
        pytest.importorskip("onnxruntime")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(onnxfiles.CACHE_ENV, str(tmp_path_factory.mktemp("onnx")))
        yield EmotionClassifier.from_pretrained(tiny_model_dir, backend=request.param)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, companions=st.lists(texts, min_size=1, max_size=12), at=st.integers(0, 12))
def test_a_text_scores_the_same_alone_and_in_any_batch(classifier, text, companions, at):
    alone = classifier.predict_proba([text])[0]
    batch = companions[:at] + [text] + companions[at:]
    together = classifier.predict_proba(batch, batch_size=64)[min(at, len(companions))]
    np.testing.assert_allclose(together, alone, atol=1e-4)


def test_hostile_batches_answer_as_alone(classifier):
    """One long text among short ones, punctuation only, empty strings, 5,000 one-word texts."""
    batch = ["so " * 200, "!", "?!.", "", "wow", *(["love"] * 5000)]
    together = classifier.predict_proba(batch)
    for i in (0, 1, 2, 3, 4, len(batch) - 1):
        np.testing.assert_allclose(together[i], classifier.predict_proba([batch[i]])[0], atol=1e-4)
