"""The behaviour suite: how the model reads what people actually type (CheckList style).

Each capability is a list of cases written here, from templates of this project's own (no
GoEmotions text, no training emoji example): emoji alone and emoji that carry a plain
sentence's feeling (and held-out emoji the model never saw in training), skin tones, name
swaps (names never used in training), names that are also words, typos, casing and
punctuation, negation, intensity, plain facts, and sarcasm (measured, no target).
``python -m emotions behave`` runs it with the bias audit (:mod:`emotions.train.audit`).
"""

from __future__ import annotations

import itertools
import random

import emoji

from emotions.emoji_emotions import EMOJI_EMOTIONS, HELD_OUT

from .augment import add_typos
from .checklist import Capability, Case, Reading
from .names import SUITE_NAMES

PLAIN = (
    "The meeting moved to Tuesday", "I failed my driving test again", "My sister called me this morning",
    "We are having pasta tonight", "The new phone arrived today", "I took the bus to work",
)  # fmt: skip
# The emoji a visitor types most, each with the emotion people mean by it.
KEY_EMOJI = {
    "😂": "amusement", "😭": "sadness", "❤️": "love", "😡": "anger", "🙏": "gratitude", "🎉": "excitement",
    "😱": "fear", "🤢": "disgust", "😒": "annoyance", "👍": "approval", "😲": "surprise", "😍": "love",
}  # fmt: skip
NAME_TEMPLATES = (
    "{} is so excited about the trip!", "I can't believe {} lied to me again.", "{} said the movie was boring.",
    "Thank you so much, {}!", "{} is really worried about the exam.", "{} went to the store.",
    "Honestly {}, that was hilarious.", "I miss {} so much.",
)  # fmt: skip
FEELINGS = (
    "I love this song so much!", "This is amazing, thank you for everything.", "I am so angry right now.",
    "That is disgusting and I hate it.", "I'm really scared about tomorrow.", "I'm so sorry for your loss.",
    "Wow, I did not expect that at all!", "Congratulations on the new job!", "This is so annoying.",
    "I'm so happy for you both.", "Why would anyone do that? I'm confused.", "I really hope it works out.",
)  # fmt: skip
NEGATIONS = (  # (sentence, its negation); the first one's top emotion must not stay on top
    ("I love it.", "I don't love it."), ("I love this movie.", "I do not love this movie."),
    ("I hate this movie.", "I do not hate this movie."), ("I'm angry.", "I'm not angry."),
    ("I am happy with it.", "I am not happy with it."), ("This is great.", "This is not great."),
    ("I'm excited about the trip.", "I'm not excited about the trip."), ("I like your idea.", "I don't like your idea."),
    ("Thank you for helping.", "No thanks for helping."), ("I'm scared of it.", "I'm not scared of it."),
    ("I'm sad about it.", "I'm not sad about it."), ("That was funny.", "That was not funny."),
)  # fmt: skip
INTENSITY = (
    "good",
    "great",
    "happy",
    "sad",
    "angry",
    "funny",
    "scary",
    "annoying",
    "grateful",
    "disgusting",
)  # "This is X." -> "This is really X." / "so X" must not lower X's strongest emotion
FACTS = (
    "The train leaves at 9:40 from platform 2.", "Water boils at 100 degrees Celsius.",
    "The meeting moved to 3pm in room 4.", "Paris is the capital of France.", "The store opens at eight.",
    "My laptop has 16 GB of memory.", "The package was delivered on Monday.", "There are seven days in a week.",
    "The report is due next Friday.", "He parked the car in the garage.",
)  # fmt: skip
SARCASM = (
    "Wow, thanks for nothing.", "Oh great, another Monday.", "Yeah, because that worked so well last time.",
    "Thanks a lot for ruining my day.", "Oh wonderful, the bus is late again.", "Sure, I just love waiting in line for hours.",
)  # fmt: skip
LITERAL = {"gratitude", "joy", "admiration", "love", "excitement"}  # what sarcasm must not read as


def detects(label: str):
    return lambda r: label in r.labels


def emoji_alone() -> Capability:
    table = {**{emoji.emojize(n): ls[0] for n, ls in EMOJI_EMOTIONS.items()}, **KEY_EMOJI}
    cases = [Case((char,), f"{label} detected", detects(label)) for char, label in table.items()]
    return Capability(
        "emoji alone", "MFT", cases, 0.8, "an emoji as the whole text reads as what people mean"
    )


def emoji_held_out() -> Capability:
    cases = [Case((emoji.emojize(n),), f"{ls[0]} detected", detects(ls[0])) for n, ls in HELD_OUT.items()]
    return Capability("emoji never seen in training", "MFT", cases, None, "read from their names alone")


def emoji_in_sentences(sentences: tuple[str, ...], before: bool = False) -> list[Case]:
    """Each key emoji after (or before) each plain sentence: it must give the emotion it means."""
    return [
        Case((f"{char} {plain}" if before else f"{plain} {char}",), f"{label} detected", detects(label))
        for plain in sentences for char, label in KEY_EMOJI.items()
    ]  # fmt: skip


def distinct_emoji(sentence: str = "") -> list[Case]:
    """Every pair of key emoji meaning different emotions, alone or after ``sentence``."""
    pairs = [(a, b) for (a, la), (b, lb) in itertools.combinations(KEY_EMOJI.items(), 2) if la != lb]
    lead = f"{sentence} " if sentence else ""
    return [
        Case((lead + a, lead + b), "different labels", lambda x, y: set(x.labels) != set(y.labels)) for a, b in pairs
    ]  # fmt: skip


def name_swap_cases(names: tuple[str, ...], templates: tuple[str, ...]) -> list[Case]:
    """Every pair of ``names`` in each template: the labels must not change."""
    return [
        Case.invariant(t.format(a), t.format(b))
        for t in templates
        for a, b in itertools.combinations(names, 2)
    ]


def emoji_carries() -> Capability:
    return Capability("emoji gives a plain sentence its feeling", "MFT", emoji_in_sentences(PLAIN), 0.8)


def emoji_distinct() -> Capability:
    return Capability("distinct emoji, distinct answers", "DIR", distinct_emoji(), 0.95)


def skin_tones() -> Capability:
    texts = ("Great job 👍{}", "{}👏 well done", "Thank you 🙏{}", "Love you 🫶{}")
    tones = ("\U0001f3fb", "\U0001f3fc", "\U0001f3fd", "\U0001f3fe", "\U0001f3ff")
    cases = [Case.invariant(t.format(""), t.format(tone)) for t in texts for tone in tones]
    return Capability("emoji skin tone", "INV", cases, 1.0)


def name_swaps() -> Capability:
    cases = name_swap_cases(SUITE_NAMES, NAME_TEMPLATES)
    return Capability(
        "name swap", "INV", cases, 0.98, "names of both genders and many origins, never in training"
    )


def names_that_are_words() -> Capability:
    cases = [
        Case(("Joy was furious.",), "anger detected, joy not", lambda r: "anger" in r.labels and "joy" not in r.labels),
        Case(("Hope is terrified of the dark.",), "fear detected", detects("fear")),
        Case(("Grace feels so sad today.",), "sadness detected", detects("sadness")),
        Case(("Joy thanked me for the flowers.",), "gratitude or neutral, joy not", lambda r: "joy" not in r.labels),
        Case(("I feel such joy today.",), "joy detected", detects("joy")),
        Case(("I hope you feel better soon.",), "caring or optimism", lambda r: {"caring", "optimism"} & set(r.labels)),
    ]  # fmt: skip
    return Capability("names that are also words", "MFT", cases, None)


def typos(seed: int = 7) -> Capability:
    rng = random.Random(seed)
    cases = [Case.invariant(t, add_typos(t, rng)) for t in FEELINGS for _ in range(3)]
    return Capability("typos (one or two characters)", "INV", cases, 0.8)


def casing_punctuation() -> Capability:
    variants = (str.lower, str.upper, lambda t: t.rstrip(".!?"), lambda t: f"  {t}  ", lambda t: t + "!!")
    cases = [Case.invariant(t, v(t)) for t in FEELINGS for v in variants]
    return Capability("casing, punctuation, whitespace", "INV", cases, 0.9)


def negation() -> Capability:
    def flips(a: Reading, b: Reading) -> bool:
        return b.top != a.top and b.scores[a.top] < a.scores[a.top]

    cases = [Case((a, b), "the first text's top emotion not on top, and lower", flips) for a, b in NEGATIONS]
    return Capability(
        "negation", "DIR", cases, None, "'I love it' -> 'I don't love it' must not keep love on top"
    )


def intensity(tolerance: float = 0.01) -> Capability:
    def holds(a: Reading, b: Reading) -> bool:
        return b.scores[a.top] >= a.scores[a.top] - tolerance

    cases = [
        Case((f"This is {w}.", f"This is {more} {w}."), f"the top emotion not lower (by over {tolerance})", holds)
        for w in INTENSITY for more in ("really", "so", "very")
    ]  # fmt: skip
    return Capability("intensity", "DIR", cases, 0.9)


def plain_facts() -> Capability:
    cases = [Case((t,), "neutral only", lambda r: r.labels == ("neutral",)) for t in FACTS]
    return Capability("plain facts", "MFT", cases, 0.9)


def sarcasm() -> Capability:
    cases = [Case((t,), f"none of {sorted(LITERAL)}", lambda r: not LITERAL & set(r.labels)) for t in SARCASM]
    return Capability(
        "sarcasm", "MFT", cases, None, "measured, no target: GoEmotions raters read it literally"
    )


def suite() -> list[Capability]:
    """Every capability, in the order the table shows them."""
    return [
        emoji_alone(), emoji_carries(), emoji_held_out(), emoji_distinct(), skin_tones(), name_swaps(),
        names_that_are_words(), typos(), casing_punctuation(), negation(), intensity(), plain_facts(), sarcasm(),
    ]  # fmt: skip
