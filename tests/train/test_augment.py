"""Training augmentation: names fill the masks, emoji examples carry their emotion, typos keep labels."""

from __future__ import annotations

import random

import numpy as np
import pytest

from emotions.emoji_emotions import EMOJI_EMOTIONS, HELD_OUT
from emotions.labels import LABELS
from emotions.train.augment import Augmentation, add_typos, fill_names
from emotions.train.names import EEC_NAMES, SUITE_NAMES, TRAIN_NAMES
from emotions.train.targets import Split


def split_of(rows: list[tuple[str, list[str]]]) -> Split:
    targets = np.zeros((len(rows), len(LABELS)), dtype=np.float32)
    for i, (_, labels) in enumerate(rows):
        targets[i, [LABELS.index(n) for n in labels]] = 1
    return Split([t for t, _ in rows], targets)


DATA = split_of(
    [("[NAME] is here, [NAME].", ["neutral"]), ("The bus came.", ["neutral"]), ("I am so angry", ["anger"])]
    * 20
)


def test_each_mask_gets_its_own_training_name():
    filled = fill_names("[NAME] met [NAME] and [NAME].", random.Random(1))
    assert "[NAME]" not in filled
    assert set(filled.replace(".", "").split()) - {"met", "and"} <= set(TRAIN_NAMES)


def test_held_out_names_and_emoji_never_reach_training():
    held = set(SUITE_NAMES) | {n for names in EEC_NAMES.values() for n in names}
    assert not held & set(TRAIN_NAMES)
    assert not set(HELD_OUT) & set(EMOJI_EMOTIONS)
    assert all(set(ls) <= set(LABELS) for ls in [*EMOJI_EMOTIONS.values(), *HELD_OUT.values()])


def test_typos_keep_the_first_letter_and_change_little():
    rng = random.Random(0)
    outs = [add_typos("This is amazing", rng) for _ in range(200)]
    assert all(out[0] == "T" and abs(len(out) - len("This is amazing")) <= 2 for out in outs)
    assert sum(out != "This is amazing" for out in outs) >= 180  # a swap of "ss" changes nothing


def test_augmentation_adds_emoji_examples_with_their_emotion_and_keeps_labels():
    out = Augmentation(name_fill=1.0, emoji_examples=6, typo_rate=0.0).apply(DATA)
    assert np.array_equal(out.targets[: len(DATA)], DATA.targets)  # originals keep their labels
    assert not any("[NAME]" in t for t in out.texts[: len(DATA)])
    extra = list(zip(out.texts[len(DATA) :], out.targets[len(DATA) :]))
    enraged = [row for text, row in extra if text.strip() in ("😡", "😡😡", "😡😡😡", "😡!")]
    assert len(enraged) == 4 and all(row[LABELS.index("anger")] == 1 for row in enraged)
    assert all(row.sum() >= 1 for _, row in extra)


def test_augmentation_is_seeded_and_can_be_off():
    a = Augmentation(seed=3).apply(DATA)
    assert a.texts == Augmentation(seed=3).apply(DATA).texts
    off = Augmentation(name_fill=0, emoji_examples=0, typo_rate=0).apply(DATA)
    assert off.texts == DATA.texts


def test_other_label_sets_get_no_emoji_examples():
    data = Split(["good", "bad"], np.eye(2, dtype=np.float32), labels=("positive", "negative"))
    assert len(Augmentation().apply(data)) == 2


@pytest.mark.parametrize("field, value", [("name_fill", 1.5), ("typo_rate", -0.1), ("emoji_examples", -1)])
def test_bad_amounts_are_clear_errors(field, value):
    with pytest.raises(ValueError, match=f"{field}={value}"):
        Augmentation(**{field: value})
