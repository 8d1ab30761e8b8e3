"""Emotion reader: a Gradio page that shows the emotions in a text as emojis and bars.

``python app.py`` serves it on ``$GRADIO_SERVER_NAME:$GRADIO_SERVER_PORT`` (default
``0.0.0.0:7860``); ``import app`` only builds it. Which model is served is read from
the environment (see :mod:`emotions.serving`). One function per event below; the HTML,
threshold math, upload parsing and word explanations live in ``emotions.render``,
``emotions.cutoffs``, ``emotions.batch`` and ``emotions.explain``.
"""

from __future__ import annotations

import logging
import os
import traceback
from functools import partial, wraps
from typing import Any, Literal

import gradio as gr
import numpy as np
from gradio.utils import get_upload_folder
from starlette.middleware import Middleware

from emotions import batch, explain, render, sessions
from emotions.bodylimit import BodyLimit
from emotions.cutoffs import (
    SENSITIVITY_RANGE,
    Settings,
    detected_matrix,
    override_key,
    score_rows,
)
from emotions.labels import VIEWS, emoji_for
from emotions.serving import ServedModel, limit_malloc_arenas, load_served_model

logger = logging.getLogger("emotions.app")

EXAMPLES = [
    "OMG, yep!!! That is the final answer! Thank you so much!",
    "I'm so sorry for your loss. Sending you a big hug.",
    "Why would anyone think this is a good idea? I'm honestly confused.",
    "That is disgusting. I can't believe they got away with it.",
    "I was so nervous about the exam, but I passed. What a relief!",
    "The meeting moved to 3pm in room 4.",
]
VIEW_CHOICES = [("28 emotions", "emotions"), ("Ekman's 6 + neutral", "ekman"), ("Sentiment", "sentiment")]
MODE_CHOICES = [("Calibrated per class", "calibrated"), ("Global", "global")]
START_HINT = "Type a text (or pick an example) and press Submit or Enter."
ENV_HINT = (
    " (Set EMOTIONS_MODEL_REPO to a Hub model id, or EMOTIONS_MODEL_DIR and EMOTIONS_THRESHOLDS"
    " to a local checkpoint folder and thresholds.json.)"
)
EMPTY_HINT = "Nothing to read yet: type some text first."
WHY_HINT = "Submit a text to see which of its words raised or lowered each emotion."
MODEL_CONCURRENCY = 1  # model calls at once (see the queue settings at the end of build_demo)
QUEUE_SIZE = 100  # events waiting at most, all kinds together
SESSION_CAPACITY = 1000  # sessions whose state is kept (see launch)
FAILED = "Something went wrong while reading {what}; nothing was kept. Please try again."
THEME = gr.themes.Soft(primary_hue="violet", neutral_hue="slate")
PAGE_CSS = """
.gradio-container { max-width: 1180px !important; margin: 0 auto; }
#footer { font-size: var(--text-sm); color: var(--body-text-color-subdued); text-align: center; }
"""
ViewName = Literal["emotions", "ekman", "sentiment"]
ModeName = Literal["calibrated", "global"]


def _settings(mode: str, global_t: float, sensitivity: float, overrides: dict | None = None) -> Settings:
    return Settings(mode, float(global_t), float(sensitivity), dict(overrides or {}))


def _clip_notice(n_chars: int) -> str:
    return f"Your text has {n_chars:,} characters; only the first {batch.MAX_CHARS} were read."


def fails_clearly(what: str):
    """An unexpected error inside an event fails that request only, with a clear message.

    Exception messages can quote the visitor's text, so only the error's type and where it
    was raised are logged; Gradio is told not to print the traceback either.
    """

    def decorate(fn):
        @wraps(fn)
        def guarded(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as err:
                frame = traceback.extract_tb(err.__traceback__)[-1]
                where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
                logger.error(
                    "%s failed: %s at %s (message not logged).", fn.__name__, type(err).__name__, where
                )
                raise gr.Error(FAILED.format(what=what), print_exception=False) from None

        return guarded

    return decorate


# ---- single text ---------------------------------------------------------------------------


@fails_clearly("your text")
def analyze(
    served: ServedModel, text: str, view: str, mode: str, global_t: float, sensitivity: float, overrides: dict
) -> tuple[dict | None, str, str]:
    """Submit: score the text once; keep its probabilities for re-rendering."""
    text = text or ""
    if not text.strip():
        return None, render.hint_html(EMPTY_HINT), ""
    clipped, cut = batch.clip_text(text)
    probs = served.classifier.predict_proba([clipped])[0]
    logger.info("Scored one text (%d characters%s).", len(clipped), ", clipped" if cut else "")
    cached = {"probs": probs.tolist(), "notice": _clip_notice(len(text)) if cut else None}
    return (cached, *rerender(served, cached, view, mode, global_t, sensitivity, overrides))


def rerender(
    served: ServedModel,
    cached: dict | None,
    view: str,
    mode: str,
    global_t: float,
    sensitivity: float,
    overrides: dict,
) -> tuple[str, str]:
    """Any threshold or view change: cut the kept probabilities again (no model call)."""
    if not cached:
        return gr.skip(), gr.skip()
    settings = _settings(mode, global_t, sensitivity, overrides)
    probs = np.asarray(cached["probs"], dtype=np.float32)
    rows = score_rows(probs, served.classifier.labels, view, served.calibration, settings)
    trust = served.reliability if view == "emotions" else None  # the report scores labels only
    return render.detected_html(rows, cached.get("notice"), trust), render.bars_html(rows, trust)


# ---- why: word explanations ----------------------------------------------------------------


def why_choices(view: str) -> list[tuple[str, str]]:
    return [(f"{emoji_for(name)} {name}", name) for name in VIEWS[view]]


def show_why(expl: explain.Explanation | None, name: str | None, view: str) -> tuple:
    """Emotion picked: its words from the kept explanation (no model call)."""
    if expl is None or not name or name not in VIEWS[view]:
        return gr.skip(), gr.skip()
    raised, lowered = explain.top_words(expl, name, view)
    info = render.why_html(name, expl.probability(name, view), raised, lowered, explain.METHOD_NOTE)
    return explain.highlights(expl, name, view), info


@fails_clearly("your text")
def explain_text(
    served: ServedModel,
    text: str,
    expl: explain.Explanation | None,
    view: str,
    mode: str,
    global_t: float,
    sensitivity: float,
    overrides: dict,
) -> tuple:
    """After Submit: every word's attribution for every emotion, in one batched model call
    (none when this text is the one already explained); the strongest detected is shown."""
    clipped, _ = batch.clip_text(text or "")
    if not clipped.strip():
        return None, gr.update(choices=why_choices(view), value=None), None, render.hint_html(WHY_HINT)
    if expl is None or expl.text != clipped:
        expl = explain.explain(served.classifier, clipped)
    name = served.strongest(expl.full, view, _settings(mode, global_t, sensitivity, overrides))
    return expl, gr.update(choices=why_choices(view), value=name), *show_why(expl, name, view)


def why_view(
    served: ServedModel,
    expl: explain.Explanation | None,
    view: str,
    mode: str,
    global_t: float,
    sensitivity: float,
    overrides: dict,
) -> tuple:
    """View switch: the view's rows to pick from, its strongest detected one shown."""
    if expl is None:
        return gr.update(choices=why_choices(view), value=None), gr.skip(), gr.skip()
    name = served.strongest(expl.full, view, _settings(mode, global_t, sensitivity, overrides))
    return gr.update(choices=why_choices(view), value=name), *show_why(expl, name, view)


def clear_why() -> tuple:
    return None, None, render.hint_html(WHY_HINT)


# ---- threshold controls --------------------------------------------------------------------


def show_mode(mode: str) -> tuple[dict, dict]:
    """Mode switch: the global slider in global mode, per-class controls otherwise."""
    return gr.update(visible=mode == "global"), gr.update(visible=mode == "calibrated")


def view_names(view: str) -> dict:
    """View switch: the names one can inspect are the view's rows."""
    names = list(VIEWS[view])
    return gr.update(choices=names, value=names[0])


def inspect_threshold(
    served: ServedModel, name: str | None, view: str, sensitivity: float, overrides: dict
) -> tuple[dict, str]:
    """Show one row's threshold in force, and where it comes from."""
    if not name or name not in VIEWS[view]:
        return gr.update(), ""
    settings = _settings("calibrated", 0.5, sensitivity, overrides)
    (value,), (overridden,) = served.calibration.thresholds(view, [name], settings)
    calibrated = served.calibration.calibrated(view, name)
    if overridden:
        source = f"set by you (calibrated: {calibrated:.2f})"
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
def score_file(
    served: ServedModel,
    path: str | None,
    view: str,
    mode: str,
    global_t: float,
    sensitivity: float,
    overrides: dict,
) -> tuple:
    """Upload: parse with limits, score every text once, tabulate."""
    try:
        texts = batch.parse_upload(path)
    except (ValueError, OSError) as err:
        reason = getattr(err, "strerror", None) or type(err).__name__  # no server paths shown
        message = (
            str(err)
            if isinstance(err, ValueError)
            else f"Could not read the upload ({reason}): upload it again."
        )
        return (
            None,
            render.notice_html(f"⚠️ {message}", error=True),
            None,
            "",
            gr.update(value=None, visible=False),
        )
    finally:
        batch.discard_upload(path, get_upload_folder())  # read once, then deleted: uploads are not kept
    clipped = [batch.clip_text(t) for t in texts]
    probs = served.classifier.predict_proba([t for t, _ in clipped], batch_size=32)
    logger.info("Scored a batch of %d texts.", len(texts))
    n_cut = sum(cut for _, cut in clipped)
    note = f"Scored {len(texts)} texts."
    if n_cut:
        note += f" {n_cut} longer than {batch.MAX_CHARS} characters were cut to that length."
    cached = {"texts": [t for t, _ in clipped], "probs": probs.tolist(), "notice": note}
    return (cached, *rerender_batch(served, cached, view, mode, global_t, sensitivity, overrides))


def rerender_batch(
    served: ServedModel,
    cached: dict | None,
    view: str,
    mode: str,
    global_t: float,
    sensitivity: float,
    overrides: dict,
) -> tuple:
    """Batch results at the current thresholds and view: status, table, chart, CSV."""
    if not cached:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    labels = served.classifier.labels
    probs = np.asarray(cached["probs"], dtype=np.float32)
    settings = _settings(mode, global_t, sensitivity, overrides)
    names, values, passed = detected_matrix(probs, labels, view, served.calibration, settings)
    found = batch.detected_names(names, values, passed)
    table = batch.results_table(cached["texts"], found)
    chart = render.counts_html(batch.detection_counts(names, passed), len(cached["texts"]))
    path = batch.write_csv(cached["texts"], labels, probs, found)
    status = render.notice_html(cached["notice"])
    return status, table, chart, gr.update(value=str(path), visible=True)


# ---- API -----------------------------------------------------------------------------------


@fails_clearly("your texts")
def predict_texts(
    served: ServedModel, texts: list[str], mode: str, global_threshold: float, sensitivity: float, view: str
) -> list[dict[str, Any]]:
    """The API's work: one result per text, bad parameters as a visible error."""
    try:
        return served.predict(texts, _settings(mode, global_threshold, sensitivity), view)
    except ValueError as err:
        raise gr.Error(str(err), print_exception=False) from None  # a visitor's mistake: no traceback


@fails_clearly("your text")
def explain_words(served: ServedModel, text: str, emotion: str | None, view: str) -> dict[str, Any]:
    """The ``/explain`` API's work: one emotion's word attributions, mistakes as clear errors."""
    try:
        return served.explain(text, emotion or None, _settings("calibrated", 0.5, 0.0), view)[1]
    except ValueError as err:
        raise gr.Error(str(err), print_exception=False) from None


# ---- page ----------------------------------------------------------------------------------


def footer_html(served: ServedModel) -> str:
    score = f"{served.macro_f1:.3f}" if served.macro_f1 is not None else "not reported"
    return (
        f'<p id="footer">Model: <code>{render.escape(served.source)}</code> '
        f"({render.escape(served.classifier.backend)}) · "
        f"{render.escape(served.metric_name)}: <b>{score}</b> · trained on GoEmotions (Reddit comments, "
        "English) · texts are not logged; uploads and results are deleted within the hour.</p>"
    )


def _html(value: str = "", **kwargs: Any) -> gr.HTML:
    return gr.HTML(value, css_template=render.CSS, js_on_load=None, **kwargs)


def build_demo(served: ServedModel) -> gr.Blocks:
    """The page, wired to ``served``; not launched."""
    # delete_cache: every 10 minutes, Gradio deletes the files it keeps (CSV results) once older
    # than 50 minutes, so none lives past the hour the footer promises.
    with gr.Blocks(title="Emotion reader", analytics_enabled=False, delete_cache=(600, 3000)) as demo:
        gr.Markdown(
            "# 🎭 Emotion reader\nWhich of 28 emotions does an English text express? A text can carry "
            "several at once: each emotion is **detected** when its probability reaches its threshold."
        )
        cached, batch_cached, overrides = gr.State(None), gr.State(None), gr.State({})
        why_cached = gr.State(None)  # the last text's explanation: every word, every emotion
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=320):
                with gr.Tabs():
                    with gr.Tab("Text", id="text"):
                        text = gr.Textbox(
                            label="Text",
                            lines=1,
                            max_lines=8,
                            elem_id="text-input",
                            placeholder="How are you feeling today?",
                            info=f"Up to {batch.MAX_CHARS} characters (longer text is cut). "
                            "Enter submits, Shift+Enter adds a line.",
                        )
                        with gr.Row():
                            clear = gr.ClearButton([text], value="Clear", size="md", scale=1, min_width=80)
                            submit = gr.Button(
                                "Submit", variant="primary", elem_id="submit", scale=2, min_width=80
                            )
                        examples = gr.Examples(EXAMPLES, inputs=[text], api_visibility="private")
                        gr.Markdown("### Detected emotions")
                        detected = _html(render.hint_html(START_HINT), elem_id="detected")
                        with gr.Accordion("🔍 Why? The words behind an emotion", open=True, elem_id="why"):
                            why_pick = gr.Dropdown(
                                why_choices("emotions"),
                                value=None,
                                label="Emotion to explain",
                                info="The strongest detected one is picked; choose any other to see its words.",
                                elem_id="why-pick",
                            )
                            why_text = gr.HighlightedText(
                                label="Red: the word raised the probability · purple: lowered it",
                                show_legend=True,
                                elem_id="why-text",
                            )
                            why_info = _html(render.hint_html(WHY_HINT), elem_id="why-info")
                        gr.Markdown("### Probability of every emotion")
                        bars = _html("", elem_id="bars")
                    with gr.Tab("Batch", id="batch"):
                        gr.Markdown(
                            f"Upload a **.txt** file (one text per line) or a **.csv** file with a "
                            f"`text` column, UTF-8. Limits: {batch.MAX_ROWS} texts, "
                            f"{batch.MAX_BYTES // 1_000_000} MB; each text is cut to "
                            f"{batch.MAX_CHARS} characters."
                        )
                        upload = gr.File(label="Texts file", file_types=[".txt", ".csv"], elem_id="upload")
                        batch_status = _html("", elem_id="batch-status")
                        download = gr.DownloadButton(
                            "Download every probability (CSV)", visible=False, elem_id="download"
                        )
                        gr.Markdown("### How often each emotion was detected")
                        counts = _html("", elem_id="batch-counts")
                        table = gr.Dataframe(
                            headers=["text", "detected"],
                            datatype=["str", "str"],
                            show_row_numbers=True,
                            column_widths=["52%", "40%"],
                            interactive=False,
                            wrap=True,
                            label="Detected emotions per text",
                            elem_id="batch-table",
                        )
            with gr.Column(scale=3, min_width=280, elem_id="settings"):
                gr.Markdown("### View and thresholds")
                view = gr.Radio(VIEW_CHOICES, value="emotions", label="View", elem_id="view")
                mode = gr.Radio(
                    MODE_CHOICES,
                    value="calibrated",
                    label="Threshold",
                    elem_id="mode",
                    info="Calibrated: each emotion has its own threshold, tuned on held-out data. "
                    "Global: one threshold for all.",
                )
                global_t = gr.Slider(
                    0.01,
                    0.99,
                    value=0.5,
                    step=0.01,
                    label="Global threshold",
                    visible=False,
                    elem_id="global-threshold",
                )
                with gr.Group(visible=True) as per_class:
                    sensitivity = gr.Slider(
                        *SENSITIVITY_RANGE,
                        value=0.0,
                        step=0.1,
                        label="Sensitivity",
                        elem_id="sensitivity",
                        info="Shifts every calibrated threshold together: + detects more, − fewer "
                        "(+1 turns a 0.50 threshold into 0.27).",
                    )
                    pick = gr.Dropdown(
                        list(VIEWS["emotions"]),
                        value="admiration",
                        label="Inspect one threshold",
                        elem_id="pick",
                    )
                    pick_value = gr.Slider(
                        0.01,
                        0.99,
                        step=0.01,
                        label="Its threshold (drag to override)",
                        elem_id="pick-threshold",
                    )
                    pick_info = _html("", elem_id="pick-info", padding=True)
                    with gr.Row():
                        reset_one = gr.Button("Reset this one", size="sm")
                        reset = gr.Button("Reset all", size="sm")
        gr.HTML(footer_html(served), js_on_load=None)

        settings = [view, mode, global_t, sensitivity, overrides]
        private = {"api_visibility": "private"}
        model = {"api_visibility": "private", "concurrency_id": "model"}  # one model call at a time
        fast = {"api_visibility": "private", "concurrency_limit": None, "show_progress": "hidden"}
        run = partial(analyze, served)
        why = partial(explain_text, served)  # after the scores show: one more batched model call
        why_io = ([text, why_cached, *settings], [why_cached, why_pick, why_text, why_info])
        gr.on([submit.click, text.submit], run, [text, *settings], [cached, detected, bars], **model).success(
            why, *why_io, **model
        )
        examples.load_input_event.then(run, [text, *settings], [cached, detected, bars], **model).success(
            why, *why_io, **model
        )
        clear.click(
            lambda: (None, render.hint_html(START_HINT), ""), None, [cached, detected, bars], **private
        )
        clear.click(clear_why, None, [why_cached, why_text, why_info], **private)
        why_pick.input(show_why, [why_cached, why_pick, view], [why_text, why_info], **fast)
        view.change(
            partial(why_view, served), [why_cached, *settings], [why_pick, why_text, why_info], **fast
        )
        score = partial(score_file, served)
        upload.upload(
            score, [upload, *settings], [batch_cached, batch_status, table, counts, download], **model
        )

        redraw = [view.change, mode.change, global_t.change, sensitivity.change, overrides.change]
        gr.on(
            redraw,
            partial(rerender, served),
            [cached, *settings],
            [detected, bars],
            trigger_mode="always_last",
            **fast,
        )
        gr.on(
            redraw,
            partial(rerender_batch, served),
            [batch_cached, *settings],
            [batch_status, table, counts, download],
            trigger_mode="always_last",
            **fast,
        )
        mode.change(show_mode, mode, [global_t, per_class], **fast)
        view.change(view_names, view, pick, **fast)
        look = partial(inspect_threshold, served)
        gr.on(
            [pick.change, sensitivity.change, overrides.change, demo.load],
            look,
            [pick, view, sensitivity, overrides],
            [pick_value, pick_info],
            **fast,
        )
        pick_value.input(set_override, [pick, pick_value, view, overrides], overrides, **fast)
        reset_one.click(reset_override, [pick, view, overrides], overrides, **fast)
        reset.click(reset_all, None, overrides, **fast)

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

        def explain_api(text: str, emotion: str | None = None, view: ViewName = "emotions") -> dict[str, Any]:
            """Which words raised or lowered one emotion's probability, by occlusion: a word's
            `attribution` is p(text) − p(text without that word), `start`/`end` its characters;
            `emotion` defaults to the strongest detected one (calibrated thresholds)."""
            return explain_words(served, text, emotion, view)

        gr.api(predict, api_name="predict", concurrency_id="model")
        gr.api(explain_api, api_name="explain", concurrency_id="model")
        gr.api(
            predict_batch,
            api_name="predict_batch",
            api_description=f"At most {batch.MAX_ROWS} texts: one result per text, as /predict returns; "
            "blank texts get empty scores.",
            concurrency_id="model",
        )
    # The queue, set deliberately for a 2-vCPU Space:
    # - Model events (Submit, upload, /predict, /predict_batch) share concurrency_id "model"
    #   and run one at a time: a forward pass is CPU-bound and torch already spreads one over
    #   both cores, so two at once only contend (each slower, no more throughput) and double
    #   the activation memory. Waiting events are served first come, first served.
    # - Re-render events (thresholds, view, inspect) cost milliseconds and never touch the
    #   model: they set concurrency_limit=None, so they never wait behind model calls.
    # - max_size=100 bounds what a burst can pile up (each waiting event holds its request):
    #   twice the 50 concurrent API clients the load test drives (scripts/loadtest.py), each
    #   with one request in flight, plus room for page visitors. Past it a visitor is told
    #   at once that the queue is full instead of waiting minutes.
    demo.queue(default_concurrency_limit=MODEL_CONCURRENCY, max_size=QUEUE_SIZE)
    # Gradio keeps stats of the last 10,000 events for its monitoring page (off here): memory
    # that grows by megabytes per thousand requests for nothing. The last 1,000 are plenty.
    demo._queue.ANALYTICS_MAX_EVENTS = min(demo._queue.ANALYTICS_MAX_EVENTS, 1000)
    # ... and it rebuilds their summary (a pandas DataFrame of all of them) after every event:
    # about 3 ms of each /predict on 2 cores (profiled). Once per 1,000 events is enough.
    demo._queue.ANAYLTICS_CACHE_FREQUENCY = max(demo._queue.ANAYLTICS_CACHE_FREQUENCY, 1000)
    # Each plain-HTTP call's fresh session rendered all 64 components' configs, for deep links
    # this page does not offer: about 6 ms of a /predict. Built on demand instead.
    sessions.defer_session_configs()
    return demo


def launch(demo: gr.Blocks, **kwargs: Any):
    """Serve ``demo`` on ``$GRADIO_SERVER_NAME:$GRADIO_SERVER_PORT`` (default 0.0.0.0:7860)."""
    options = {
        "server_name": os.environ.get("GRADIO_SERVER_NAME") or "0.0.0.0",
        "server_port": int(os.environ.get("GRADIO_SERVER_PORT") or 7860),
        "theme": THEME,
        "css": PAGE_CSS,
        "footer_links": ["api", "gradio"],
        "max_file_size": 10 * batch.MAX_BYTES,  # hard cap; batch.parse_upload explains the real limit
        # Gradio's run history keeps each API call's inputs (the visitor's text) in the browser
        # or a Hub bucket: off, like flagging. Nothing a visitor types is kept.
        "run_history": False,
        # Every API call without a session (curl, plain HTTP) gets a session of its own, and
        # Gradio keeps the last 10,000 sessions. Each held a copy of the page config (93 KB
        # here, so up to 0.9 GB) until emotions.sessions deferred it (about 4 KB a session
        # now, plus what its events touch). 1,000 sessions bound the rest; a visitor's state
        # (results, overrides) is dropped only after 1,000 newer sessions.
        "state_session_capacity": SESSION_CAPACITY,
        "app_kwargs": {"middleware": [Middleware(BodyLimit)]},  # 413 for huge bodies, before parsing
        **kwargs,
    }
    batch.keep_pruning()  # our own copies of the CSV results go too, even if no one uploads again
    return demo.launch(**options)


def load_or_exit() -> ServedModel:
    """The served model, or one clear start-up error naming the file and the problem."""
    try:
        return load_served_model()
    except (FileNotFoundError, ValueError, OSError) as err:
        hint = ENV_HINT if isinstance(err, FileNotFoundError) else ""
        raise SystemExit(f"Emotion reader cannot start: {err}{hint}") from None


if __name__ == "__main__":  # before the model loads, so its messages show
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    limit_malloc_arenas()  # memory stays flat under load (see its docstring)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # gradio's own start-up requests
SERVED = load_or_exit()
demo = build_demo(SERVED)

if __name__ == "__main__":
    launch(demo)
