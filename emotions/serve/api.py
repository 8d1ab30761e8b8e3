"""The app's named API endpoints: ``/predict``, ``/predict_batch`` and ``/explain``.

:func:`register` adds them to the page being built. Their signatures and docstrings are
what Gradio's API page (and ``gradio_client``'s ``view_api()``) shows; the optional
parameters are the page's settings panel. All of them share the model queue.
"""

from __future__ import annotations

from typing import Any, Literal

import gradio as gr

from .privacy import fails_clearly, visitor_error
from .served import ServedModel
from .uploads import MAX_ROWS
from .views import ThresholdSettings

ViewName = Literal["emotions", "ekman", "sentiment"]
ModeName = Literal["calibrated", "global"]


@fails_clearly("your texts")
def predict_texts(
    served: ServedModel, texts: list[str], mode: str, global_threshold: float, sensitivity: float, view: str
) -> list[dict[str, Any]]:
    """The API's work: one result per text, bad parameters as a visible error."""
    try:
        settings = ThresholdSettings(mode, float(global_threshold), float(sensitivity))
        return served.predict(texts, settings, view)
    except ValueError as err:
        raise visitor_error(err) from None


@fails_clearly("your text")
def explain_words(served: ServedModel, text: str, emotion: str | None, view: str) -> dict[str, Any]:
    """The ``/explain`` API's work: one emotion's word attributions, mistakes as clear errors."""
    try:
        return served.explain(text, emotion or None, ThresholdSettings(), view)[1]
    except ValueError as err:
        raise visitor_error(err) from None


def register(served: ServedModel) -> None:
    """Add the three endpoints, answering from ``served``, to the ``gr.Blocks`` being built."""

    def predict(
        text: str,
        mode: ModeName = "calibrated",
        global_threshold: float = 0.5,
        sensitivity: float = 0.0,
        view: ViewName = "emotions",
    ) -> dict[str, Any]:
        """One text: every label's probability (`scores`), the detected `labels` (strongest
        first), the `thresholds` used and whether the text was `truncated`."""
        if not (text or "").strip():
            raise gr.Error("Empty text: send some words to read.", print_exception=False)
        return predict_texts(served, [text], mode, global_threshold, sensitivity, view)[0]

    def predict_batch(
        texts: list[str],
        mode: ModeName = "calibrated",
        global_threshold: float = 0.5,
        sensitivity: float = 0.0,
        view: ViewName = "emotions",
    ) -> list[dict[str, Any]]:
        """Many texts: one result per text, as `/predict` returns (blank texts: empty scores)."""
        return predict_texts(served, list(texts or []), mode, global_threshold, sensitivity, view)

    def explain(text: str, emotion: str | None = None, view: ViewName = "emotions") -> dict[str, Any]:
        """Which words raised or lowered one emotion's probability, by occlusion: a word's
        `attribution` is p(text) − p(text without that word), `start`/`end` its characters;
        `emotion` defaults to the strongest detected one (calibrated thresholds)."""
        return explain_words(served, text, emotion, view)

    gr.api(predict, api_name="predict", concurrency_id="model")
    gr.api(explain, api_name="explain", concurrency_id="model")
    gr.api(
        predict_batch,
        api_name="predict_batch",
        api_description=f"At most {MAX_ROWS} texts: one result per text, as /predict returns; "
        "blank texts get empty scores.",
        concurrency_id="model",
    )
