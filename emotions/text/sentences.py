"""Split a text into sentences, with their character spans.

The segmenter is spaCy's rule-based ``sentencizer`` on a blank English pipeline (no model to
download). Compared on hard cases (abbreviations such as "Dr." and "U.S.", decimals, "!!!",
emoji, missing punctuation, line breaks, quotes, ellipses, lowercase starts) against pysbd,
syntok and blingfire, it got 16 of 16 right with the two steps below, the others 13 to 14
(docs/sentences.md has the table and the script). Around it:

- line breaks always end a sentence (a chat, a diary, a list), so each line is segmented
  on its own;
- a piece with no letter or digit (an emoji, "!!!") joins the sentence before it on its line.

Spans cover the text in order without overlap; whitespace between sentences is in none.
spaCy takes about a second to import (without torch, which its thinc would load for nothing: see
``_NoTorchForThinc``), so ``emotions.text.warm_up`` loads it in the background at start-up.
"""

from __future__ import annotations

import importlib.abc
import logging
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from emotions.limits import MAX_SENTENCES

logger = logging.getLogger(__name__)
_WORDY = re.compile(r"\w")
_LINES = re.compile(r"[^\n\r\u2028\u2029]+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


class _NoTorchForThinc(importlib.abc.MetaPathFinder):
    """Refuses ``import torch`` to thinc (spaCy's machine-learning library), which imports it
    when installed just to know it is there: about 200 MB and 1.4 s that a rule-based
    sentencizer never uses, in an app whose ONNX backend needs no torch. Every other import of
    torch, on any thread, is left alone."""

    def find_spec(self, name, path=None, target=None):
        frame = sys._getframe(1)
        while name == "torch" and frame is not None:
            if frame.f_globals.get("__name__") == "thinc.compat":
                raise ModuleNotFoundError("torch is not loaded for spaCy's sentencizer", name=name)
            frame = frame.f_back
        return None


@lru_cache(maxsize=1)
def _pipeline():
    blocker = _NoTorchForThinc()
    sys.meta_path.insert(0, blocker)
    try:
        import spacy
    finally:
        sys.meta_path.remove(blocker)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return nlp


def _split_line(text: str, start: int, end: int) -> list[Span]:
    doc = _pipeline()(text[start:end])
    spans: list[Span] = []
    for sent in doc.sents:
        a, b = start + sent.start_char, start + sent.end_char
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a == b:
            continue
        if spans and not _WORDY.search(text, a, b):  # "🎉" or "!!!" after a sentence: part of it
            spans[-1] = Span(spans[-1].start, b)
        else:
            spans.append(Span(a, b))
    return spans


def split_sentences(text: str, max_sentences: int = MAX_SENTENCES) -> list[Span]:
    """The sentences of ``text`` as spans, in order; at most ``max_sentences`` (the last one
    then runs to the end of the text)."""
    spans: list[Span] = []
    for line in _LINES.finditer(text):
        if not line.group().strip():
            continue
        spans.extend(_split_line(text, line.start(), line.end()))
        if len(spans) >= max_sentences:
            last = len(text.rstrip())
            return [*spans[: max_sentences - 1], Span(spans[max_sentences - 1].start, last)]
    return spans
