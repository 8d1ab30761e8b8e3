"""Splitting a text into sentences and turns, and telling its language: hard cases, and
property tests over arbitrary text (spans cover it in order, no overlaps, nothing lost)."""

from __future__ import annotations

import string
import subprocess
import sys

import pytest
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emotions.limits import MAX_SENTENCES
from emotions.text.conversation import split_turns
from emotions.text.language import detect_language
from emotions.text.sentences import split_sentences

HARD = [
    ("I saw Dr. Smith today. He was kind.", ["I saw Dr. Smith today.", "He was kind."]),
    ("It costs 3.50 dollars. That is cheap!", ["It costs 3.50 dollars.", "That is cheap!"]),
    (
        "I love it!!! Thank you so much!!! Best day ever",
        ["I love it!!!", "Thank you so much!!!", "Best day ever"],
    ),
    ("So happy 😊. I passed! 🎉", ["So happy 😊.", "I passed! 🎉"]),
    ("i am so tired i want to sleep forever", ["i am so tired i want to sleep forever"]),
    ("Dear diary\nToday was awful\nI cried all day", ["Dear diary", "Today was awful", "I cried all day"]),
    ('She said "I hate you." Then she left.', ['She said "I hate you."', "Then she left."]),
    ("I moved to the U.S. last year. It is great.", ["I moved to the U.S. last year.", "It is great."]),
    ("this is great. really great. thanks", ["this is great.", "really great.", "thanks"]),
]


def texts(text: str) -> list[str]:
    return [s.of(text) for s in split_sentences(text)]


@pytest.mark.parametrize("text, expected", HARD, ids=[h[0][:24] for h in HARD])
def test_hard_cases_split_as_a_reader_would(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\n\n\r\n"])
def test_blank_text_has_no_sentences(text):
    assert split_sentences(text) == []


def test_punctuation_or_emoji_alone_is_one_sentence():
    assert texts("!!! ??? ...") == ["!!! ??? ..."] and texts("🎉🎉🎉") == ["🎉🎉🎉"]


def test_long_and_many_are_bounded():
    long = "word " * 1000  # 5,000 characters and no break: one sentence
    assert len(split_sentences(long)) == 1
    tiny = "Yes! " * 3000  # thousands of one-word sentences: at most MAX_SENTENCES, the rest in the last
    spans = split_sentences(tiny)
    assert len(spans) == MAX_SENTENCES and spans[-1].end == len(tiny.rstrip())


ALPHABET = st.sampled_from(
    list(string.ascii_letters + " .!?,\n\t\"'") + ["😊", "🎉", "é", "Ж", "中", "\u200b", "\x00", "…"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(ALPHABET, max_size=300) | st.text(max_size=200))
def test_spans_cover_the_text_in_order_without_overlap(text):
    spans = split_sentences(text)
    at = 0
    for span in spans:
        assert at <= span.start < span.end <= len(text)  # in order, no overlap, never empty
        assert text[at : span.start].strip() == ""  # only whitespace between sentences
        piece = span.of(text)
        assert piece == piece.strip() and piece.strip()
        at = span.end
    assert text[at:].strip() == ""  # nothing after the last sentence but whitespace


def test_a_conversation_keeps_its_speakers_and_empty_turns():
    text = "Anna: I was so worried!\nBen: Sorry, my phone died.\nIt was off all day.\nAnna:\nBen: Thanks for waiting."
    turns = split_turns(text)
    assert [t.speaker for t in turns] == ["Anna", "Ben", "Anna", "Ben"]
    assert text[turns[1].start : turns[1].end] == "Sorry, my phone died.\nIt was off all day."
    assert turns[2].start == turns[2].end  # an empty turn: no text, no crash
    assert split_turns("Meeting at 10:30 today. See https://example.com") is None
    assert split_turns("Note: one line.\nAnd another line.") is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("Je suis tellement heureux aujourd'hui, merci beaucoup !", "fr"),
        ("Estoy muy feliz hoy, muchas gracias por todo.", "es"),
        ("Ich bin heute so glücklich, vielen Dank für alles.", "de"),
        ("I was so worried about you! Thank god you're safe.", "en"),
        ("wow", "en"),  # too short to tell: read as English
        ("ORANGE MAN BAD AND EVERYONE I DONT LIKE IS BAD!!!!", "en"),
    ],
)
def test_the_language_a_text_looks_like(text, code):
    assert detect_language(text).code == code


def test_the_sentencizer_loads_without_torch_and_leaves_torch_importable():
    """spaCy's thinc imports torch when it is installed (about 200 MB); the app's ONNX backend
    needs none, so the sentencizer loads without it, and torch still imports for whoever needs it."""
    code = (
        "import sys; from emotions.text.sentences import split_sentences; "
        "assert len(split_sentences('I saw Dr. Smith. He waved.')) == 2; "
        "print('torch' in sys.modules); import torch; print(torch.tensor([1]).sum().item())"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "1"]
