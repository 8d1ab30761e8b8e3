"""What a checkpoint reads: emoji as words and names masked, declared in its config, applied on every backend."""

from __future__ import annotations

import json
import re

import pytest
from helpers import make_tiny_checkpoint
from hypothesis import given, settings
from hypothesis import strategies as st

from emotions.model import backends, onnxfiles
from emotions.model.explain import explain, split_words
from emotions.model.inference import EmotionClassifier
from emotions.model.preprocessing import (
    CONFIG_KEY,
    Preprocessing,
    emoji_words,
    emoji_words_aligned,
    without_tones,
    without_tones_aligned,
)
from emotions.text.namemask import mask_names

HOSTILE = [
    "I failed again 😂",
    "👍🏿 vs 👍🏻",  # skin tones read alike
    "👨\u200d👩\u200d👧 family",  # a zero-width-joiner sequence
    "🇫🇷 flag and 3️⃣ keycap",
    "❤️❤\ufe0f",  # with and without the variation selector
    "😂" * 5000,  # 5,000 emoji in one text
    "Text with [NAME] already masked 😭",
    "mixed Ελληνικά 中文 😡",
    "\u200d\ufe0f",  # only joiners and selectors
]


def test_emoji_read_as_their_names():
    assert emoji_words("I did it 🎉") == "I did it  party popper "
    assert emoji_words("😂") == " face with tears of joy "
    assert emoji_words("plain ascii text") == "plain ascii text"


def test_skin_tones_and_variation_selectors_do_not_change_the_reading():
    assert emoji_words("great 👍🏿") == emoji_words("great 👍🏻") == emoji_words("great 👍")
    assert emoji_words("❤️") == emoji_words("❤")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .!") + ["😂", "👍", "🏿", "\ufe0f", "\u200d", "🇫", "🇷", "❤"]))
)
def test_aligned_reading_equals_the_reading_and_maps_inside_the_text(text):
    read, starts, ends = emoji_words_aligned(text)
    assert read == emoji_words(text)
    assert len(starts) == len(ends) == len(read)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends))


def test_a_checkpoint_with_emoji_tokens_keeps_the_emoji_and_drops_their_tones():
    prep = Preprocessing(emoji="tokens")
    assert prep("great 👍🏿👍🏻 ❤️") == "great 👍👍 ❤" == without_tones("great 👍👍 ❤")
    assert prep("plain ascii text") == "plain ascii text"
    text = "so 👍🏽 ok"
    read, starts, ends = without_tones_aligned(text)
    assert read == "so 👍 ok"
    assert text[starts[3] : ends[3]] == "👍🏽"  # the emoji's span takes in its tone
    assert [text[s:e] for s, e in zip(starts, ends)][:3] == ["s", "o", " "]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!") + ["😂", "👍", "🏿", "\ufe0f", "\u200d", "❤"])))
def test_tokens_mode_aligned_reading_maps_inside_the_text(text):
    read, starts, ends = Preprocessing(emoji="tokens", names="mask").aligned(text)
    assert read == Preprocessing(emoji="tokens", names="mask")(text)
    assert len(starts) == len(ends) == len(read)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends))


def test_a_checkpoint_without_the_field_reads_texts_as_they_are():
    assert Preprocessing.from_config(object()).is_identity


@pytest.mark.parametrize(
    "declared, message",
    [
        ({"emoji": "pictures"}, "emoji='pictures' is not known"),
        ({"names": "hide"}, "names='hide' is not known"),
        ({"colour": "red"}, "unknown steps ['colour']"),
        ("words", "must be an object"),
    ],
)
def test_a_bad_declaration_is_a_clear_error(declared, message):
    config = type("Config", (), {CONFIG_KEY: declared})()
    with pytest.raises(ValueError, match=re.escape(message)):
        Preprocessing.from_config(config)


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The same tiny checkpoint twice: one declaring emoji as words and names masked, one not."""
    words = make_tiny_checkpoint(tmp_path_factory.mktemp("words") / "model")
    plain = make_tiny_checkpoint(tmp_path_factory.mktemp("plain") / "model")
    config = json.loads((words / "config.json").read_text())
    config[CONFIG_KEY] = {"emoji": "words", "names": "mask"}
    (words / "config.json").write_text(json.dumps(config))
    return words, plain


@pytest.mark.parametrize("backend", backends.BACKENDS)
def test_every_backend_scores_the_emoji_as_its_name(pair, backend, tmp_path, monkeypatch):
    if backend.startswith("onnx"):
        pytest.importorskip("onnxruntime")
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path))
    words, plain = pair
    clf = EmotionClassifier.from_pretrained(words, backend=backend)
    reference = EmotionClassifier.from_pretrained(plain, backend=backend)
    texts = ["i love it 😂", "😡", "Jamal feels angry 😡", "Emily feels angry 😡", *HOSTILE]
    got = clf.predict_proba(texts)
    want = reference.predict_proba([mask_names(emoji_words(t))[:20_000] for t in texts])
    assert abs(got - want).max() <= 1e-5
    unread = reference.predict_proba(texts)  # the plain checkpoint sees [UNK]: a different answer
    assert abs(got[0] - unread[0]).max() > 1e-4
    assert abs(got[2] - got[3]).max() == 0  # a name swap cannot change the answer
    # (the tiny vocabulary reads every name as [UNK], so only ``want`` shows the mask is applied)


def test_explanations_highlight_the_emoji_typed(pair):
    words, _ = pair
    clf = EmotionClassifier.from_pretrained(words, backend="torch")
    text = "i love it😂 👍🏿 so much"
    expl = explain(clf, text)
    spans = [(w.text, text[w.start : w.end]) for w in expl.words]
    assert ("😂", "😂") in spans and ("👍🏿", "👍🏿") in spans
    assert all(
        w.tokens for w in expl.words if w.text in ("😂", "👍🏿")
    )  # the name's pieces count as the emoji


def test_explanations_highlight_the_name_typed(pair):
    words, _ = pair
    text = "Jamal's car broke 😭"
    expl = explain(EmotionClassifier.from_pretrained(words, backend="torch"), text)
    jamal = next(w for w in expl.words if w.text == "Jamal's")  # words split at spaces
    assert text[jamal.start : jamal.end] == "Jamal's" and jamal.tokens  # [NAME]'s pieces count as Jamal's


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["Joy", "Emily", " was", " ", "'s", "😂", "🏿", "[NAME]", "a", "."])).map(
        "".join
    )
)
def test_both_steps_compose_into_spans_inside_the_text(text):
    prep = Preprocessing(emoji="words", names="mask")
    read, starts, ends = prep.aligned(text)
    assert read == prep(text)
    assert len(starts) == len(ends) == len(read)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends))


def test_an_emoji_is_a_word_of_its_own():
    assert [w for w, _, _ in split_words("again😂 ok👍🏿!")] == ["again", "😂", "ok", "👍🏿", "!"]
