"""The 28 GoEmotions labels, an emoji for each, and the paper's roll-ups.

Label order is the release's (``labels.txt``): 27 emotions, then neutral. The roll-ups
are the paper's mappings to Ekman's six basic emotions and to sentiment; neutral maps
to neutral in both. They are copied here (and checked against the data's
``*_mapping.json`` by a test) so the app needs no data files at run time.
"""

from __future__ import annotations

import emoji
import numpy as np

LABELS: tuple[str, ...] = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion",
    "curiosity", "desire", "disappointment", "disapproval", "disgust", "embarrassment",
    "excitement", "fear", "gratitude", "grief", "joy", "love", "nervousness", "optimism",
    "pride", "realization", "relief", "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip

# Emoji by CLDR short name, so a reader sees what each one is without rendering it.
_EMOJI_NAMES: dict[str, str] = {
    "admiration": ":star-struck:",
    "amusement": ":face_with_tears_of_joy:",
    "anger": ":enraged_face:",
    "annoyance": ":unamused_face:",
    "approval": ":thumbs_up:",
    "caring": ":smiling_face_with_open_hands:",
    "confusion": ":confused_face:",
    "curiosity": ":thinking_face:",
    "desire": ":smiling_face_with_heart-eyes:",
    "disappointment": ":disappointed_face:",
    "disapproval": ":thumbs_down:",
    "disgust": ":nauseated_face:",
    "embarrassment": ":flushed_face:",
    "excitement": ":partying_face:",
    "fear": ":fearful_face:",
    "gratitude": ":folded_hands:",
    "grief": ":broken_heart:",
    "joy": ":grinning_face_with_smiling_eyes:",
    "love": ":red_heart:",
    "nervousness": ":grimacing_face:",
    "optimism": ":crossed_fingers:",
    "pride": ":smiling_face_with_sunglasses:",
    "realization": ":light_bulb:",
    "relief": ":relieved_face:",
    "remorse": ":pensive_face:",
    "sadness": ":crying_face:",
    "surprise": ":astonished_face:",
    "neutral": ":neutral_face:",
    # sentiment groups (Ekman groups reuse their namesake emotion's emoji)
    "positive": ":smiling_face_with_smiling_eyes:",
    "negative": ":frowning_face:",
    "ambiguous": ":face_with_raised_eyebrow:",
}
EMOJI: dict[str, str] = {name: emoji.emojize(code) for name, code in _EMOJI_NAMES.items()}

EKMAN_MAPPING: dict[str, tuple[str, ...]] = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": ("joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism",
            "relief", "pride", "admiration", "desire", "caring"),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
    "neutral": ("neutral",),
}  # fmt: skip

SENTIMENT_MAPPING: dict[str, tuple[str, ...]] = {
    "positive": ("amusement", "excitement", "joy", "love", "desire", "optimism", "caring",
                 "pride", "admiration", "gratitude", "relief", "approval"),
    "negative": ("fear", "nervousness", "remorse", "embarrassment", "disappointment",
                 "sadness", "grief", "disgust", "anger", "annoyance", "disapproval"),
    "ambiguous": ("realization", "surprise", "curiosity", "confusion"),
    "neutral": ("neutral",),
}  # fmt: skip

VIEWS: dict[str, dict[str, tuple[str, ...]]] = {
    "emotions": {name: (name,) for name in LABELS},
    "ekman": EKMAN_MAPPING,
    "sentiment": SENTIMENT_MAPPING,
}


def emoji_for(name: str) -> str:
    """The emoji shown for a label or roll-up group (a neutral face if unknown)."""
    return EMOJI.get(name, EMOJI["neutral"])


def rollup_matrix(view: str, labels: tuple[str, ...] = LABELS) -> tuple[list[str], np.ndarray]:
    """Group names and a 0/1 matrix ``[len(labels), n_groups]`` for a view."""
    if view not in VIEWS:
        raise ValueError(f"Unknown view {view!r}: choose one of {sorted(VIEWS)}.")
    groups = list(VIEWS[view])
    matrix = np.zeros((len(labels), len(groups)), dtype=np.float32)
    index = {name: i for i, name in enumerate(labels)}
    for j, group in enumerate(groups):
        for member in VIEWS[view][group]:
            matrix[index[member], j] = 1.0
    return groups, matrix


def rollup_probs(probs: np.ndarray, view: str) -> tuple[list[str], np.ndarray]:
    """Roll per-label probabilities up to a view: a group scores its strongest member."""
    groups, matrix = rollup_matrix(view)
    probs = np.asarray(probs, dtype=np.float32)
    rolled = (probs[..., :, None] * matrix).max(axis=-2)
    return groups, rolled


def rollup_targets(targets: np.ndarray, view: str) -> tuple[list[str], np.ndarray]:
    """Roll 0/1 label targets up to a view: a group is on when any member is."""
    return rollup_probs(targets, view)


def view_probs(probs: np.ndarray, labels: list[str], view: str) -> tuple[list[str], np.ndarray]:
    """Names and probabilities of a view's rows (``probs``: one text's or many texts')."""
    if view not in VIEWS:
        raise ValueError(f"view={view!r} is unknown: choose one of {list(VIEWS)}.")
    if view == "emotions":
        return list(labels), np.asarray(probs, dtype=np.float32)
    return rollup_probs(probs, view)
