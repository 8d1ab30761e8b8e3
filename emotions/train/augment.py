"""Training-set augmentation that teaches the model what people type and GoEmotions lacks.

- **Names** (counterfactual): most ``[NAME]`` masks are filled with first names of many
  origins and both genders (:data:`emotions.train.names.TRAIN_NAMES`), each mask its own name,
  the labels unchanged: a name carries no emotion. Some masks stay, as visitors type them too.
- **Emoji**: the emotions common emoji carry (:mod:`emotions.emoji_emotions`) as new examples:
  each emoji alone (and repeated), plain neutral training texts that the emoji gives its feeling
  ("The bus was late 😡" -> anger), and texts of that emotion ending with it.
- **Typos**: a few texts get one or two character slips (a letter dropped, doubled, swapped
  with its neighbour, or replaced by a keyboard neighbour), the labels unchanged.

Only the training split is augmented; dev and test stay as GoEmotions wrote them. Every step
is seeded, so a recipe gives the same texts each run.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass

import emoji
import numpy as np

from emotions.emoji_emotions import EMOJI_EMOTIONS

from .names import TRAIN_NAMES
from .targets import Split

logger = logging.getLogger(__name__)
MASK = re.compile(r"\[NAME\]")
NEUTRAL = "neutral"
_NEIGHBOURS = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoadsfghjkkxzcvbnmn"))  # one key to the side


@dataclass
class Augmentation:
    """How much of each kind; zero turns a kind off."""

    name_fill: float = 0.67  # share of texts with [NAME] whose masks get real names
    emoji_examples: int = 36  # new examples per emoji of the table
    typo_rate: float = 0.08  # share of training texts given one or two typos
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("name_fill", "typo_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name}={getattr(self, name)} must lie in [0, 1].")
        if self.emoji_examples < 0:
            raise ValueError(f"emoji_examples={self.emoji_examples} must be 0 or more.")

    def apply(self, split: Split) -> Split:
        """The split with names filled, typos made and emoji examples added (a new Split)."""
        rng = random.Random(self.seed)
        texts = [
            fill_names(t, rng) if MASK.search(t) and rng.random() < self.name_fill else t for t in split.texts
        ]
        filled = sum(a != b for a, b in zip(texts, split.texts))
        texts = [add_typos(t, rng) if rng.random() < self.typo_rate else t for t in texts]
        extra_texts, extra_targets = emoji_examples(split, self.emoji_examples, rng)
        logger.info(
            "Augmented: %d texts got names, %d typos, %d emoji examples added",
            filled, sum(a != b for a, b in zip(texts, split.texts)) - filled, len(extra_texts),
        )  # fmt: skip
        targets = np.concatenate([split.targets, extra_targets]) if extra_texts else split.targets
        return Split(texts + extra_texts, targets, split.labels, split.multi_label)


def fill_names(text: str, rng: random.Random) -> str:
    """Each ``[NAME]`` replaced by a first name drawn on its own."""
    return MASK.sub(lambda _: rng.choice(TRAIN_NAMES), text)


def add_typos(text: str, rng: random.Random) -> str:
    """One or two character slips inside words of four letters or more, their first letter kept."""
    words = [m for m in re.finditer(r"[A-Za-z]{4,}", text)]
    if not words:
        return text
    chars = list(text)
    for match in rng.sample(words, min(len(words), rng.choice((1, 1, 2)))):
        i = rng.randrange(
            match.start() + 1, match.end() - 1
        )  # not the first letter (a swap may move the last)
        kind = rng.choice(("drop", "double", "swap", "neighbour"))
        if kind == "drop":
            chars[i] = ""
        elif kind == "double":
            chars[i] = chars[i] * 2
        elif kind == "swap":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = _NEIGHBOURS.get(chars[i].lower(), chars[i])
    return "".join(chars)


def emoji_examples(split: Split, per_emoji: int, rng: random.Random) -> tuple[list[str], np.ndarray]:
    """New examples from the emoji table, for the labels this split has (others are skipped)."""
    index = {name: i for i, name in enumerate(split.labels)}
    table = {e: ls for e, ls in EMOJI_EMOTIONS.items() if all(label in index for label in ls)}
    if per_emoji == 0 or not table or NEUTRAL not in index:
        return [], np.zeros((0, len(split.labels)), dtype=split.targets.dtype)
    neutral = np.flatnonzero((split.targets[:, index[NEUTRAL]] == 1) & (split.targets.sum(1) == 1))
    texts, rows = [], []
    for name, labels in table.items():
        char = emoji.emojize(name)
        carrying = np.flatnonzero(split.targets[:, [index[label] for label in labels]].max(1) == 1)
        alone = [char, char * 2, char * 3, f"{char}!"]
        picked = rng.sample(list(neutral), min(per_emoji // 2, len(neutral)))
        plain = [_end_with(split.texts[i], char, rng) for i in picked]
        n_same = per_emoji - len(alone) - len(plain)
        picked = rng.sample(list(carrying), min(max(n_same, 0), len(carrying)))
        same = [_end_with(split.texts[i], char, rng) for i in picked]
        for text in alone + plain:
            texts.append(text)
            rows.append([index[label] for label in labels])
        for text, i in zip(same, picked):
            texts.append(text)
            rows.append(list(np.flatnonzero(split.targets[i])))
    targets = np.zeros((len(texts), len(split.labels)), dtype=split.targets.dtype)
    for r, cols in enumerate(rows):
        targets[r, cols] = 1
    return texts, targets


def _end_with(text: str, char: str, rng: random.Random) -> str:
    return text + rng.choice((" ", "", " ")) + char * rng.choice((1, 1, 2, 3))
