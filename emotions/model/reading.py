"""Read a document sentence by sentence: every sentence (and conversation turn) scored in one
batched model call, plus the whole text, and the language it looks like.

A text of two sentences can carry two emotions that blur into one verdict when it is read
as one blob; reading each sentence keeps them apart. The document is cut at
``MAX_DOCUMENT_CHARS``; each sentence, like any text, is read up to the model's first
``MAX_LENGTH`` tokens, and one that is longer is flagged ``truncated``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emotions.limits import MAX_DOCUMENT_CHARS, MAX_LENGTH
from emotions.text.conversation import split_turns
from emotions.text.language import Language, detect_language
from emotions.text.sentences import split_sentences

from .inference import EmotionClassifier


@dataclass(frozen=True)
class Sentence:
    start: int  # character offsets into the (cut) document
    end: int
    speaker: str | None = None  # a conversation turn's speaker
    truncated: bool = False  # longer than the model reads (MAX_LENGTH tokens)


@dataclass
class Reading:
    """A document as read: its sentences, their probabilities and the whole text's."""

    text: str  # the document as read (cut to MAX_DOCUMENT_CHARS)
    length: int  # characters of the document as given
    cut: bool  # whether it was longer
    sentences: list[Sentence]
    probs: np.ndarray  # [n_sentences, n_labels]
    whole: np.ndarray  # [n_labels]: the whole text read as one
    whole_truncated: bool  # the whole text is longer than the model reads
    language: Language
    conversation: bool

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.text[s.start : s.end]


def split_document(text: str) -> tuple[list[Sentence], bool]:
    """``text``'s sentences in reading order, with their speakers (a conversation's turns split
    into sentences), and whether it reads as a conversation."""
    turns = split_turns(text)
    if turns is None:
        return [Sentence(s.start, s.end) for s in split_sentences(text)], False
    pieces = []
    for turn in turns:
        for s in split_sentences(text[turn.start : turn.end]):
            pieces.append(Sentence(turn.start + s.start, turn.start + s.end, turn.speaker))
    return pieces, True


def read_document(
    classifier: EmotionClassifier, text: str, max_chars: int = MAX_DOCUMENT_CHARS, batch_size: int = 64
) -> Reading:
    """Split ``text`` (cut to ``max_chars``) into sentences and score them and the whole text."""
    length = len(text)
    cut = length > max_chars
    text = text[:max_chars]
    pieces, conversation = split_document(text)
    texts = [text[p.start : p.end] for p in pieces] + [text]
    # Encoded once, for the lengths and the scores (predict_proba's 20,000-character cut is past max_chars).
    encoded = classifier.encode(texts)
    lengths = [len(ids) for ids in encoded]
    pieces = [
        Sentence(p.start, p.end, p.speaker, n >= MAX_LENGTH) for p, n in zip(pieces, lengths)
    ]  # a sentence the tokenizer cut is as long as the window
    probs = classifier.predict_proba(texts, batch_size=batch_size, encoded=encoded)
    return Reading(
        text,
        length,
        cut,
        pieces,
        probs[:-1],
        probs[-1],
        lengths[-1] >= MAX_LENGTH,
        detect_language(text),
        conversation,
    )
