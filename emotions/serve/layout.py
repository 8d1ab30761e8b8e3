"""The page's parts, built inside ``gr.Blocks``: the text tab, the batch tab, the settings panel.

Each builder makes its components and returns them by name, so ``app.py`` can wire them to
the events. No logic here: what the components show is computed in :mod:`emotions.serve.events`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from emotions import limits
from emotions.limits import MAX_DOCUMENT_CHARS
from emotions.model.views import SENSITIVITY_RANGE

from . import arc, gradio_patches, render
from .controls import GLOBAL, PER_CLASS
from .events import START_HINT, WHY_HINT, why_choices
from .served import ServedModel

UNCALIBRATED = (
    "⚠️ **Thresholds not calibrated** for this model: every emotion is cut at {default}. Calibrate "
    "them on held-out data with `python -m emotions calibrate --model-dir MODEL --data-dir DATA` "
    "(or `--validation-file`), which writes the `thresholds.json` to publish beside the model."
)
UNCALIBRATED_SCORES = (
    "ℹ️ **Scores are not calibrated probabilities** for this model: a bar at 30% is the model's own "
    "score, not a 30% chance. `python -m emotions calibrate` fits the maps that make them so."
)
EXAMPLES = [
    "OMG, yep!!! That is the final answer! Thank you so much!",
    "I was so worried about you! Thank god you're safe. But honestly, I'm furious you didn't call.",
    "Anna: I got the job!!!\nBen: No way, congratulations! I'm so proud of you.\nAnna: Thanks... I'm a bit scared though.",
    "I'm so sorry for your loss. Sending you a big hug.",
    "Why would anyone think this is a good idea? I'm honestly confused.",
    "That is disgusting. I can't believe they got away with it.",
    "I was so nervous about the exam, but I passed. What a relief!",
    "The meeting moved to 3pm in room 4.",
]


def intro(served: ServedModel) -> str:
    """The page's title and what it reads, in the served model's own terms."""
    labelset, title = served.labelset, served.labelset.title("emotions")
    if labelset.is_goemotions:
        what = "Which of 27 emotions (or neutral) does an English text express?"
    else:
        what = f"Which of this model's {title} does a text express?"
    if served.classifier.multi_label:
        how = "A text can carry several at once: each is **detected** when its probability reaches its threshold."
    else:
        how = "The strongest one is **detected**, and any other whose probability reaches its threshold."
    return f"# 🎭 Emotion reader\n{what} {how}"


def html(value: str = "", **kwargs: Any) -> gr.HTML:
    """An HTML panel; its styles come once for the page (``render.CSS``, see server.launch)."""
    return gr.HTML(value, js_on_load=None, **kwargs)


@dataclass
class TextTab:
    text: gr.Textbox
    clear: gr.ClearButton
    submit: gr.Button
    examples: gr.Examples
    arc: gr.Column  # the emotion arc: shown for texts of two or more sentences
    chart: gr.LinePlot
    sentences: gr.HTML
    summary: gr.HTML
    sentence_choice: gr.Dropdown  # which sentence's emotions, bars and words are shown
    detected: gr.HTML
    why_emotion: gr.Dropdown  # which emotion's words are explained
    why_text: gr.HighlightedText
    why_info: gr.HTML
    bars: gr.HTML


def text_tab(served: ServedModel) -> TextTab:
    """One text: the box, its detected emotions, the word explanation, every emotion's bar."""
    text = gr.Textbox(
        label="Text",
        lines=1,
        max_lines=8,
        elem_id="text-input",
        placeholder="How are you feeling today?",
        info=f"Up to {MAX_DOCUMENT_CHARS:,} characters (longer text is cut), read sentence by sentence; "
        "lines like “Anna: …” read as a conversation. Enter submits, Shift+Enter adds a line.",
    )
    with gr.Row():
        clear = gr.ClearButton([text], value="Clear", size="md", scale=1, min_width=80)
        submit = gr.Button("Submit", variant="primary", elem_id="submit", scale=2, min_width=80)
    examples = gr.Examples(EXAMPLES, inputs=[text], api_visibility="private")
    with gr.Column(visible=False, elem_id="arc") as arc_box:
        gr.Markdown("### Emotion arc")
        chart = gr.LinePlot(
            x="sentence", y="probability", color="line", color_map=arc.LINE_COLORS, colors_in_legend=[],
            tooltip=["sentence", "emotion", "probability"], y_lim=[0, 1], x_title="sentence",
            y_title="probability", height=260, label="How the main emotions rise and fall", elem_id="arc-chart",
        )  # fmt: skip
        sentences = html("", elem_id="arc-sentences")
        gr.Markdown("#### The text's emotions")
        summary = html("", elem_id="arc-summary")
        sentence_choice = gr.Dropdown(
            [],
            label="Sentence to look at",
            info="Its emotions, bars and words are shown below.",
            elem_id="sentence-choice",
        )
    gr.Markdown("### Detected emotions")
    detected = html(render.hint_html(START_HINT), elem_id="detected")
    with gr.Accordion("🔍 Why? The words behind an emotion", open=True, elem_id="why"):
        why_emotion = gr.Dropdown(
            why_choices(served.labelset, "emotions"),
            value=None,
            label="Emotion to explain",
            info="The strongest detected one is picked; choose any other to see its words.",
            elem_id="why-emotion",
        )
        why_text = gr.HighlightedText(
            label="Red: the word raised the probability · purple: lowered it",
            show_legend=True,
            elem_id="why-text",
        )
        why_info = html(render.hint_html(WHY_HINT), elem_id="why-info")
    gr.Markdown("### Probability of every emotion")
    bars = html("", elem_id="bars")
    return TextTab(
        text,
        clear,
        submit,
        examples,
        arc_box,
        chart,
        sentences,
        summary,
        sentence_choice,
        detected,
        why_emotion,
        why_text,
        why_info,
        bars,
    )


@dataclass
class BatchTab:
    upload: gr.File
    status: gr.HTML
    download: gr.DownloadButton
    counts: gr.HTML
    table: gr.Dataframe


def batch_tab() -> BatchTab:
    """A file of texts: the upload, its status, the CSV download, counts and a table."""
    gr.Markdown(
        f"Upload a **.txt** file (one text per line) or a **.csv** file with a `text` column, UTF-8. "
        f"Limits: {limits.MAX_ROWS} texts, {limits.MAX_UPLOAD_BYTES // 1_000_000} MB; each text is cut to "
        f"{limits.MAX_ROW_CHARS} characters."
    )
    upload = gr.File(label="Texts file", file_types=[".txt", ".csv"], elem_id="upload")
    status = html("", elem_id="batch-status")
    download = gr.DownloadButton("Download every probability (CSV)", visible=False, elem_id="download")
    gr.Markdown("### How often each emotion was detected")
    counts = html("", elem_id="batch-counts")
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
    return BatchTab(upload, status, download, counts, table)


@dataclass
class SettingsPanel:
    view: gr.Radio
    mode: gr.Radio
    global_threshold: gr.Slider
    per_class: gr.Group
    sensitivity: gr.Slider
    threshold_emotion: gr.Dropdown  # which row's threshold to inspect or override
    threshold_value: gr.Slider
    threshold_info: gr.HTML
    reset_one: gr.Button
    reset_all: gr.Button


def settings_panel(served: ServedModel) -> SettingsPanel:
    """The view, the threshold mode, and per-class sensitivity and overrides."""
    labelset, calibrated = served.labelset, served.calibration.is_calibrated
    gr.Markdown("### View and thresholds")
    if not calibrated:
        default = "0.5" if served.classifier.multi_label else "the strongest one only"
        gr.Markdown(UNCALIBRATED.format(default=default), elem_id="uncalibrated")
    if served.classifier.probabilities == "uncalibrated":
        gr.Markdown(UNCALIBRATED_SCORES, elem_id="uncalibrated-scores")
    views = [(labelset.title(v), v) for v in labelset.views]
    view = gr.Radio(views, value="emotions", label="View", elem_id="view", visible=len(views) > 1)
    if calibrated:
        per_class_label = "Calibrated per class"
        per_class_info = "Calibrated: each emotion has its own threshold, tuned on held-out data."
    else:  # the page's per-class mode is the model's "calibrated" one, so say what it holds here
        until = "all are 0.5" if served.classifier.multi_label else "only the strongest emotion is detected"
        per_class_label = "Per class (not calibrated)"
        per_class_info = (
            f"Per class: each emotion has its own threshold; this model's are not calibrated, so {until} "
            "until you override one."
        )
    mode = gr.Radio(
        [(per_class_label, PER_CLASS), ("Global", GLOBAL)],
        value=PER_CLASS,
        label="Threshold",
        elem_id="mode",
        info=f"{per_class_info} Global: one threshold for all.",
    )
    global_threshold = gr.Slider(
        0.01,
        0.99,
        value=served.calibration.global_default,
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
            info=f"Shifts every {'calibrated' if calibrated else 'per-class'} threshold together: + detects "
            "more, − fewer (+1 turns a 0.50 threshold into 0.27).",
        )
        threshold_emotion = gr.Dropdown(
            list(labelset.labels),
            value=labelset.labels[0],
            label="Inspect one threshold",
            elem_id="threshold-emotion",
        )
        threshold_value = gr.Slider(
            0.01, 0.99, step=0.01, label="Its threshold (drag to override)", elem_id="threshold-value"
        )
        threshold_info = html("", elem_id="threshold-info", padding=True)
        with gr.Row():
            reset_one = gr.Button("Reset this one", size="sm")
            reset_all = gr.Button("Reset all", size="sm")
    return SettingsPanel(
        view,
        mode,
        global_threshold,
        per_class,
        sensitivity,
        threshold_emotion,
        threshold_value,
        threshold_info,
        reset_one,
        reset_all,
    )


def footer_html(served: ServedModel) -> str:
    score = f"{served.macro_f1:.3f}" if served.macro_f1 is not None else "not reported"
    if served.labelset.is_goemotions:
        data = "trained on GoEmotions (Reddit comments, English) · "
    elif served.datasets:
        data = f"trained on {render.escape(', '.join(served.datasets))} · "
    else:
        data = ""
    # the promise holds only where the patches that keep texts out of logs apply (gradio_patches)
    private = "texts are not logged; " if gradio_patches.supported() else ""
    return (
        f'<p id="footer">Model: <code>{render.escape(served.source)}</code> '
        f"({render.escape(served.classifier.backend)}) · "
        f"{render.escape(served.metric_name)}: <b>{score}</b> · {data}"
        f"{private}uploads and results are deleted within the hour.</p>"
    )
