"""What the app serves: the resolved classifier, its calibration and its model-card score.

Environment variables read by :func:`load_served_model`:

- ``EMOTIONS_MODEL_REPO`` / ``EMOTIONS_MODEL_REVISION``: a Hub model to download (see
  :mod:`emotions.hub`); if the Hub is unreachable, does not answer within
  ``EMOTIONS_HUB_TIMEOUT`` seconds (default 180) or serves a broken model, the local copy is
  used, with a warning.
- ``EMOTIONS_MODEL_DIR`` / ``EMOTIONS_THRESHOLDS``: the local checkpoint folder and
  ``thresholds.json`` (defaults: the repo's ``model/`` and ``thresholds/thresholds.json``).
- ``EMOTIONS_BACKEND``: ``torch``, ``onnx`` or ``onnx-int8`` (see :mod:`emotions.backends`);
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

from .backends import app_backend
from .batch import check_rows, clip_text
from .cutoffs import Calibration, Settings, score_rows, view_probs
from .explain import Explanation, as_dict, explain
from .hub import LOCAL_MODEL_DIR, LOCAL_THRESHOLDS, local_model, resolve_model
from .inference import EmotionClassifier
from .labels import LABELS, VIEWS
from .reliability import Reliability, find_reliability

logger = logging.getLogger(__name__)
EMPTY_RESULT = {
    "scores": {},
    "labels": [],
    "thresholds": {},
    "truncated": False,
    "notice": "empty text: not scored",
}


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas (``M_ARENA_MAX``); False where the C library is not glibc.

    glibc gives threads that allocate at the same time arenas of their own (up to 8 per core),
    and each arena keeps the memory freed in it. Gradio runs requests on a pool of up to 40
    threads, so the model's activation buffers spread over many arenas: without this cap the
    load test (scripts/loadtest.py) measured the app's RSS growing 76 MB over 5,000 requests.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(-8, arenas))  # -8: M_ARENA_MAX in glibc's malloc.h
    except (OSError, AttributeError):  # no mallopt: not glibc (macOS, musl)
        return False


@dataclass
class ServedModel:
    classifier: EmotionClassifier
    calibration: Calibration
    source: str  # "owner/name@revision" or "local: model/"
    macro_f1: float | None  # test macro-F1 from the model card, if it reports one
    metric_name: str = "test macro-F1"
    reliability: dict[str, Reliability] = field(default_factory=dict)  # test F1, support per label

    def predict(self, texts: list[str], settings: Settings, view: str = "emotions") -> list[dict]:
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

    def strongest(self, probs: np.ndarray, view: str, settings: Settings) -> str:
        """The strongest row that passes its threshold, else the strongest row."""
        rows = score_rows(probs, self.classifier.labels, view, self.calibration, settings)
        return next((r.name for r in rows if r.passed), rows[0].name)

    def explain(
        self, text: str, emotion: str | None, settings: Settings, view: str = "emotions"
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


def serve_model(model_dir: str | Path, thresholds: str | Path, source: str | None = None) -> ServedModel:
    """Load a checkpoint and its thresholds for serving (raises naming the bad file), on
    the app's backend (:func:`emotions.backends.app_backend`)."""
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


def load_served_model() -> ServedModel:
    """Resolve the model from the environment (Hub or local) and load it."""
    local = local_model(
        Path(os.environ.get("EMOTIONS_MODEL_DIR") or LOCAL_MODEL_DIR),
        Path(os.environ.get("EMOTIONS_THRESHOLDS") or LOCAL_THRESHOLDS),
    )
    resolved = resolve_model(fallback=local)
    logger.info("Serving %s", resolved.source)
    try:
        return serve_model(resolved.model_dir, resolved.thresholds, resolved.source)
    except (ValueError, OSError) as err:  # a Hub model that downloaded but will not load
        if resolved.repo_id is None:
            raise
        if not local.model_dir.is_dir():
            raise ValueError(
                f"Model {resolved.source} does not load ({err}), and there is no bundled model at "
                f"{local.model_dir} to fall back to."
            ) from err
        logger.warning(
            "Model %s does not load (%s); using the bundled copy in %s.",
            resolved.source,
            err,
            local.model_dir,
        )
        return serve_model(local.model_dir, local.thresholds, local.source)
