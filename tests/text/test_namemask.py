"""First names are read as GoEmotions' [NAME]; words that are also names only when used as one."""

from __future__ import annotations

import pytest

from emotions.text import namemask
from emotions.text.namemask import mask_names, mask_names_aligned


@pytest.mark.parametrize(
    "text, masked",
    [
        ("Emily feels angry.", "[NAME] feels angry."),
        ("Jamal's car broke down.", "[NAME]'s car broke down."),
        ("I told Priya and Mateo about it.", "I told [NAME] and [NAME] about it."),
        ("So happy for you, Ebony!", "So happy for you, [NAME]!"),
        ("Joy was furious.", "[NAME] was furious."),  # a name that is a word, used as a name
        ("Joy thanked me for the flowers.", "[NAME] thanked me for the flowers."),
        ("I feel such joy today.", "I feel such joy today."),  # the word
        ("Hope you feel better.", "Hope you feel better."),
        ("It made Frank feel awful.", "It made [NAME] feel awful."),  # "it made <name> feel"
        ("I love Texas so much.", "I love Texas so much."),  # a place on Faker's name lists
        ("Jordan told me the news.", "[NAME] told me the news."),  # the same word as a name
        ("Will you marry me?", "Will you marry me?"),
        ("I love May and June.", "I love May and June."),  # months are never names here
        ("Text with [NAME] already masked.", "Text with [NAME] already masked."),
        ("EMILY IS ANGRY", "EMILY IS ANGRY"),  # all caps: not masked (too many words)
        ("Shereen told me she was scared.", "[NAME] told me she was scared."),  # on no list, reads as a name
        ("Netflix raised its prices.", "Netflix raised its prices."),  # people type "netflix"
        ("Shereen and I left.", "[NAME] and I left."),  # an unknown word before "and I": a person
        ("Shereen and the dog left.", "Shereen and the dog left."),  # before any other "and": too unsure
        ("We had dinner with Oluwaseun last night.", "We had dinner with [NAME] last night."),  # inside
        ("Happy birthday Björn, and you, Żaneta!", "Happy birthday [NAME], and you, [NAME]!"),  # any script
        ("Oluwaseun!", "Oluwaseun!"),  # an unknown word starting a sentence, no verb: too unsure
        ("We watched the Witcher again.", "We watched the Witcher again."),  # after an article: a title
        ("I moved to Texas last year.", "I moved to Texas last year."),  # a place on Faker's lists
        ("Busy Thursday, Friday works.", "Busy Thursday, Friday works."),  # the calendar, before a verb too
        ("We flew to Chicago for Christmas.", "We flew to Chicago for Christmas."),  # GoEmotions kept them
        (
            "The Steelers won again.",
            "The Steelers won again.",
        ),  # a proper noun GoEmotions kept, before a verb
        ("über cool, Ünal", "über cool, [NAME]"),  # a lower-case first letter is never a name
        ("", ""),
    ],
)
def test_names_are_masked_and_words_kept(text, masked):
    assert mask_names(text) == masked


def test_every_masked_character_maps_back_to_the_name_typed():
    text = "Hi Jamal's 😂 friend Emily!"
    read, starts, ends = mask_names_aligned(text)
    assert read == "Hi [NAME]'s 😂 friend [NAME]!"
    spans = {text[s:e] for s, e, c in zip(starts, ends, read) if c in "[NAME]"}
    assert {"Jamal", "Emily"} <= spans
    assert [text[s:e] for s, e in zip(starts, ends)][-1] == "!"


def test_a_name_in_another_script_maps_back_whole():
    text = "Привет, we met Żaneta 😂 and Ólafur there."
    read, starts, ends = mask_names_aligned(text)
    assert read == "Привет, we met [NAME] 😂 and [NAME] there."
    spans = [text[s:e] for s, e, c in zip(starts, ends, read) if c in "[NAME]"]
    assert set(spans) == {"Żaneta", "Ólafur"} and len(starts) == len(read)


def test_the_name_list_is_large_and_holds_no_common_word():
    names = namemask.first_names()
    assert len(names) > 10_000
    assert {"emily", "jamal", "priya", "mateo", "aaliyah"} <= names
    assert not {"april", "monday"} & names  # calendar words are taken out
    assert {"hope", "joy", "will"} <= namemask.name_words()
    assert {"texas", "georgia", "jordan"} <= namemask.name_words()  # places that are names too


def test_the_proper_nouns_goemotions_kept_hold_no_name_of_the_suites():
    from emotions.train.heldout import NAMES, NAMES_2, NAMES_3
    from emotions.train.names import EEC_NAMES, SUITE_NAMES

    kept = namemask.proper_nouns()
    assert {"christmas", "chicago", "american", "steelers"} <= kept
    names = {n.lower() for n in NAMES + NAMES_2 + NAMES_3 + SUITE_NAMES}
    names |= {n.lower() for group in EEC_NAMES.values() for n in group}
    assert not kept & names - namemask.first_names()  # a listed name is masked whatever this list says


def test_a_missing_word_list_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(namemask, "NAME_WORDS_FILE", tmp_path / "name_words.txt")
    namemask.name_words.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="scripts/name_words.py"):
            namemask.name_words()
    finally:
        namemask.name_words.cache_clear()
