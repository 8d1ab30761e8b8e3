"""One plain function per page event, of the served model and the event's inputs.

Each returns what its outputs show; none needs a browser, so tests call them directly.
Model calls happen in :func:`analyze`, :func:`explain_text` and :func:`score_file` only;
every other event re-cuts probabilities already kept in a ``gr.State`` (no model call).
The settings panel reaches the events as one :class:`Controls` (see :func:`bind`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr
import numpy as np
from gradio.utils import get_upload_folder

from emotions.labels import LabelSet, emoji_for
from emotions.model import explain

from . import render, uploads
from .privacy import fails_clearly
from .served import ServedModel
from .views import ThresholdSettings, detected_matrix, override_key, score_rows

logger = logging.getLogger("emotions.app")
START_HINT = "Type a text (or pick an example) and press Submit or Enter."
EMPTY_HINT = "Nothing to read yet: type some text first."
WHY_HINT = "Submit a text to see which of its words raised or lowered each emotion."


@dataclass(frozen=True)
class Controls:
    """The settings panel, read once: the view, and how thresholds are set."""

    view: str = "emotions"
    mode: str = "calibrated"
    global_threshold: float = 0.5
    sensitivity: float = 0.0
    overrides: dict[str, float] = field(default_factory=dict)  # key: "view:name"

    @property
    def thresholds(self) -> ThresholdSettings:
        return ThresholdSettings(
            self.mode, float(self.global_threshold), float(self.sensitivity), dict(self.overrides or {})
        )


N_CONTROLS = 5  # Controls' fields: the last inputs of every event bound with bind()


def bind(fn: Callable, served: ServedModel) -> Callable:
    """``fn`` as a Gradio event on ``served``: its last five inputs become one :class:`Controls`."""

    def event(*inputs):
        return fn(served, *inputs[:-N_CONTROLS], Controls(*inputs[-N_CONTROLS:]))

    event.__name__, event.__doc__, event.func = fn.__name__, fn.__doc__, fn  # .func: as a partial's
    return event


def _clip_notice(n_chars: int) -> str:
    return f"Your text has {n_chars:,} characters; only the first {uploads.MAX_CHARS} were read."


# ---- single text ---------------------------------------------------------------------------


@fails_clearly("your text")
def analyze(served: ServedModel, text: str | None, controls: Controls) -> tuple[dict | None, str, str]:
    """Submit: score the text once; keep its probabilities for re-rendering."""
    text = text or ""
    if not text.strip():
        return None, render.hint_html(EMPTY_HINT), ""
    clipped, cut = uploads.clip_text(text)
    probs = served.classifier.predict_proba([clipped])[0]
    logger.info("Scored one text (%d characters%s).", len(clipped), ", clipped" if cut else "")
    scores = {"probs": probs.tolist(), "notice": _clip_notice(len(text)) if cut else None}
    return (scores, *rerender(served, scores, controls))


def rerender(served: ServedModel, scores: dict | None, controls: Controls) -> tuple[str, str]:
    """Any threshold or view change: cut the kept probabilities again (no model call)."""
    if not scores:
        return gr.skip(), gr.skip()
    probs = np.asarray(scores["probs"], dtype=np.float32)
    rows = score_rows(probs, controls.view, served.calibration, controls.thresholds)
    reliability = served.reliability if controls.view == "emotions" else None  # labels only
    return render.detected_html(rows, scores.get("notice"), reliability), render.bars_html(rows, reliability)


def clear_text() -> tuple[None, str, str]:
    return None, render.hint_html(START_HINT), ""


# ---- why: word explanations ----------------------------------------------------------------


def why_choices(labelset: LabelSet, view: str) -> list[tuple[str, str]]:
    return [(f"{emoji_for(name)} {name}", name) for name in labelset.groups(view)]


def show_why(expl: explain.Explanation | None, name: str | None, view: str) -> tuple:
    """Emotion picked: its words from the kept explanation (no model call)."""
    if expl is None or not name or name not in expl.labelset.views.get(view, {}):
        return gr.skip(), gr.skip()
    raised, lowered = explain.top_words(expl, name, view)
    info = render.why_html(name, expl.probability(name, view), raised, lowered, explain.METHOD_NOTE)
    return explain.highlights(expl, name, view), info


@fails_clearly("your text")
def explain_text(
    served: ServedModel, text: str | None, expl: explain.Explanation | None, controls: Controls
) -> tuple:
    """After Submit: every word's attribution for every emotion, in one batched model call
    (none when this text is the one already explained); the strongest detected is shown."""
    clipped, _ = uploads.clip_text(text or "")
    view = controls.view
    if not clipped.strip():
        return (
            None,
            gr.update(choices=why_choices(served.labelset, view), value=None),
            None,
            render.hint_html(WHY_HINT),
        )
    if expl is None or expl.text != clipped:
        expl = explain.explain(served.classifier, clipped)
    name = served.strongest(expl.full, view, controls.thresholds)
    return (
        expl,
        gr.update(choices=why_choices(served.labelset, view), value=name),
        *show_why(expl, name, view),
    )


def why_view(served: ServedModel, expl: explain.Explanation | None, controls: Controls) -> tuple:
    """View switch: the view's rows to pick from, its strongest detected one shown."""
    view = controls.view
    if expl is None:
        return gr.update(choices=why_choices(served.labelset, view), value=None), gr.skip(), gr.skip()
    name = served.strongest(expl.full, view, controls.thresholds)
    return gr.update(choices=why_choices(served.labelset, view), value=name), *show_why(expl, name, view)


def clear_why() -> tuple:
    return None, None, render.hint_html(WHY_HINT)


# ---- threshold controls --------------------------------------------------------------------


def show_mode(mode: str) -> tuple[dict, dict]:
    """Mode switch: the global slider in global mode, per-class controls otherwise."""
    return gr.update(visible=mode == "global"), gr.update(visible=mode == "calibrated")


def view_names(served: ServedModel, view: str) -> dict:
    """View switch: the names one can inspect are the view's rows."""
    names = served.labelset.groups(view)
    return gr.update(choices=names, value=names[0])


def inspect_threshold(
    served: ServedModel, name: str | None, view: str, sensitivity: float, overrides: dict
) -> tuple[dict, str]:
    """Show one row's threshold in force, and where it comes from."""
    if not name or name not in served.labelset.views.get(view, {}):
        return gr.update(), ""
    settings = ThresholdSettings("calibrated", 0.5, float(sensitivity), dict(overrides or {}))
    (value,), (overridden,) = served.calibration.thresholds(view, [name], settings)
    calibrated = served.calibration.calibrated(view, name)
    if overridden:
        source = f"set by you (calibrated: {calibrated:.2f})"
    elif not served.calibration.is_calibrated:
        source = "not calibrated: the default" + (
            f", shifted by sensitivity {sensitivity:+.1f}" if sensitivity else ""
        )
    elif sensitivity:
        source = f"calibrated {calibrated:.2f}, shifted by sensitivity {sensitivity:+.1f}"
    else:
        source = "calibrated on the dev set"
    info = f"{render.escape(name)}: <b>{value:.2f}</b>, {render.escape(source)}"
    return gr.update(value=round(float(value), 2)), f'<p class="emo-hint">{info}</p>'


def set_override(name: str | None, value: float, view: str, overrides: dict) -> dict:
    """Override slider moved by the visitor: that row's threshold becomes ``value``."""
    if not name:
        return overrides
    return {**(overrides or {}), override_key(view, name): float(value)}


def reset_override(name: str | None, view: str, overrides: dict) -> dict:
    return {k: v for k, v in (overrides or {}).items() if k != override_key(view, name or "")}


def reset_all() -> dict:
    return {}


# ---- batch ---------------------------------------------------------------------------------


@fails_clearly("your file")
def score_file(served: ServedModel, path: str | None, controls: Controls) -> tuple:
    """Upload: parse with limits, score every text once, tabulate."""
    try:
        texts = uploads.parse_upload(path)
    except (ValueError, OSError) as err:
        reason = getattr(err, "strerror", None) or type(err).__name__  # no server paths shown
        message = (
            str(err)
            if isinstance(err, ValueError)
            else f"Could not read the upload ({reason}): upload it again."
        )
        hidden = gr.update(value=None, visible=False)
        return None, render.notice_html(f"⚠️ {message}", error=True), None, "", hidden
    finally:
        uploads.discard_upload(path, get_upload_folder())  # read once, then deleted: uploads are not kept
    clipped = [uploads.clip_text(t) for t in texts]
    probs = served.classifier.predict_proba([t for t, _ in clipped], batch_size=32)
    logger.info("Scored a batch of %d texts.", len(texts))
    n_cut = sum(cut for _, cut in clipped)
    note = f"Scored {len(texts)} texts."
    if n_cut:
        note += f" {n_cut} longer than {uploads.MAX_CHARS} characters were cut to that length."
    scores = {"texts": [t for t, _ in clipped], "probs": probs.tolist(), "notice": note}
    return (scores, *rerender_batch(served, scores, controls))


def rerender_batch(served: ServedModel, scores: dict | None, controls: Controls) -> tuple:
    """Batch results at the current thresholds and view: status, table, chart, CSV."""
    if not scores:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    labels = served.classifier.labels
    probs = np.asarray(scores["probs"], dtype=np.float32)
    names, values, passed = detected_matrix(probs, controls.view, served.calibration, controls.thresholds)
    found = uploads.detected_names(names, values, passed)
    table = uploads.results_table(scores["texts"], found)
    chart = render.counts_html(uploads.detection_counts(names, passed), len(scores["texts"]))
    path = uploads.write_csv(scores["texts"], labels, probs, found)
    status = render.notice_html(scores["notice"])
    return status, table, chart, gr.update(value=str(path), visible=True)
