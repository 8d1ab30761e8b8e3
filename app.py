"""Emotion reader: a Gradio page that shows the emotions in a text as emojis and bars.

``python app.py`` serves it on ``$GRADIO_SERVER_NAME:$GRADIO_SERVER_PORT`` (default
``0.0.0.0:7860``); ``import app`` only builds it. Which model is served is read from the
environment (see :mod:`emotions.serve.served`). This file is the layout and the wiring; the
event functions are :mod:`emotions.serve.events`, the API :mod:`emotions.serve.api`, the
page's parts :mod:`emotions.serve.layout` and the queue and launch :mod:`emotions.serve.server`.
"""

from __future__ import annotations

from functools import partial

import gradio as gr

from emotions import text
from emotions.serve import api, controls, events, layout, server
from emotions.serve.controls import bind, control_inputs
from emotions.serve.served import ServedModel

PRIVATE = {"api_visibility": "private"}  # page events: not part of the API
MODEL = {**PRIVATE, "concurrency_id": "model"}  # events that call the model: one at a time
QUICK = {**PRIVATE, "concurrency_limit": None, "show_progress": "hidden"}  # never wait behind it


def build_demo(served: ServedModel) -> gr.Blocks:
    """The page, wired to ``served``; not launched."""
    with gr.Blocks(title="Emotion reader", analytics_enabled=False, delete_cache=server.DELETE_CACHE) as demo:
        gr.Markdown(layout.intro(served))
        shown = gr.State(None)  # what the text tab shows: its reading, the sentence picked (events._shown)
        scored_batch = gr.State(None)  # the batch tab's texts, their probabilities and a notice
        overrides = gr.State({})  # the visitor's per-class thresholds, key "view:name"
        explanation = gr.State(None)  # the last text's explanation: every word, every emotion
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=320):
                with gr.Tabs():
                    with gr.Tab("Text", id="text"):
                        tab = layout.text_tab(served)
                    with gr.Tab("Batch", id="batch"):
                        batch = layout.batch_tab()
            with gr.Column(scale=3, min_width=280, elem_id="settings"):
                panel = layout.settings_panel(served)
        gr.HTML(layout.footer_html(served), js_on_load=None)

        # The settings panel, read by every event that cuts probabilities (controls.Controls).
        settings = control_inputs(
            view=panel.view, mode=panel.mode, global_threshold=panel.global_threshold,
            sensitivity=panel.sensitivity, overrides=overrides,
        )  # fmt: skip
        text_outputs = [shown, tab.detected, tab.bars]
        arc = [tab.arc, tab.chart, tab.sentences, tab.summary, tab.sentence_choice]
        why = [explanation, tab.why_emotion, tab.why_text, tab.why_info]

        # Submit (button, Enter or an example): read every sentence in one model call, draw the
        # arc of a longer text, then explain the words of what is shown (a sentence at most).
        analyze = bind(events.analyze, served)
        submitted = gr.on(
            [tab.submit.click, tab.text.submit], analyze, [tab.text, *settings], text_outputs, **MODEL
        )
        example = tab.examples.load_input_event.then(analyze, [tab.text, *settings], text_outputs, **MODEL)
        chosen = tab.sentence_choice.input(
            bind(events.pick_sentence, served), [shown, tab.sentence_choice, *settings], text_outputs, **QUICK
        )
        for scored in (submitted, example):
            scored.success(bind(events.show_arc, served), [shown, *settings], arc, **QUICK).success(
                bind(events.explain_shown, served), [shown, explanation, *settings], why, **MODEL
            )
        chosen.success(bind(events.explain_shown, served), [shown, explanation, *settings], why, **MODEL)
        tab.clear.click(events.clear_text, None, [*text_outputs, tab.arc], **PRIVATE)
        tab.clear.click(events.clear_why, None, [explanation, tab.why_text, tab.why_info], **PRIVATE)
        tab.why_emotion.input(
            events.show_why, [explanation, tab.why_emotion, panel.view], [tab.why_text, tab.why_info], **QUICK
        )
        panel.view.change(
            bind(events.why_view, served),
            [explanation, *settings],
            [tab.why_emotion, tab.why_text, tab.why_info],
            **QUICK,
        )

        # Batch: score the upload once; every later change re-cuts it.
        batch_outputs = [batch.status, batch.table, batch.counts, batch.download]
        batch.upload.upload(
            bind(events.score_file, served),
            [batch.upload, *settings],
            [scored_batch, *batch_outputs],
            **MODEL,
        )

        # Any change of view or thresholds: re-cut what is shown, no model call.
        redraw = [panel.view.change, panel.mode.change, panel.global_threshold.change]
        redraw += [panel.sensitivity.change, overrides.change]
        gr.on(
            redraw,
            bind(events.rerender, served),
            [shown, *settings],
            [tab.detected, tab.bars],
            trigger_mode="always_last",
            **QUICK,
        )
        gr.on(
            redraw,
            bind(events.show_arc, served),
            [shown, *settings],
            arc,
            trigger_mode="always_last",
            **QUICK,
        )
        gr.on(
            redraw,
            bind(events.rerender_batch, served),
            [scored_batch, *settings],
            batch_outputs,
            trigger_mode="always_last",
            **QUICK,
        )

        # The per-class thresholds: inspect one, override it, reset.
        panel.mode.change(controls.show_mode, panel.mode, [panel.global_threshold, panel.per_class], **QUICK)
        panel.view.change(partial(controls.view_names, served), panel.view, panel.threshold_emotion, **QUICK)
        gr.on(
            [panel.threshold_emotion.change, panel.sensitivity.change, overrides.change, demo.load],
            partial(controls.inspect_threshold, served),
            [panel.threshold_emotion, panel.view, panel.sensitivity, overrides],
            [panel.threshold_value, panel.threshold_info],
            **QUICK,
        )
        panel.threshold_value.input(
            controls.set_override,
            [panel.threshold_emotion, panel.threshold_value, panel.view, overrides],
            overrides,
            **QUICK,
        )
        panel.reset_one.click(
            controls.reset_override, [panel.threshold_emotion, panel.view, overrides], overrides, **QUICK
        )
        panel.reset_all.click(controls.reset_all, None, overrides, **QUICK)

        api.register(served)  # /predict, /predict_batch, /predict_sentences, /explain
    return server.configure_queue(demo)


if __name__ == "__main__":  # before the model loads, so its messages show
    server.prepare_process()
WARMING = text.warm_up()  # the sentencizer and the language identifier load while the model does
SERVED = server.load_or_exit()
demo = build_demo(SERVED)

if __name__ == "__main__":
    server.launch(demo)
