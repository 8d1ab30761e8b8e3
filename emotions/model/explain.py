"""Why did the model say it: word attributions by occlusion (leave one word out).

For a text x, a word w of it and a label c, the attribution is

    a_c(w) = p_c(x) − p_c(x without w)

where "x without w" is x with every token of w deleted before the model reads it.
Positive: the word raised the probability; negative: it lowered it; units are
probability points. One batched forward pass scores the text, each word left out and
every word left out, so all labels (and roll-up groups) are explained at once.

Sum behaviour: occlusion is not additive. Leaving every word out gives the baseline
p_c(∅) (the empty text), so the total effect is ``total = p_c(x) − p_c(∅)``; the word
attributions add up to it only when the model is additive in its words (always for a
one-word text). ``Explanation.interaction`` reports the gap.

Words are whitespace-separated runs of the text as typed, so punctuation stays with its
word ("help!") and the sub-word pieces of a word count once; an emoji is a word of its own
(a checkpoint that reads emoji as their names: the name's pieces count as that emoji);
``start``/``end`` index the text given. Words the tokenizer drops (zero-width or control characters only) and
words past the model's token window (``MAX_LENGTH``) get no attribution (None).

``python -m emotions bench-explain`` times it (:mod:`emotions.tools.explainbench`).
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from typing import Any

import emoji
import numpy as np

from emotions.labels import LabelSet
from emotions.limits import MAX_TEXT_CHARS

from .backends import pad_batch
from .inference import EmotionClassifier
from .outputs import activate

logger = logging.getLogger(__name__)
METHOD = "occlusion"
METHOD_NOTE = (
    "Occlusion: a word's score is how much the probability drops when the model reads the text "
    "without that word (red: the word raised it, purple: lowered it)."
)
MIN_SCALE = 0.05  # colours are relative to the strongest word, but never to less than this


@dataclass
class Word:
    text: str
    start: int  # character offsets in the explained text
    end: int
    tokens: tuple[int, ...]  # its token positions in the model's input
    read: bool = True  # False: past the model's token window

    @property
    def scored(self) -> bool:
        return self.read and bool(self.tokens)


@dataclass
class Explanation:
    """Probabilities of the text, of the text without each word, and without every word."""

    text: str
    labelset: LabelSet  # the model's labels and views
    words: list[Word]
    full: np.ndarray  # [n_labels]
    without: np.ndarray  # [n_words, n_labels]
    empty: np.ndarray  # [n_labels]
    truncated: bool

    def _rows(self, name: str, view: str) -> np.ndarray:
        names, rolled = self.labelset.view_probs(np.vstack([self.full, self.without, self.empty]), view)
        if name not in names:
            raise ValueError(f"{name!r} is not a row of the {view!r} view: choose one of {names}.")
        return rolled[:, names.index(name)]

    def probability(self, name: str, view: str = "emotions") -> float:
        return float(self._rows(name, view)[0])

    def attributions(self, name: str, view: str = "emotions") -> np.ndarray:
        """``p(x) − p(x without word)`` per word (0 for words that were not read)."""
        rows = self._rows(name, view)
        return (rows[0] - rows[1:-1]).astype(np.float64)

    def total(self, name: str, view: str = "emotions") -> float:
        """``p(x) − p(empty text)``: the effect of every word at once."""
        rows = self._rows(name, view)
        return float(rows[0] - rows[-1])

    def interaction(self, name: str, view: str = "emotions") -> float:
        """``total − Σ attributions``: 0 for a model additive in its words."""
        return self.total(name, view) - float(self.attributions(name, view).sum())


def split_words(text: str) -> list[tuple[str, int, int]]:
    """Whitespace-separated runs of ``text`` with their character spans, each emoji apart."""
    words = []
    for m in re.finditer(r"\S+", text):
        cuts = {m.start(), m.end()}
        if not m.group().isascii():
            for e in emoji.emoji_list(m.group()):
                cuts |= {m.start() + e["match_start"], m.start() + e["match_end"]}
        bounds = sorted(cuts)
        words += [(text[a:b], a, b) for a, b in zip(bounds, bounds[1:])]
    return words


def _word_tokens(classifier: EmotionClassifier, text: str) -> tuple[list[int], list[Word], bool]:
    if classifier.encoder is None:
        raise ValueError("Explanations need a fast tokenizer (tokenizer.json) for word offsets.")
    read, src_start, src_end = classifier.preprocessing.aligned(text)  # what the model reads, mapped back
    enc = classifier.encoder.encode(read)  # cut to MAX_LENGTH tokens, as the model reads it
    ids, word_ids = enc.ids, enc.word_ids
    offsets = [(src_start[a], src_end[b - 1]) if b > a else (a, b) for a, b in enc.offsets]
    truncated = bool(enc.overflowing)  # tokens past the window
    spans = split_words(text)
    starts = [s for _, s, _ in spans]
    positions: list[list[int]] = [[] for _ in spans]
    for pos, (wid, (start, end)) in enumerate(zip(word_ids, offsets)):
        at = bisect.bisect_right(starts, start) - 1
        if wid is not None and end > start and at >= 0:  # special tokens have no word
            positions[at].append(pos)
    last = max((offsets[p][1] for ps in positions for p in ps), default=0)
    words = [
        Word(w, s, e, tuple(p), read=not (truncated and not p and s >= last))
        for (w, s, e), p in zip(spans, positions)
    ]
    return ids, words, truncated


def _drop(ids: list[int], positions: set[int]) -> list[int]:
    return [t for p, t in enumerate(ids) if p not in positions]


def _probs(classifier: EmotionClassifier, sequences: list[list[int]], batch_size: int) -> np.ndarray:
    out = []
    for start in range(0, len(sequences), batch_size):
        logits = classifier.forward(*pad_batch(sequences[start : start + batch_size], classifier.pad_id))
        out.append(activate(logits, classifier.multi_label))
    probs = np.concatenate(out)
    return probs if classifier.maps is None else classifier.maps(probs)  # as predict_proba: calibrated


def explain(classifier: EmotionClassifier, text: str, batch_size: int = 64) -> Explanation:
    """Occlusion attributions of every word of ``text`` for every label (one batched pass)."""
    if not isinstance(text, str):
        raise ValueError(f"Expected a text (str), got {type(text).__name__}.")
    if not text.strip():
        raise ValueError("Nothing to explain: the text is empty.")
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be at least 1.")
    cut = len(text) > MAX_TEXT_CHARS  # as predict_proba: tokenizing megabytes costs seconds
    text = text[:MAX_TEXT_CHARS]
    ids, words, truncated = _word_tokens(classifier, text)
    todo = [i for i, w in enumerate(words) if w.tokens]
    every = {p for w in words for p in w.tokens}
    sequences = [ids, *(_drop(ids, set(words[i].tokens)) for i in todo), _drop(ids, every)]
    probs = _probs(classifier, sequences, batch_size)
    without = np.repeat(probs[:1], len(words), axis=0)  # unscored words: no change
    without[todo] = probs[1:-1]
    logger.info("Explained %d words (%d tokens) by occlusion.", len(words), len(ids))
    return Explanation(text, classifier.labelset, words, probs[0], without, probs[-1], truncated or cut)


def highlights(expl: Explanation, name: str, view: str = "emotions") -> list[tuple[str, float | None]]:
    """The whole text as ``gr.HighlightedText`` segments: each scored word with its
    attribution scaled into [-1, 1] (the strongest word, or ``MIN_SCALE``, is ±1); the
    spaces between words and unscored words with None."""
    scores = expl.attributions(name, view)
    live = [abs(float(a)) for a, w in zip(scores, expl.words) if w.scored]
    scale = max([MIN_SCALE, *live])
    out: list[tuple[str, float | None]] = []
    at = 0
    for word, score in zip(expl.words, scores):
        if word.start > at:
            out.append((expl.text[at : word.start], None))
        out.append((word.text, round(float(score) / scale, 3) if word.scored else None))
        at = word.end
    if at < len(expl.text):
        out.append((expl.text[at:], None))
    return out


def top_words(expl: Explanation, name: str, view: str = "emotions", k: int = 3) -> tuple[list, list]:
    """Up to ``k`` (word, attribution) pairs that raised the probability most, and lowered it."""
    pairs = [(w.text, float(a)) for w, a in zip(expl.words, expl.attributions(name, view)) if w.scored]
    raised = sorted((p for p in pairs if p[1] > 0), key=lambda p: -p[1])[:k]
    lowered = sorted((p for p in pairs if p[1] < 0), key=lambda p: p[1])[:k]
    return raised, lowered


def as_dict(expl: Explanation, name: str, view: str = "emotions") -> dict[str, Any]:
    """What the ``/explain`` API returns for one row."""
    scores = expl.attributions(name, view)
    words = [
        {
            "word": w.text,
            "start": w.start,
            "end": w.end,
            "attribution": round(float(a), 6) if w.scored else None,
        }
        for w, a in zip(expl.words, scores)
    ]
    probability, total = round(expl.probability(name, view), 6), round(expl.total(name, view), 6)
    out = {"emotion": name, "probability": probability, "method": METHOD, "words": words, "total": total}
    return {**out, "truncated": expl.truncated}
