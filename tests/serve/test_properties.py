"""Hostile text: property tests over arbitrary Unicode for every public function taking text.

For any text (the whole Unicode range but lone surrogates, which UTF-8 cannot carry;
control, zero-width, bidi and HTML characters mixed in): no exception but the documented
``ValueError``/``gr.Error``, probabilities in [0, 1], exactly the model's labels (or the
view's rows), and HTML in which the text can only appear escaped: the markup's tags and
attributes never change with the text.
"""

from __future__ import annotations

import csv
import html
import io
from html.parser import HTMLParser
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
from gradio_client.exceptions import AppError
from helpers import CONTROLS, GRADIO_WARNINGS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emotions.labels import LABELS, VIEWS
from emotions.model.views import Row, ThresholdSettings
from emotions.serve import api, events, render
from emotions.serve import uploads as batch
from emotions.serve.controls import Controls

pytestmark = GRADIO_WARNINGS
PIECES = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "</div><div>", "<!--", "]]>",
    "${1+1}", "{{value}}", "{}", "&amp;", "&lt;", "&#0;", '"', "'", "`", "\\", "=cmd()", "@SUM(1)",
    "\x00", "\x07", "\x1b[31m", "\r\n", "\r", "\n", "\t", "\x0b\x0c", "\x85", "\u2028\u2029",
    "\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "\u00ad", "\ufffd", "\U000e0041",
    "مرحبا بالعالم", "שלום", "日本語のテキスト", "😂🎉", "👩‍👩‍👧", "🇫🇷", "e\u0301" * 3, "Ꙃ", "ǅ",
    "thank you so much", "I hate this", "   ",
]  # fmt: skip
ANY_CHAR = st.characters(blacklist_categories=("Cs",))  # every code point a UTF-8 text can hold
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHAR, max_size=8)), max_size=12).map("".join),
)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TAGS = {"div", "p", "span", "small", "b", "code"}
ATTRS = {"class", "role", "title", "aria-label", "aria-hidden", "style"}


class Markup(HTMLParser):
    """The tags, attribute names and text of an HTML fragment."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.text: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(name for name, _ in attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        raise AssertionError(f"a comment got into the HTML: {data!r}")

    def handle_decl(self, decl):
        raise AssertionError(f"a declaration got into the HTML: {decl!r}")


def assert_safe(fragment: str, text: str | None = None) -> Markup:
    """Only our tags and attributes; if ``text`` is given, it appears (escaped) as text."""
    markup = Markup(fragment)
    for tag, attrs in markup.tags:
        assert tag in TAGS and set(attrs) <= ATTRS, (tag, attrs)
    assert "$" not in fragment and "{" not in fragment and "}" not in fragment  # gr.HTML templates
    if text is not None:
        assert text in "".join(markup.text)
    return markup


@pytest.fixture(scope="module")
def served(app):
    return app.SERVED


def assert_probabilities(probs: np.ndarray, n: int) -> None:
    assert probs.shape == (n, len(LABELS)) and probs.dtype == np.float32
    assert np.isfinite(probs).all() and (probs >= 0).all() and (probs <= 1).all()


# ---- the model -------------------------------------------------------------------------------


@FAST
@given(text=TEXT)
def test_predict_proba_and_predict_any_text(served, text):
    classifier = served.classifier
    assert_probabilities(classifier.predict_proba(text), 1)
    (pred,) = classifier.predict(text)
    assert list(pred.scores) == list(LABELS) and set(pred.labels) <= set(LABELS)
    assert all(0.0 <= p <= 1.0 for p in pred.scores.values())
    assert all(pred.scores[n] >= classifier.thresholds[n] for n in pred.labels)


@FAST
@given(texts=st.lists(TEXT, max_size=6))
def test_predict_proba_many_texts_keeps_order(served, texts):
    probs = served.classifier.predict_proba(texts, batch_size=4)
    assert_probabilities(probs, len(texts))
    for text, row in zip(texts[:2], probs):
        assert np.allclose(served.classifier.predict_proba([text])[0], row, atol=1e-5)


@FAST
@given(texts=st.lists(TEXT, max_size=5), view=st.sampled_from(list(VIEWS)))
def test_served_predict_any_texts(served, texts, view):
    out = served.predict(texts, ThresholdSettings(), view)
    assert len(out) == len(texts)
    for text, result in zip(texts, out):
        if not batch.clip_text(text)[0].strip():
            assert result["scores"] == {} and result["labels"] == []
            continue
        assert list(result["scores"]) == sorted(result["scores"], key=lambda n: -result["scores"][n])
        assert set(result["scores"]) == set(VIEWS[view]) and set(result["labels"]) <= set(VIEWS[view])
        assert all(0.0 <= p <= 1.0 for p in result["scores"].values())
        assert result["truncated"] == (len(text) > batch.MAX_ROW_CHARS)


# ---- HTML ------------------------------------------------------------------------------------


@FAST
@given(text=TEXT)
def test_escape_round_trips_and_leaves_nothing_active(text):
    out = render.escape(text)
    assert not set("<>\"'${}") & set(out)
    assert html.unescape(out) == text


@FAST
@given(text=TEXT, error=st.booleans())
def test_notices_and_hints_show_any_text_escaped(text, error):
    assert_safe(render.notice_html(text, error=error), text)
    assert_safe(render.hint_html(text, notice=text), text)


@FAST
@given(
    names=st.lists(TEXT, min_size=1, max_size=4),
    probs=st.lists(st.floats(0, 1), min_size=4, max_size=4),
    notice=st.none() | TEXT,
)
def test_chips_bars_and_counts_escape_any_name(names, probs, notice):
    rows = [Row(n, "🙂", p, 0.5, p >= 0.5, i % 2 == 0) for i, (n, p) in enumerate(zip(names, probs))]
    assert_safe(render.detected_html(rows, notice))
    assert_safe(render.bars_html(rows))
    assert_safe(render.counts_html([(n, 1) for n in names], 2))


# ---- uploads ---------------------------------------------------------------------------------


@FAST
@given(text=TEXT)
def test_clip_text(text):
    clipped, cut = batch.clip_text(text)
    assert text.startswith(clipped) and len(clipped) <= batch.MAX_ROW_CHARS and cut == (clipped != text)


def upload(tmp_path_factory, name: str, data: bytes) -> Path:
    path = tmp_path_factory.mktemp("up") / name
    path.write_bytes(data)
    return path


@FAST
@given(text=TEXT)
def test_txt_upload_of_any_text(tmp_path_factory, text):
    path = upload(tmp_path_factory, "t.txt", text.encode("utf-8"))
    lines = [line for line in text.removeprefix("\ufeff").splitlines() if line.strip()]
    try:
        texts = batch.parse_upload(path)
    except ValueError as err:  # refused only when it has a NUL (binary) or no text at all
        if "\x00" in text:
            assert "looks binary" in str(err)
        else:
            assert not lines and ("is empty" in str(err) or "No texts found" in str(err)), str(err)
        return
    assert "\x00" not in text and texts == lines


@FAST
@given(texts=st.lists(TEXT, min_size=1, max_size=5))
def test_csv_upload_round_trips_any_text(tmp_path_factory, texts):
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["id", "text"])
    writer.writerows([i, t] for i, t in enumerate(texts))
    path = upload(tmp_path_factory, "t.csv", out.getvalue().encode("utf-8"))
    try:
        found = batch.parse_upload(path)
    except ValueError as err:  # refused only when it has a NUL (binary) or no text at all
        if "\x00" in "".join(texts):
            assert "looks binary" in str(err)
        else:
            assert not any(t.strip() for t in texts) and "No texts found" in str(err), str(err)
        return
    assert found == [t for t in texts if t.strip()]


@FAST
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".txt"]))
def test_any_bytes_upload_is_a_list_of_texts_or_a_clear_error(tmp_path_factory, data, suffix):
    path = upload(tmp_path_factory, f"f{suffix}", data)
    try:
        texts = batch.parse_upload(path)
    except ValueError as err:
        assert path.name in str(err) or "texts" in str(err)
        return
    assert 1 <= len(texts) <= batch.MAX_ROWS and all(isinstance(t, str) and t.strip() for t in texts)


@FAST
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_results_table_and_csv_export_keep_any_text(tmp_path_factory, texts):
    probs = np.full((len(texts), 2), 0.5, dtype=np.float32)
    found = [["joy"] for _ in texts]
    table = batch.results_table(texts, found)
    assert all(isinstance(cell, str) for row in table for cell in row)
    path = batch.write_csv(texts, ["joy", "anger"], probs, found, tmp_path_factory.mktemp("csv"))
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    for text, row in zip(texts, rows, strict=True):
        assert row[0] in (text, "'" + text)  # formula-like texts are defused with a quote
        assert row[0][:1] not in ("=", "+", "-", "@", "\t", "\r")


# ---- the app's events and API ---------------------------------------------------------------


@FAST
@given(text=TEXT, view=st.sampled_from(list(VIEWS)))
def test_analyze_any_text(app, served, text, view):
    shown, detected, bars = events.analyze(served, text, Controls(view, "per_class", 0.5, 0.0, {}))
    if not text.strip():
        assert shown is None
        return
    probs = np.asarray(shown["probs"], dtype=np.float32)[None, :]
    assert_probabilities(probs, 1)
    assert_safe(detected)
    assert_safe(bars)
    assert bars.count('class="emo-row') == len(VIEWS[view])


@FAST
@given(text=TEXT)
def test_score_file_of_any_text(app, served, tmp_path_factory, text):
    path = upload(tmp_path_factory, "t.txt", text.encode("utf-8"))
    scored_batch, status, table, counts, download = events.score_file(served, str(path), Controls(*CONTROLS))
    assert_safe(status)
    if scored_batch is None:
        assert "emo-notice error" in status
        return
    assert_probabilities(np.asarray(scored_batch["probs"], dtype=np.float32), len(scored_batch["texts"]))
    assert_safe(counts)
    assert [row[0] for row in table] == [batch.results_table([t], [[]])[0][0] for t in scored_batch["texts"]]


@FAST
@given(texts=st.lists(TEXT, max_size=4), view=st.sampled_from(list(VIEWS)))
def test_predict_texts_any_texts(app, served, texts, view):
    out = api.predict_texts(served, texts, "global", 0.5, 0.0, view)
    assert len(out) == len(texts)
    for result in out:
        assert set(result["scores"]) in (set(), set(VIEWS[view]))
        assert all(0.0 <= p <= 1.0 for p in result["scores"].values())


@settings(max_examples=25, deadline=None)
@given(text=TEXT)
def test_predict_api_any_text(client, text):
    try:
        out = client.predict(text, api_name="/predict")
    except AppError as err:
        assert not text.strip() and "Empty text" in str(err)
        return
    assert set(out["scores"]) == set(LABELS) and set(out["labels"]) <= set(LABELS)
    assert all(0.0 <= p <= 1.0 for p in out["scores"].values())


# ---- explanations (when the module is there) ----------------------------------------------------


@pytest.fixture(scope="module")
def explain():
    return pytest.importorskip("emotions.model.explain")


@FAST
@given(text=TEXT)
def test_explain_any_text(served, explain, text):
    if not text.strip():
        with pytest.raises(ValueError, match="empty"):
            explain.explain(served.classifier, text)
        return
    expl = explain.explain(served.classifier, text)
    for name in (LABELS[0], LABELS[-1]):
        out = explain.as_dict(expl, name)
        assert 0.0 <= out["probability"] <= 1.0
        assert all(w["attribution"] is None or -1.0 <= w["attribution"] <= 1.0 for w in out["words"])
        assert "".join(seg for seg, _ in explain.highlights(expl, name)) == expl.text


@FAST
@given(
    words=st.lists(st.tuples(TEXT, st.floats(-1, 1)), max_size=3),
    name=st.sampled_from(LABELS),
    method=TEXT,
)
def test_why_html_escapes_any_word(words, name, method):
    fragment = render.why_html(name, 0.5, words, list(reversed(words)), method)
    assert_safe(fragment)
    shown = "".join(Markup(fragment).text)
    assert all(word in shown for word, _ in words) and method in shown


@FAST
@given(text=TEXT, view=st.sampled_from(list(VIEWS)))
def test_explain_events_any_text(app, served, text, view):
    expl, _, segments, why = events.explain_text(
        served, text, None, Controls(view, "per_class", 0.5, 0.0, {})
    )
    assert_safe(why)
    clipped = batch.clip_text(text)[0]
    if not clipped.strip():
        assert expl is None
        return
    assert "".join(segment for segment, _ in segments) == clipped
    assert all(score is None or -1.0 <= score <= 1.0 for _, score in segments)
    try:
        out = api.explain_words(served, text, None, view)
    except gr.Error as err:  # only for a text the tokenizer reads as nothing
        pytest.fail(f"explain_words failed on a non-blank text: {err}")
    assert out["view"] == view and 0.0 <= out["probability"] <= 1.0 and out["emotion"] in VIEWS[view]
