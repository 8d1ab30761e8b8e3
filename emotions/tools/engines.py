"""The scoring of ``predict`` as a function batch engines call: ``datasets`` and Ray Data.

:class:`Scorer` loads a model once, then scores a batch (a dict of columns) at a time and
adds ``labels`` (detected, strongest first) and ``scores`` (every label's probability):

- one machine: ``dataset.map(Scorer("model"), batched=True, batch_size=256)``;
- a cluster: ``ray.data.read_csv(...).map_batches(Scorer, fn_constructor_kwargs={"model_dir":
  "model"}, batch_size=256, concurrency=8)``; Ray makes one ``Scorer`` (one model) per worker.

Blank texts get empty results. The model comes from a folder, or the Hub with the app's
fallback to the folder (:func:`load_classifier`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from emotions.model.backends import app_backend
from emotions.model.hub import find_thresholds, load_resolved, local_model
from emotions.model.inference import EmotionClassifier

logger = logging.getLogger(__name__)


def load_classifier(
    model_dir: str | Path = "model",
    thresholds: str | None = None,
    backend: str | None = None,
    model_repo: str | None = None,
    revision: str | None = None,
) -> EmotionClassifier:
    """A classifier on ``backend`` (default: the app's), from ``model_repo`` on the Hub when
    given (any failure falls back to ``model_dir``, with a warning) or from ``model_dir``.
    ``thresholds``: a file, ``""`` for none, or None for the ones beside the model."""
    backend = app_backend(backend)

    def load(found) -> EmotionClassifier:
        path = found.thresholds or (find_thresholds(found.model_dir) if thresholds is None else None)
        return EmotionClassifier.from_pretrained(found.model_dir, path, backend=backend)

    fallback = local_model(Path(model_dir), thresholds or None)
    return load_resolved(load, fallback, repo_id=model_repo or "", revision=revision)


class Scorer:
    """Score batches of texts with one model, loaded when the scorer is made."""

    def __init__(
        self,
        model_dir: str | Path = "model",
        thresholds: str | None = None,
        backend: str | None = None,
        text_column: str = "text",
        batch_size: int = 64,
        classifier: EmotionClassifier | None = None,
    ) -> None:
        self.classifier = classifier or load_classifier(model_dir, thresholds, backend)
        self.text_column, self.batch_size = text_column, batch_size

    def score(self, texts: list[str]) -> tuple[list[list[str]], list[dict[str, float]]]:
        """Detected labels and every label's probability, per text (blank: empty)."""
        clf = self.classifier
        todo = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
        labels: list[list[str]] = [[] for _ in texts]
        scores: list[dict[str, float]] = [{} for _ in texts]
        if not todo:
            return labels, scores
        scored = [texts[i] for i in todo]
        probs = clf.predict_proba(scored, batch_size=self.batch_size)
        for i, prediction in zip(todo, clf.to_predictions(scored, probs)):
            labels[i], scores[i] = prediction.labels, prediction.scores
        return labels, scores

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts = [t if isinstance(t, str) else "" for t in list(batch[self.text_column])]
        labels, scores = self.score(texts)
        return {**batch, "labels": labels, "scores": scores}
