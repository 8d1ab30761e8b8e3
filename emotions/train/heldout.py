"""Held-out cases: the emoji and name targets, on texts nothing was chosen by.

The behaviour suite (:mod:`emotions.train.behaviour`) chose the shipped model: its emoji cases
picked the emoji recipe, and the audit's misses shaped the name-masking rule. So its pass rates
are no longer a held-out figure. These cases were written on 2026-12-06, after the model was
chosen and before it was run on them: new plain sentences, the emoji at the start as well as
the end (training only ever appends them), pairs of emoji on one sentence, new name templates
(names after a verb and at the end too) and new names of many origins, none of them in the
suite or the audit (ten are on ``train --name-fill``'s list, which no shipped model was trained
with: ``name_fill`` is 0 or absent in their ``training_config.json``). ``python -m emotions
behave`` runs them beside the suite, with the suite's targets. Change them and they stop being
held out: add new ones instead.

The first name set (``NAMES``, ``TEMPLATES``) failed: 91.3% of its pairs got the same labels
(target 98%), because a name on no list was masked only before a verb. The masking rule was
widened for it (docs/model.md), so that set is no longer held out; the second
(``NAMES_2``, ``TEMPLATES_2``) was written before the widened rule was run on it, the third
before the proper nouns GoEmotions kept (:func:`emotions.text.namemask.proper_nouns`) were.
"""

from __future__ import annotations

from .behaviour import distinct_emoji, emoji_in_sentences, name_swap_cases
from .checklist import Capability

PLAIN = (
    "I just got home from work", "My cousin is visiting this weekend", "I finished reading the book",
    "We moved the couch to the other room", "The results came out this morning", "She sent me the photos",
    "I have a dentist appointment tomorrow", "He bought a new bike",
)  # fmt: skip
NAMES = (
    "Oluwaseun", "Nkechi", "Xiomara", "Thandiwe", "Kwame", "Anh", "Sipho", "Zainab", "Jaroslav", "Aigerim",
    "Rangi", "Ximena", "Bogdan", "Keanu", "Saoirse", "Rahul", "Ngozi", "Tomasz", "Hana", "Mehmet",
    "Ayesha", "Joaquin", "Malia", "Björn",
)  # fmt: skip
TEMPLATES = (
    "{} just got the job and we are thrilled!", "I'm so disappointed in {} right now.",
    "Can you believe what {} did? Disgusting.", "We had dinner with {} last night.",
    "Happy birthday {}, you deserve the best!", "I'm scared for {} after the accident.",
    "Why does {} keep ignoring my messages?", "{} and I finally finished the project.",
)  # fmt: skip

NAMES_2 = (
    "Chidi", "Folasade", "Yaw", "Adaeze", "Tendai", "Wanjiru", "Haruto", "Sakura", "Minh", "Ravi",
    "Lakshmi", "Emeka", "Ifeoma", "Siddharth", "Anahera", "Tane", "Dagny", "Sigrún", "Ólafur", "Marisol",
    "Itzel", "Nneka", "Kofi", "Żaneta",
)  # fmt: skip
TEMPLATES_2 = (
    "I'm so proud of {} for finishing the marathon!", "Honestly, {} ruined the whole evening.",
    "Thanks for the gift, {}!", "I ran into {} at the market today.", "It's been a year since we lost {}.",
    "Tell {} I said congratulations!", "{}, you scared the hell out of me!", "We're going to visit {} in the spring.",
)  # fmt: skip

NAMES_3 = (
    "Obinna", "Chiamaka", "Kagiso", "Nomvula", "Dawit", "Selam", "Tsegaye", "Aroha", "Wiremu", "Kalani",
    "Noelani", "Esperanza", "Guadalupe", "Thiago", "Bolat", "Dinara", "Nurlan", "Farrukh", "Shirin", "Parisa",
    "Kaveh", "Quynh", "Thao", "Yerlan",
)  # fmt: skip
TEMPLATES_3 = (
    "I couldn't stop laughing when {} fell off the chair.", "My neighbor {} helped me move, so kind.",
    "I'm worried about {}, she hasn't called.", "We lost the game because {} missed the shot.",
    "Say hi to {} for me!", "Last summer {} and Tom visited Lisbon.",
    "Nobody invited {} to the party, which is sad.", "According to {}, the concert was amazing.",
)  # fmt: skip


def emoji_with_sentence(before: bool) -> Capability:
    where = "before" if before else "after"
    cases = emoji_in_sentences(PLAIN, before)
    return Capability(f"held out: emoji {where} a new plain sentence", "MFT", cases, 0.8)


def emoji_distinct_in_sentences() -> Capability:
    cases = [case for plain in PLAIN for case in distinct_emoji(plain)]
    return Capability("held out: distinct emoji on one sentence, distinct answers", "DIR", cases, 0.95)


def name_swaps(names: tuple[str, ...], templates: tuple[str, ...], which: str) -> Capability:
    cases = name_swap_cases(names, templates)
    return Capability(f"held out: name swap, new names and templates ({which})", "INV", cases, 0.98)


def held_out_suite() -> list[Capability]:
    """The held-out capabilities, in the order the table shows them."""
    return [
        emoji_with_sentence(before=False), emoji_with_sentence(before=True), emoji_distinct_in_sentences(),
        name_swaps(NAMES, TEMPLATES, "first set: seen when the rule was widened"),
        name_swaps(NAMES_2, TEMPLATES_2, "second set: seen when known proper nouns were kept"),
        name_swaps(NAMES_3, TEMPLATES_3, "third set"),
    ]  # fmt: skip
