"""The app's named API endpoints: ``/predict``, ``/predict_batch``, ``/predict_sentences``, ``/explain``.

:func:`register` adds them to the page being built. Their signatures and docstrings are
what Gradio's API page (and ``gradio_client``'s ``view_api()``) shows; the optional
parameters are the page's settings panel. All of them share the model queue, and every
argument is checked against its type hint before the call (:func:`checked`).
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import gradio as gr

from emotions.limits import MAX_ROWS
from emotions.model.views import ThresholdSettings

from .privacy import fails_clearly, visitor_error
from .served import ServedModel, read_sentences

ViewName = str  # one of the served model's views: register() narrows it to them
ModeName = Literal["calibrated", "global"]


def type_problem(name: str, value: Any, hint: Any) -> str | None:
    """Why ``value`` does not fit the type hint ``hint`` of parameter ``name`` (None: it fits).

    Names the parameter, what it takes and the type that came; never quotes the value.
    """
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        problems = [type_problem(name, value, a) for a in args if a is not type(None)]
        return None if None in problems else problems[0]
    if origin is Literal:
        return None if value in args else f"{name} must be one of {list(args)}."
    if origin is list:
        if not isinstance(value, list):
            return f"{name} must be a list of texts, not {type(value).__name__}."
        bad = next((i for i, item in enumerate(value) if not isinstance(item, str)), None)
        return (
            None if bad is None else f"{name}[{bad}] must be a text (str), not {type(value[bad]).__name__}."
        )
    if hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else f"{name} must be a number, not {type(value).__name__}."
    if hint is str:
        return None if isinstance(value, str) else f"{name} must be a text (str), not {type(value).__name__}."
    return None


def checked(fn: Callable) -> Callable:
    """``fn`` with every argument checked against its type hint first: a mismatch is a clear
    ``gr.Error`` naming the parameter (what the caller sent is not quoted or logged)."""
    hints = get_type_hints(fn)
    signature = inspect.signature(fn)

    @wraps(fn)
    def call(*args, **kwargs):
        bound = signature.bind_partial(*args, **kwargs)
        for name, value in bound.arguments.items():
            if problem := type_problem(name, value, hints.get(name, Any)):
                raise gr.Error(f"{problem} See the API page linked in the footer.", print_exception=False)
        return fn(*args, **kwargs)

    return call


def settings_of(served: ServedModel, mode: str, global_threshold: float | None, sensitivity: float):
    """The caller's settings; no ``global_threshold``: the model's default (the best on dev)."""
    cut = served.calibration.global_default if global_threshold is None else float(global_threshold)
    return ThresholdSettings(mode, cut, float(sensitivity))


@fails_clearly("your texts")
def predict_texts(
    served: ServedModel,
    texts: list[str],
    mode: str,
    global_threshold: float | None,
    sensitivity: float,
    view: str,
) -> list[dict[str, Any]]:
    """The API's work: one result per text, bad parameters as a visible error."""
    try:
        settings = settings_of(served, mode, global_threshold, sensitivity)
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


@fails_clearly("your text")
def sentences_of(
    served: ServedModel, text: str, mode: str, global_threshold: float | None, sensitivity: float, view: str
) -> dict[str, Any]:
    """The ``/predict_sentences`` API's work: a document read sentence by sentence."""
    try:
        settings = settings_of(served, mode, global_threshold, sensitivity)
        return read_sentences(served, text, settings, view)[1]
    except ValueError as err:
        raise visitor_error(err) from None


def register(served: ServedModel) -> None:
    """Add the endpoints, answering from ``served``, to the ``gr.Blocks`` being built."""

    def predict(
        text: str,
        mode: ModeName = "calibrated",
        global_threshold: float | None = None,
        sensitivity: float = 0.0,
        view: ViewName = "emotions",
    ) -> dict[str, Any]:
        """One text: every label's probability (`scores`), the detected `labels` (strongest
        first), the `thresholds` used, whether the text was `truncated`, and whether the scores
        are `probabilities` that were `calibrated` or the model's own, `uncalibrated`.
        `global_threshold` (mode `global`) defaults to the model's best on dev."""
        if not (text or "").strip():
            raise gr.Error("Empty text: send some words to read.", print_exception=False)
        return predict_texts(served, [text], mode, global_threshold, sensitivity, view)[0]

    def predict_batch(
        texts: list[str],
        mode: ModeName = "calibrated",
        global_threshold: float | None = None,
        sensitivity: float = 0.0,
        view: ViewName = "emotions",
    ) -> list[dict[str, Any]]:
        """Many texts: one result per text, as `/predict` returns (blank texts: empty scores)."""
        return predict_texts(served, list(texts or []), mode, global_threshold, sensitivity, view)

    def predict_sentences(
        text: str,
        mode: ModeName = "calibrated",
        global_threshold: float | None = None,
        sensitivity: float = 0.0,
        view: ViewName = "emotions",
    ) -> dict[str, Any]:
        """A text read sentence by sentence: `sentences` in reading order, each with its `text`,
        `start`/`end` characters, `scores`, `labels` (and `speaker` for `Name: text` turns); the
        whole text's own `scores`/`labels`; the ISO 639-1 `language` it looks like (scores of a
        non-English text are `reliable: false`); `emotions`: which sentences carry each."""
        return sentences_of(served, text, mode, global_threshold, sensitivity, view)

    def explain(text: str, emotion: str | None = None, view: ViewName = "emotions") -> dict[str, Any]:
        """Which words raised or lowered one emotion's probability, by occlusion: a word's
        `attribution` is p(text) − p(text without that word), `start`/`end` its characters;
        `emotion` defaults to the strongest detected one (calibrated thresholds)."""
        return explain_words(served, text, emotion, view)

    views = Literal[tuple(served.labelset.views)]  # the served model's views, e.g. emotions, ekman
    for fn in (predict, predict_batch, predict_sentences, explain):
        fn.__annotations__["view"] = views
    gr.api(checked(predict), api_name="predict", concurrency_id="model")
    gr.api(checked(predict_sentences), api_name="predict_sentences", concurrency_id="model")
    gr.api(checked(explain), api_name="explain", concurrency_id="model")
    gr.api(
        checked(predict_batch),
        api_name="predict_batch",
        api_description=f"At most {MAX_ROWS} texts: one result per text, as /predict returns; "
        "blank texts get empty scores.",
        concurrency_id="model",
    )
