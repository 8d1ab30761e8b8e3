"""What the app serves: the resolved classifier, its thresholds per view and its card's score.

Any text-classification checkpoint transformers' Auto classes load can be served: it
describes itself (labels, multi- or single-label, roll-up views; see
:class:`~emotions.model.inference.EmotionClassifier`). Its thresholds are looked up beside it
(:func:`emotions.model.hub.find_thresholds`); without any, it is served uncalibrated and the page says so.

Environment variables read by :func:`load_from_environment`:

- ``EMOTIONS_MODEL_REPO`` / ``EMOTIONS_MODEL_REVISION``: a Hub model to download (see
  :mod:`emotions.model.hub`); if the Hub is unreachable, does not answer within
  ``EMOTIONS_HUB_TIMEOUT`` seconds (default 180) or serves a broken model, the local copy is
  used, with a warning.
- ``EMOTIONS_MODEL_DIR``: a local checkpoint folder (default: the repo's ``model/``).
- ``EMOTIONS_THRESHOLDS``: its ``thresholds.json`` (default: beside the model; for the
  bundled model, the repo's ``thresholds/thresholds.json``).
- ``EMOTIONS_BACKEND``: ``torch``, ``onnx`` or ``onnx-int8`` (see :mod:`emotions.model.backends`);
  default ``onnx-int8`` when ONNX Runtime is installed, else ``torch``.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from emotions.labels import LabelSet
from emotions.limits import MAX_ROWS
from emotions.model.backends import app_backend
from emotions.model.explain import Explanation, as_dict, explain
from emotions.model.hub import LOCAL_MODEL_DIR, find_thresholds, load_resolved, local_model
from emotions.model.inference import EmotionClassifier
from emotions.model.modelcard import read_datasets, read_macro_f1
from emotions.model.reading import Reading, read_document
from emotions.model.readingviews import as_result, at_thresholds
from emotions.model.reliability import Reliability, find_reliability
from emotions.model.thresholds import THRESHOLDS_FILE
from emotions.model.views import ThresholdSettings, ViewThresholds, row_result, score_rows

from .uploads import check_rows, clip_text

logger = logging.getLogger(__name__)
EMPTY_RESULT = {
    "scores": {},
    "labels": [],
    "thresholds": {},
    "truncated": False,
    "notice": "empty text: not scored",
}
PROBABILITIES = {
    "calibrated": "calibrated: a score is how often GoEmotions' raters gave that emotion to texts scored alike",
    "uncalibrated": "uncalibrated: the model's own scores, not probabilities (no calibration maps)",
}


@dataclass
class ServedModel:
    classifier: EmotionClassifier
    calibration: ViewThresholds
    source: str  # "owner/name@revision" or "local: model/"
    macro_f1: float | None  # test macro-F1 from the model card, if it reports one
    metric_name: str = "test macro-F1"
    reliability: dict[str, Reliability] = field(default_factory=dict)  # test F1, support per label
    datasets: list[str] = field(default_factory=list)  # what the card says it was trained on

    @property
    def labelset(self) -> LabelSet:
        return self.classifier.labelset

    def predict(self, texts: list[str], settings: ThresholdSettings, view: str = "emotions") -> list[dict]:
        """Per text: every row's probability (``scores``, strongest first), the ``labels``
        detected, the ``thresholds`` used and whether the text was ``truncated``.

        Blank texts are not scored. Raises ``ValueError`` for too many texts or a bad view.
        """
        self.labelset.groups(view)  # fails early on an unknown view
        if texts:
            check_rows(len(texts), fix=f"send at most {MAX_ROWS} texts per call, in several calls")
        clipped = [clip_text(str(t or "")) for t in texts]
        todo = [i for i, (t, _) in enumerate(clipped) if t.strip()]
        probs = self.classifier.predict_proba([clipped[i][0] for i in todo]) if todo else []
        kind = self.classifier.probabilities
        out: list[dict] = [{**EMPTY_RESULT, "probabilities": kind} for _ in texts]
        for i, p in zip(todo, probs):
            rows = score_rows(p, view, self.calibration, settings)
            out[i] = {
                **row_result(rows),
                "truncated": clipped[i][1],
                "probabilities": kind,  # "calibrated" or "uncalibrated"
            }
        return out

    def strongest(self, probs: np.ndarray, view: str, settings: ThresholdSettings) -> str:
        """The strongest row that is detected, else the strongest row."""
        rows = score_rows(probs, view, self.calibration, settings)
        return next((r.name for r in rows if r.passed), rows[0].name)

    def explain(
        self, text: str, emotion: str | None, settings: ThresholdSettings, view: str = "emotions"
    ) -> tuple[Explanation, dict[str, Any]]:
        """Word attributions for ``emotion`` (default: :meth:`strongest`) in ``text``, clipped
        as for scoring. Raises ``ValueError`` for an empty text, a bad view or emotion."""
        names = self.labelset.groups(view)
        if emotion and emotion not in names:
            raise ValueError(f"emotion={emotion!r} is not in the {view!r} view: choose one of {names}.")
        clipped, cut = clip_text(str(text or ""))
        if not clipped.strip():
            raise ValueError("Empty text: send some words to explain.")
        expl = explain(self.classifier, clipped)
        out = as_dict(expl, emotion or self.strongest(expl.full, view, settings), view)
        extra = {
            "view": view,
            "truncated": cut or expl.truncated,
            "probabilities": self.classifier.probabilities,
        }
        return expl, {**out, **extra}


def read_sentences(
    served: ServedModel, text: str, settings: ThresholdSettings, view: str = "emotions"
) -> tuple[Reading, dict[str, Any]]:
    """``text`` read sentence by sentence (:func:`emotions.model.reading.read_document`) and
    its result at ``settings``. Raises ``ValueError`` for an empty text or a bad view."""
    served.labelset.groups(view)  # fails early on an unknown view
    text = str(text or "")
    if not text.strip():
        raise ValueError("Empty text: send some words to read.")
    reading = read_document(served.classifier, text)
    result = as_result(reading, at_thresholds(reading, served.calibration, settings, view), view)
    return reading, {**result, "probabilities": served.classifier.probabilities}


def _stored(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # load_thresholds already validated the file; this is belt and braces
    return data if isinstance(data, dict) else {}


def load_served(
    model_dir: str | Path, thresholds: str | Path | None = None, source: str | None = None
) -> ServedModel:
    """Load a checkpoint and its thresholds (``thresholds``, else :func:`find_thresholds`) for
    serving, on the app's backend (:func:`emotions.model.backends.app_backend`); raises naming
    the bad file."""
    model_dir = Path(model_dir)
    path = Path(thresholds) if thresholds else find_thresholds(model_dir)
    if path is not None and path.is_dir():
        path = path / THRESHOLDS_FILE
    backend = app_backend()
    classifier = EmotionClassifier.from_pretrained(model_dir, thresholds=path, backend=backend)
    logger.info("Inference backend: %s", classifier.backend)
    if path is None:
        logger.warning("No %s beside %s: serving it uncalibrated.", THRESHOLDS_FILE, model_dir)
    stored = _stored(path)
    global_default = stored.get("global_threshold", 0.5)  # re-chosen on dev for calibrated probabilities
    if (
        isinstance(global_default, bool)
        or not isinstance(global_default, (int, float))
        or not 0 < global_default < 1
    ):
        raise ValueError(
            f"{path}: global_threshold={global_default!r} must be a number in (0, 1); recalibrate."
        )
    calibration = ViewThresholds(
        classifier.thresholds, stored.get("rollups"), str(path or model_dir), classifier.labelset,
        classifier.multi_label, classifier.calibrated, float(global_default),
    )  # fmt: skip
    f1, metric = read_macro_f1(model_dir / "README.md")
    reliability = find_reliability(model_dir, classifier.labels)
    datasets = read_datasets(model_dir / "README.md")
    source = source or f"local: {model_dir.name}/"
    return ServedModel(classifier, calibration, source, f1, metric, reliability, datasets)


def load_from_environment() -> ServedModel:
    """The model the environment names (Hub or local, see the module docstring), loaded;
    any Hub failure falls back to the local copy (:func:`emotions.model.hub.load_resolved`)."""
    thresholds = os.environ.get("EMOTIONS_THRESHOLDS")  # else beside the model (find_thresholds)
    local = local_model(Path(os.environ.get("EMOTIONS_MODEL_DIR") or LOCAL_MODEL_DIR), thresholds or None)
    return load_resolved(lambda found: load_served(found.model_dir, found.thresholds, found.source), local)
