"""Masking people's first names as ``[NAME]``, the way GoEmotions' annotators saw them.

GoEmotions replaced every person's name with ``[NAME]``, so a model trained on it never met a
real one, and "Emily feels angry." and "Jamal feels angry." could get different answers.
Masking names before the model reads them gives it the ``[NAME]`` it was trained on, so a name
swap cannot change the answer. A checkpoint asks for it with ``{"names": "mask"}`` in its
config's ``text_preprocessing`` (:mod:`emotions.model.preprocessing`).

What counts as a first name: the first-name lists of Faker (MIT; 86 locales, both genders, many
origins; ASCII spellings), about 16,500 names. A Titlecase word on that list is masked, with
its possessive kept ("Jamal's" -> "[NAME]'s"). Some names are also English words (Joy, Hope,
Grace, Will, Mark; :data:`NAME_WORDS_FILE`, names typed in lowercase at least 3 times in
GoEmotions' training split: ``scripts/name_words.py`` writes the list) or places (Texas, Georgia,
Jordan: Faker's countries and states). Such a word is masked
only when a verb follows it, as a name's would: "Joy was furious." -> "[NAME] was furious.", but
"Hope you feel better." and "I feel such joy." keep it. Months and weekdays (April, June) are
never masked. Lower-case and all-caps words are never masked: too many are words.

A name no list holds ("Shereen", "Oluwaseun", "Björn") is masked when it reads like one: a
Titlecase word people never type in lowercase (:data:`WORDS_FILE`: every word typed in lowercase
at least 3 times in GoEmotions' training split, written by ``scripts/name_words.py``) inside a
sentence ("dinner with Shereen last night"), or starting one before a verb ("Shereen feels
angry.") or before "and I" / "and me" ("Shereen and I left."). "Netflix raised prices" keeps
Netflix: people type "netflix". So do the proper nouns GoEmotions itself left unmasked
(:data:`PROPER_NOUNS_FILE`: capitalised at least 3 times in its training split and not among
the words typed in lowercase: Christmas, Chicago, American, Steelers), since its masking judged
them no person's name. Any other such word inside a sentence is a proper noun, most often a
name; a rare place or title masked with it reads as ``[NAME]`` (docs/model.md counts them).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)
MASK = "[NAME]"  # GoEmotions' own mask: what the model was trained on
NAME_WORDS_FILE = Path(__file__).with_name("name_words.txt")
WORDS_FILE = Path(__file__).with_name("words.txt")
PROPER_NOUNS_FILE = Path(__file__).with_name("proper_nouns.txt")
_FAKER_LISTS = (
    "first_names", "first_names_male", "first_names_female", "first_names_nonbinary",
    "first_romanized_names", "first_names_male_romanized", "first_names_female_romanized",
)  # fmt: skip
_FAKER_PLACES = ("countries", "states", "provinces", "regions", "counties")
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# What follows a person's name: the verbs of "<name> feels/was/told ..." (and any word in -ed),
# and the bare verbs of "it made <name> feel ...", "let <name> know".
_VERBS = frozenset(
    "is was has had does did feels felt said says told tells made makes went goes got gets thinks "
    "thought seems seemed looks looked wants wanted loves hates likes knows knew came comes left "
    "will would can could should must never always just really and feel know think "
    "found saw gave took kept lost won broke bought brought heard met ran sent spent began became".split()
)  # (irregular pasts: "-ed" catches the rest)
# A capital then lower case, in any script ("Björn", "Żaneta"); checked by str.isupper/islower
_TITLECASE = re.compile(r"(?<![\w\[])([^\W\d_a-z][^\W\d_A-Z]+)\b(?!\])")
_SENTENCE_START = frozenset('.!?:;"“”()*-\n')  # what ends the text before a sentence's first word
_PERSONS = frozenset("i me my he she him her we us they them you".split())  # "<name> and I"
_LOOK_BACK = 32  # characters read before a word to place it in its sentence
_ARTICLE = re.compile(r"\b(?:the|a|an)\s+$", re.IGNORECASE)
_AND_WHO = re.compile(r"\s+and\s+([A-Za-z]+)\b")
_NEXT_WORD = re.compile(r"(?:['’]s)?\s+([a-z]+)")


def _faker_words(package, attrs: tuple[str, ...]) -> set[str]:
    """Every ASCII word of two letters or more in the ``attrs`` lists of a Faker provider
    package's locales, lower-cased."""
    found: set[str] = set()
    for module in pkgutil.iter_modules(package.__path__):
        provider = importlib.import_module(f"{package.__name__}.{module.name}").Provider
        for attr in attrs:
            listed = provider.__dict__.get(attr)
            if isinstance(listed, (list, tuple, dict, set, frozenset)):
                found.update(
                    w.lower()
                    for w in listed
                    if isinstance(w, str) and w.isascii() and w.isalpha() and len(w) > 1
                )
    return found


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Every ASCII first name in Faker's person providers, lower-cased (loaded once, ~0.3 s)."""
    import faker.providers.person as person

    return frozenset(_faker_words(person, _FAKER_LISTS) - _CALENDAR)


def _word_list(path: Path) -> frozenset[str]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: reinstall the package, or write it with scripts/name_words.py."
        )
    lines = (line.strip() for line in path.read_text().splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """First names that are also English words, or places (Texas, Georgia, Jordan): masked only
    when a verb follows."""
    return _word_list(NAME_WORDS_FILE) | places()


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """One-word countries, states, provinces, regions and counties of Faker's address providers."""
    import faker.providers.address as address

    return frozenset(_faker_words(address, _FAKER_PLACES))


@lru_cache(maxsize=1)
def words() -> frozenset[str]:
    """Words people type in lowercase: a Titlecase word not among them may be a name."""
    return _word_list(WORDS_FILE)


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    """Capitalised words GoEmotions left unmasked (places, teams, brands, holidays): not names."""
    return _word_list(PROPER_NOUNS_FILE)


def _starts_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - _LOOK_BACK) : at].rstrip()  # a few characters: huge texts stay fast
    return not before or before[-1] in _SENTENCE_START


def _after_article(text: str, at: int) -> bool:
    """ "the Steelers", "a Walmart": a person's name seldom follows an article."""
    return _ARTICLE.search(text, max(0, at - _LOOK_BACK), at) is not None


def capitalised(text: str) -> Iterator[re.Match]:
    """The Titlecase words of ``text`` (group 1): a capital, then lower case, in any script."""
    return (m for m in _TITLECASE.finditer(text) if m.group(1)[0].isupper() and m.group(1)[1:].islower())


def _is_name(text: str, match: re.Match) -> bool:
    word = match.group(1).lower()
    listed = word in first_names()
    if listed and word not in name_words():
        return True
    if not listed:
        if word in words() or word in proper_nouns() or word in _CALENDAR:
            return False
        at = match.start()
        if word not in places() and not _starts_sentence(text, at) and not _after_article(text, at):
            return True  # an unknown word, capitalised inside a sentence: a proper noun, most often a name
    after = _NEXT_WORD.match(text, match.end())  # a name-word or an unknown word: a name if a verb follows
    if after is None:
        return False
    if after.group(1) == "and":  # "Joy and I left": a name; an unknown word only before "and I"
        who = _AND_WHO.match(text, match.end())
        return listed or (who is not None and who.group(1).lower() in _PERSONS)
    return after.group(1) in _VERBS or after.group(1).endswith("ed")


def mask_names_aligned(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with first names as ``[NAME]`` and, for each of its characters, the span of
    ``text`` it came from (a mask maps to the whole name)."""
    out, starts, ends, at = [], [], [], 0
    for match in capitalised(text):
        if not _is_name(text, match):
            continue
        a, b = match.span(1)
        out.append(text[at:a])
        starts.extend(range(at, a))
        ends.extend(range(at + 1, a + 1))
        out.append(MASK)
        starts.extend([a] * len(MASK))
        ends.extend([b] * len(MASK))
        at = b
    out.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    return "".join(out), starts, ends


def mask_names(text: str) -> str:
    """``text`` with people's first names as ``[NAME]`` ("Jamal feels angry." -> "[NAME] feels angry.")."""
    if text.islower():  # the common fast path: no capital letter, no name
        return text
    return mask_names_aligned(text)[0]
