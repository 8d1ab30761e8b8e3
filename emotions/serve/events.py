"""One plain function per page event, of the served model and the event's inputs.

Each returns what its outputs show; none needs a browser, so tests call them directly.
Model calls happen in :func:`analyze`, :func:`explain_text` and :func:`score_file` only;
every other event re-cuts probabilities already kept in a ``gr.State`` (no model call):
the text tab's *shown* (:func:`_shown`: the reading, the sentence picked, and the probabilities,
notices and text of what is shown) and the batch tab's *scored batch* (:func:`score_file`: the
texts, their probabilities and a notice). The settings panel reaches the events as one
:class:`Controls` (see :func:`bind`).
"""

from __future__ import annotations

import logging

import gradio as gr
import numpy as np
from gradio.utils import get_upload_folder

from emotions import limits
from emotions.labels import LabelSet, emoji_for
from emotions.limits import MAX_DOCUMENT_CHARS, MAX_LENGTH
from emotions.model import explain
from emotions.model.reading import Reading, read_document
from emotions.model.readingviews import at_thresholds, language_notice
from emotions.model.views import detected_matrix, score_rows

from . import arc, render, uploads
from .controls import Controls
from .privacy import fails_clearly
from .served import ServedModel

logger = logging.getLogger("emotions.app")
START_HINT = "Type a text (or pick an example) and press Submit or Enter."
EMPTY_HINT = "Nothing to read yet: type some text first."
WHY_HINT = "Submit a text to see which of its words raised or lowered each emotion."


def _notices(reading: Reading, sentence: int | None) -> list[str]:
    """What the visitor should know about what is shown: the language, a cut, a long sentence."""
    notes = [n for n in [language_notice(reading.language)] if n]
    if reading.cut:
        notes.append(
            f"Your text has {reading.length:,} characters; only the first {MAX_DOCUMENT_CHARS:,} were read."
        )
    if sentence is not None:
        n = len(reading.sentences)
        notes.append(f"Sentence {sentence + 1} of {n}: pick another one under “Emotion arc”.")
    long = reading.sentences[sentence].truncated if sentence is not None else reading.whole_truncated
    if long:
        piece = reading.sentence_text(sentence) if sentence is not None else reading.text
        notes.append(
            f"This {'sentence' if sentence is not None else 'text'} has {len(piece):,} characters; only its first "
            f"{MAX_LENGTH} tokens, about the first {limits.MAX_ROW_CHARS} characters, were read."
        )
    return notes


def _shown(reading: Reading, sentence: int | None) -> dict:
    """What the text tab shows (its state, *shown*): the ``reading``, the ``sentence`` picked
    (None: the whole text), and the ``probs``, ``notice`` and ``text`` of that piece."""
    probs = reading.whole if sentence is None else reading.probs[sentence]
    text = reading.text if sentence is None else reading.sentence_text(sentence)
    return {
        "probs": probs.tolist(),
        "notice": _notices(reading, sentence) or None,
        "reading": reading,
        "sentence": sentence,
        "text": text,
    }


# ---- single text ---------------------------------------------------------------------------


@fails_clearly("your text")
def analyze(served: ServedModel, text: str | None, controls: Controls) -> tuple[dict | None, str, str]:
    """Submit: read the text sentence by sentence (one batched model call for every sentence
    and the whole text) and keep it for re-rendering; show the text, or its first sentence."""
    text = text or ""
    if not text.strip():
        return None, render.hint_html(EMPTY_HINT), ""
    reading = read_document(served.classifier, text)
    logger.info("Scored one text (%d characters, %d sentences).", len(reading.text), len(reading.sentences))
    shown = _shown(reading, 0 if len(reading.sentences) > 1 else None)
    return (shown, *rerender(served, shown, controls))


def pick_sentence(served: ServedModel, shown: dict | None, sentence: int | None, controls: Controls) -> tuple:
    """A sentence picked: its bars and detected emotions from the kept reading (no model call)."""
    if not shown or shown.get("reading") is None or sentence is None:
        return gr.skip(), gr.skip(), gr.skip()
    shown = _shown(shown["reading"], int(sentence))
    return (shown, *rerender(served, shown, controls))


def rerender(served: ServedModel, shown: dict | None, controls: Controls) -> tuple[str, str]:
    """Any threshold or view change: cut the kept probabilities again (no model call)."""
    if not shown:
        return gr.skip(), gr.skip()
    probs = np.asarray(shown["probs"], dtype=np.float32)
    rows = score_rows(probs, controls.view, served.calibration, controls.thresholds)
    reliability = served.reliability if controls.view == "emotions" else None  # labels only
    return render.detected_html(rows, shown.get("notice"), reliability), render.bars_html(rows, reliability)


def show_arc(served: ServedModel, shown: dict | None, controls: Controls) -> tuple:
    """After Submit or any threshold or view change: the emotion arc of a text of two or more
    sentences (hidden otherwise), at the current thresholds (no model call)."""
    reading = (shown or {}).get("reading")
    if reading is None or len(reading.sentences) < 2:
        return gr.update(visible=False), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    cut = at_thresholds(reading, served.calibration, controls.thresholds, controls.view)
    plot = gr.update(value=arc.chart_frame(reading, cut))  # its colours and axes are fixed (arc)
    choice = gr.update(choices=arc.sentence_choices(reading), value=shown.get("sentence"))
    summary = arc.document_html(reading, cut) + arc.speakers_html(reading, cut) + arc.whole_note(cut)
    return gr.update(visible=True), plot, arc.sentences_html(reading, cut), summary, choice


def clear_text() -> tuple:
    return None, render.hint_html(START_HINT), "", gr.update(visible=False)


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


def explain_shown(
    served: ServedModel, shown: dict | None, expl: explain.Explanation | None, controls: Controls
) -> tuple:
    """After Submit or a sentence picked: explain the piece shown (a sentence, never a whole
    long text: occlusion costs the square of the length)."""
    return explain_text(served, (shown or {}).get("text"), expl, controls)


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


# ---- batch ---------------------------------------------------------------------------------


@fails_clearly("your file")
def score_file(served: ServedModel, path: str | None, controls: Controls) -> tuple:
    """Upload: parse with limits, score every text once (the scored batch: its texts, their
    probabilities and a notice, kept for re-cutting), tabulate."""
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
        note += f" {n_cut} longer than {limits.MAX_ROW_CHARS} characters were cut to that length."
    scored_batch = {"texts": [t for t, _ in clipped], "probs": probs.tolist(), "notice": note}
    return (scored_batch, *rerender_batch(served, scored_batch, controls))


def rerender_batch(served: ServedModel, scored_batch: dict | None, controls: Controls) -> tuple:
    """Batch results at the current thresholds and view: status, table, chart, CSV."""
    if not scored_batch:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    labels = served.classifier.labels
    texts = scored_batch["texts"]
    probs = np.asarray(scored_batch["probs"], dtype=np.float32)
    names, values, passed = detected_matrix(probs, controls.view, served.calibration, controls.thresholds)
    found = uploads.detected_names(names, values, passed)
    table = uploads.results_table(texts, found)
    chart = render.counts_html(uploads.detection_counts(names, passed), len(texts))
    path = uploads.write_csv(texts, labels, probs, found)
    status = render.notice_html(scored_batch["notice"])
    return status, table, chart, gr.update(value=str(path), visible=True)
