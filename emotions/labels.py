"""A model's labels, their emojis, and the views of them (roll-ups to fewer groups).

A loaded model describes itself: its labels come from its config (``id2label``), and its
roll-ups from a ``rollups.json`` beside it (:meth:`LabelSet.from_pretrained`). For
GoEmotions' 28 labels (27 emotions, then neutral, the release's order), the paper's
mappings to Ekman's six basic emotions and to sentiment are shipped here (checked against
the data's ``*_mapping.json`` by a test), so the app needs no data files at run time.
An emoji for any label: GoEmotions' own where the name is known, else one the ``emoji``
package names after it, else a neutral tag; the last two are marked as guesses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

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

GOEMOTIONS_ROLLUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "ekman": EKMAN_MAPPING,
    "sentiment": SENTIMENT_MAPPING,
}
VIEW_TITLES = {"ekman": "Ekman's 6 + neutral", "sentiment": "Sentiment"}
ROLLUPS_FILE = "rollups.json"  # beside a model: {"view": {"group": ["label", ...]}}
GUESSED = "guessed from the label's name"
DEFAULT_EMOJI = emoji.emojize(":label:")


@lru_cache(maxsize=4096)
def emoji_and_source(name: str) -> tuple[str, str]:
    """The emoji for a label or group, and where it came from: ``goemotions``, ``emoji``
    (the emoji package's name or alias for it: a guess) or ``default`` (a neutral tag)."""
    if name in EMOJI:
        return EMOJI[name], "goemotions"
    word = str(name).strip().lower().replace(" ", "_")
    found = emoji.emojize(f":{word}:", language="alias")
    if found != f":{word}:":
        return found, "emoji"
    for char, data in emoji.EMOJI_DATA.items():
        if word and word in data["en"].strip(":").lower().split("_"):
            return char, "emoji"
    return DEFAULT_EMOJI, "default"


def emoji_for(name: str) -> str:
    """The emoji shown for a label or roll-up group."""
    return emoji_and_source(name)[0]


def is_guessed(name: str) -> bool:
    return emoji_and_source(name)[1] != "goemotions"


def is_goemotions(labels) -> bool:
    """Whether ``labels`` are GoEmotions' 28 (in any order): the one answer to that question."""
    return set(map(str, labels)) == set(LABELS) and len(labels) == len(LABELS)


@dataclass(frozen=True)
class LabelSet:
    """A model's labels and its views: ``emotions`` (the labels themselves) and roll-ups."""

    labels: tuple[str, ...]
    rollups: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    source: str = "the model's config"

    def __post_init__(self) -> None:
        if not self.labels:
            raise ValueError(f"{self.source}: the model has no labels; give its config an id2label.")
        repeated = sorted({n for n in self.labels if self.labels.count(n) > 1})
        if repeated:
            raise ValueError(
                f"{self.source}: label names must be unique, but {repeated} repeat: rename them."
            )
        for view, groups in self.rollups.items():
            if view == "emotions" or not groups:
                raise ValueError(f"{self.source}: view {view!r} is reserved or empty: rename it or drop it.")
            unknown = sorted({m for members in groups.values() for m in members} - set(self.labels))
            if unknown:
                raise ValueError(
                    f"{self.source}: view {view!r} names labels the model does not have: {unknown}. "
                    f"Use the model's labels ({list(self.labels)})."
                )

    @property
    def is_goemotions(self) -> bool:
        return is_goemotions(self.labels)

    @classmethod
    def for_labels(cls, labels, rollups: dict | None = None, source: str = "the model's config") -> LabelSet:
        """``labels`` with ``rollups``; GoEmotions' 28 get the paper's roll-ups by default."""
        labels = tuple(str(n) for n in labels)
        if rollups is None and is_goemotions(labels):
            rollups = GOEMOTIONS_ROLLUPS
        parsed = {v: {str(g): tuple(m) for g, m in groups.items()} for v, groups in (rollups or {}).items()}
        return cls(labels, parsed, source)

    @classmethod
    def from_pretrained(cls, model_dir: str | Path, labels) -> LabelSet:
        """``labels`` with the roll-ups of ``<model_dir>/rollups.json`` (if there is one)."""
        path = Path(model_dir) / ROLLUPS_FILE
        if not path.is_file():
            return cls.for_labels(labels)
        try:
            rollups = json.loads(path.read_text(encoding="utf-8"))
            ok = isinstance(rollups, dict) and all(
                isinstance(g, dict) and all(isinstance(m, list) for m in g.values()) for g in rollups.values()
            )
        except (ValueError, UnicodeDecodeError) as err:
            raise ValueError(f"{path} is not valid JSON ({err}): fix it or delete it.") from None
        if not ok:
            raise ValueError(
                f'{path} must map each view to groups of labels: {{"view": {{"group": ["label"]}}}}.'
            )
        return cls.for_labels(labels, rollups, str(path))

    @property
    def views(self) -> dict[str, dict[str, tuple[str, ...]]]:
        return {"emotions": {name: (name,) for name in self.labels}, **self.rollups}

    def title(self, view: str) -> str:
        """How the page names a view: "27 emotions + neutral", "Ekman's 6 + neutral", ..."""
        if view != "emotions":
            return VIEW_TITLES.get(view, view.replace("_", " ").capitalize())
        n = len(self.labels)
        return f"{n - 1} emotions + neutral" if "neutral" in self.labels else f"{n} emotions"

    def groups(self, view: str) -> list[str]:
        if view not in self.views:
            raise ValueError(f"view={view!r} is unknown: choose one of {list(self.views)}.")
        return list(self.views[view])

    def matrix(self, view: str) -> np.ndarray:
        """0/1 matrix ``[n_labels, n_groups]``: which labels each group of ``view`` holds."""
        groups = self.groups(view)
        out = np.zeros((len(self.labels), len(groups)), dtype=np.float32)
        index = {name: i for i, name in enumerate(self.labels)}
        for j, group in enumerate(groups):
            for member in self.views[view][group]:
                out[index[member], j] = 1.0
        return out

    def view_probs(self, probs: np.ndarray, view: str) -> tuple[list[str], np.ndarray]:
        """Names and probabilities of a view's rows: a group scores its strongest member
        (``probs``: one text's ``[n_labels]`` or many texts' ``[n, n_labels]``)."""
        groups = self.groups(view)
        probs = np.asarray(probs, dtype=np.float32)
        if view == "emotions":
            return groups, probs
        return groups, (probs[..., :, None] * self.matrix(view)).max(axis=-2)

    def view_targets(self, targets: np.ndarray, view: str) -> tuple[list[str], np.ndarray]:
        """0/1 targets rolled up to a view: a group is on when any member is."""
        return self.view_probs(targets, view)


GOEMOTIONS = LabelSet.for_labels(LABELS, source="GoEmotions")
VIEWS = GOEMOTIONS.views  # GoEmotions' views (the shipped model's)


def rollup_probs(probs: np.ndarray, view: str) -> tuple[list[str], np.ndarray]:
    """GoEmotions' probabilities rolled up to one of its views."""
    return GOEMOTIONS.view_probs(probs, view)
