"""What the app serves: the resolved classifier, its calibration and its model-card score.

Environment variables read by :func:`load_from_environment`:

- ``EMOTIONS_MODEL_REPO`` / ``EMOTIONS_MODEL_REVISION``: a Hub model to download (see
  :mod:`emotions.model.hub`); if the Hub is unreachable, does not answer within
  ``EMOTIONS_HUB_TIMEOUT`` seconds (default 180) or serves a broken model, the local copy is
  used, with a warning.
- ``EMOTIONS_MODEL_DIR`` / ``EMOTIONS_THRESHOLDS``: the local checkpoint folder and
  ``thresholds.json`` (defaults: the repo's ``model/`` and ``thresholds/thresholds.json``).
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

from emotions.labels import LABELS, VIEWS, view_probs
from emotions.model.backends import app_backend
from emotions.model.explain import Explanation, as_dict, explain
from emotions.model.hub import LOCAL_MODEL_DIR, LOCAL_THRESHOLDS, load_resolved, local_model
from emotions.model.inference import EmotionClassifier
from emotions.model.reliability import Reliability, find_reliability

from .uploads import check_rows, clip_text
from .views import Calibration, ThresholdSettings, score_rows

logger = logging.getLogger(__name__)
EMPTY_RESULT = {
    "scores": {},
    "labels": [],
    "thresholds": {},
    "truncated": False,
    "notice": "empty text: not scored",
}


@dataclass
class ServedModel:
    classifier: EmotionClassifier
    calibration: Calibration
    source: str  # "owner/name@revision" or "local: model/"
    macro_f1: float | None  # test macro-F1 from the model card, if it reports one
    metric_name: str = "test macro-F1"
    reliability: dict[str, Reliability] = field(default_factory=dict)  # test F1, support per label

    def predict(self, texts: list[str], settings: ThresholdSettings, view: str = "emotions") -> list[dict]:
        """Per text: every row's probability (``scores``, strongest first), the ``labels``
        that pass, the ``thresholds`` used and whether the text was ``truncated``.

        Blank texts are not scored. Raises ``ValueError`` for too many texts or a bad view.
        """
        labels = self.classifier.labels
        view_probs(np.zeros(len(labels)), labels, view)  # fails early on an unknown view
        if texts:
            check_rows(len(texts))
        clipped = [clip_text(str(t or "")) for t in texts]
        todo = [i for i, (t, _) in enumerate(clipped) if t.strip()]
        probs = self.classifier.predict_proba([clipped[i][0] for i in todo]) if todo else []
        out: list[dict] = [{**EMPTY_RESULT} for _ in texts]
        for i, p in zip(todo, probs):
            rows = score_rows(p, labels, view, self.calibration, settings)
            out[i] = {
                "scores": {r.name: round(r.prob, 6) for r in rows},
                "labels": [r.name for r in rows if r.passed],
                "thresholds": {r.name: round(r.threshold, 4) for r in rows},
                "truncated": clipped[i][1],
            }
        return out

    def strongest(self, probs: np.ndarray, view: str, settings: ThresholdSettings) -> str:
        """The strongest row that passes its threshold, else the strongest row."""
        rows = score_rows(probs, self.classifier.labels, view, self.calibration, settings)
        return next((r.name for r in rows if r.passed), rows[0].name)

    def explain(
        self, text: str, emotion: str | None, settings: ThresholdSettings, view: str = "emotions"
    ) -> tuple[Explanation, dict[str, Any]]:
        """Word attributions for ``emotion`` (default: :meth:`strongest`) in ``text``, clipped
        as for scoring. Raises ``ValueError`` for an empty text, a bad view or emotion."""
        view_probs(np.zeros(len(self.classifier.labels)), self.classifier.labels, view)
        if emotion and emotion not in VIEWS[view]:
            raise ValueError(
                f"emotion={emotion!r} is not in the {view!r} view: choose one of {list(VIEWS[view])}."
            )
        clipped, cut = clip_text(str(text or ""))
        if not clipped.strip():
            raise ValueError("Empty text: send some words to explain.")
        expl = explain(self.classifier, clipped)
        out = as_dict(expl, emotion or self.strongest(expl.full, view, settings), view)
        return expl, {**out, "view": view, "truncated": cut or expl.truncated}


def _pick_f1(results: list) -> tuple[float, str] | None:
    """The card's macro-F1: prefer the calibrated-thresholds one, then any macro F1, then any F1."""
    found = []
    for result in results or []:
        for metric in (result or {}).get("metrics") or []:
            kind, name = str(metric.get("type", "")).lower(), str(metric.get("name", "")).lower()
            value = metric.get("value")
            if "f1" not in kind and "f1" not in name or not isinstance(value, (int, float)):
                continue
            rank = 0 if "calibrat" in name else 1 if "macro" in name or "macro" in kind else 2
            found.append((rank, float(value), str(metric.get("name") or "macro-F1")))
    if not found:
        return None
    _, value, name = min(found, key=lambda f: f[0])
    return value, name


def read_macro_f1(card: str | Path) -> tuple[float | None, str]:
    """Test macro-F1 from a model card's ``model-index`` front matter (None if absent)."""
    card = Path(card)
    if not card.is_file():
        return None, "test macro-F1"
    try:
        from huggingface_hub import metadata_load

        meta = metadata_load(card) or {}
        picked = None
        for entry in meta.get("model-index") or []:
            picked = picked or _pick_f1((entry or {}).get("results"))
    except Exception as err:  # a malformed card must not stop the app: the footer says so
        logger.warning("Could not read the model card %s (%s); no score shown.", card, err)
        return None, "test macro-F1"
    if picked is None:
        return None, "test macro-F1"
    value, name = picked
    return (value / 100 if value > 1 else value), f"test {name}"


def _rollups(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # load_thresholds already validated the file; this is belt and braces
    return data.get("rollups") if isinstance(data, dict) else None


def check_labels(labels: list[str], config: Path) -> None:
    """The app's views and roll-ups need GoEmotions' 28 labels in their order."""
    if list(labels) == list(LABELS):
        return
    at = next((i for i, (a, b) in enumerate(zip(labels, LABELS)) if a != b), min(len(labels), len(LABELS)))
    found = repr(labels[at]) if at < len(labels) else "missing"
    expected = repr(LABELS[at]) if at < len(LABELS) else "nothing"
    raise ValueError(
        f"{config}: the model's {len(labels)} labels are not GoEmotions' {len(LABELS)} in order "
        f"(label {at} is {found}, expected {expected}). Serve a model trained with `python -m emotions train`."
    )


def load_served(model_dir: str | Path, thresholds: str | Path, source: str | None = None) -> ServedModel:
    """Load a checkpoint and its thresholds for serving (raises naming the bad file), on
    the app's backend (:func:`emotions.model.backends.app_backend`)."""
    model_dir, thresholds = Path(model_dir), Path(thresholds)
    backend = app_backend()
    classifier = EmotionClassifier.from_pretrained(model_dir, thresholds=thresholds, backend=backend)
    logger.info("Inference backend: %s", backend)
    check_labels(classifier.labels, model_dir / "config.json")
    thresholds_file = thresholds / "thresholds.json" if thresholds.is_dir() else thresholds
    calibration = Calibration(classifier.thresholds, _rollups(thresholds_file), str(thresholds_file))
    f1, metric = read_macro_f1(model_dir / "README.md")
    reliability = find_reliability(model_dir, classifier.labels)
    return ServedModel(
        classifier, calibration, source or f"local: {model_dir.name}/", f1, metric, reliability
    )


def load_from_environment() -> ServedModel:
    """The model the environment names (Hub or local, see the module docstring), loaded;
    any Hub failure falls back to the local copy (:func:`emotions.model.hub.load_resolved`)."""
    local = local_model(
        Path(os.environ.get("EMOTIONS_MODEL_DIR") or LOCAL_MODEL_DIR),
        Path(os.environ.get("EMOTIONS_THRESHOLDS") or LOCAL_THRESHOLDS),
    )
    return load_resolved(lambda found: load_served(found.model_dir, found.thresholds, found.source), local)
