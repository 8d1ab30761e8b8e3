"""What a model reads: the text preprocessing a checkpoint declares in its config.

GoEmotions' tokenizer (BERT's WordPiece) knows no emoji: each one becomes ``[UNK]``, so "😂",
"😭" and "😡" all read the same. A checkpoint trained with ``{"emoji": "words"}`` in its
config's ``text_preprocessing`` reads every emoji as its English name instead ("😂" ->
" face with tears of joy "), skin tones dropped (so 👍🏿 and 👍🏻 read alike) and stray
variation selectors removed. The same function runs in training, calibration, evaluation and
serving, on every backend: :class:`emotions.model.inference.EmotionClassifier` applies it to
every text it scores, so offsets into the visitor's text (sentences, words) stay those of the
original. A checkpoint that declares nothing reads texts as they are.

A checkpoint taught emoji by ``python -m emotions teach-emoji`` declares ``{"emoji": "tokens"}``:
its tokenizer holds a token of its own for each emoji (learned, not named), so the emoji stay
as typed and only skin tones and variation selectors are removed.

``{"names": "mask"}`` masks people's first names as ``[NAME]``, as GoEmotions' annotators saw
them (:mod:`emotions.text.namemask`), so a name swap cannot change the answer. Emoji are read
first, then names masked; the spans of both steps are composed.

For plain transformers, the model card says the one line to apply:
``emoji.replace_emoji(text, replace=lambda e, d: " " + d["en"].strip(":").replace("_", " ") + " ")``
after removing skin tones (U+1F3FB..U+1F3FF) and U+FE0F (the same but for stray zero-width joiners),
then :func:`emotions.text.namemask.mask_names`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import emoji

from emotions.text.namemask import mask_names, mask_names_aligned

CONFIG_KEY = "text_preprocessing"  # the config.json field a checkpoint declares it in
# keep: as they are ([UNK] for BERT); words: their English names; tokens: as typed, tones removed,
# for a tokenizer that has a token per emoji (emotions.train.emojitokens)
EMOJI_MODES = ("keep", "words", "tokens")
EMOJI_STEPS = {"words": "emoji read as their English names", "tokens": "emoji read as tokens of their own"}
NAME_MODES = ("keep", "mask")  # keep: as typed; mask: first names as [NAME], GoEmotions' mask
# Fitzpatrick skin-tone modifiers and the emoji variation selector: they carry no emotion,
# and a tone must not change the answer (tested: 👍🏿 and 👍🏻 read alike).
_NOISE = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")


def emoji_words(text: str) -> str:
    """Each emoji as its English name between spaces ("I did it 🎉" -> "I did it  party popper ")."""
    if text.isascii():  # the common case costs one scan
        return text
    return emoji_words_aligned(text)[0]


def without_tones(text: str) -> str:
    """The text without skin tones and variation selectors (👍🏿 -> 👍)."""
    return text if text.isascii() else _NOISE.sub("", text)


def without_tones_aligned(text: str) -> tuple[str, list[int], list[int]]:
    """``without_tones(text)`` and each character's span of ``text``; an emoji's span takes in
    the tone that followed it."""
    keep = [i for i, c in enumerate(text) if not _NOISE.match(c)]
    return "".join(text[i] for i in keep), keep, [*keep[1:], len(text)]


def _name(chars: str) -> str:
    return " " + emoji.EMOJI_DATA[chars]["en"].strip(":").replace("_", " ") + " "


def emoji_words_aligned(text: str) -> tuple[str, list[int], list[int]]:
    """``emoji_words(text)`` and, for each of its characters, the span of ``text`` it came from
    (``starts[j]``, ``ends[j]``): an emoji's name maps to the whole emoji, skin tone included,
    so explanations highlight what the visitor typed."""
    clean, keep, _ = without_tones_aligned(text)  # keep[j]: where clean[j] was in text
    out, starts, ends, at = [], [], [], 0

    def copy(upto: int) -> None:
        out.append(clean[at:upto])
        starts.extend(keep[at:upto])
        ends.extend(i + 1 for i in keep[at:upto])

    for match in emoji.emoji_list(clean):
        a, b = match["match_start"], match["match_end"]
        copy(a)
        name = _name(match["emoji"])
        end = keep[b] if b < len(keep) else len(text)  # up to the next kept character: tones too
        out.append(name)
        starts.extend([keep[a]] * len(name))
        ends.extend([end] * len(name))
        at = b
    copy(len(clean))
    return "".join(out), starts, ends


@dataclass(frozen=True)
class Preprocessing:
    """How a checkpoint's texts are prepared before tokenizing (saved in its config)."""

    emoji: str = "keep"  # "keep" is what a checkpoint without the field gets: texts as they are
    names: str = "keep"  # likewise: names as typed

    def __post_init__(self) -> None:
        if self.emoji not in EMOJI_MODES:
            raise ValueError(
                f"{CONFIG_KEY}.emoji={self.emoji!r} is not known: use one of {EMOJI_MODES} in config.json."
            )
        if self.names not in NAME_MODES:
            raise ValueError(
                f"{CONFIG_KEY}.names={self.names!r} is not known: use one of {NAME_MODES} in config.json."
            )

    @classmethod
    def from_config(cls, config) -> Preprocessing:
        """What ``config.text_preprocessing`` declares (nothing: texts as they are)."""
        declared = getattr(config, CONFIG_KEY, None) or {}
        if not isinstance(declared, dict):
            raise ValueError(
                f"config.json's {CONFIG_KEY} must be an object such as {{'emoji': 'words'}}, not {declared!r}."
            )
        unknown = set(declared) - {"emoji", "names"}
        if unknown:
            raise ValueError(
                f"config.json's {CONFIG_KEY} names unknown steps {sorted(unknown)}: this version knows "
                "'emoji' and 'names'."
            )
        return cls(**declared)

    def save_to(self, config) -> None:
        """Declare it in ``config`` (written to config.json by ``save_pretrained``)."""
        setattr(config, CONFIG_KEY, asdict(self))

    @property
    def is_identity(self) -> bool:
        return self.emoji == "keep" and self.names == "keep"

    def __call__(self, text: str) -> str:
        if self.emoji == "words":
            text = emoji_words(text)
        elif self.emoji == "tokens":
            text = without_tones(text)
        return mask_names(text) if self.names == "mask" else text

    def aligned(self, text: str) -> tuple[str, list[int], list[int]]:
        """``self(text)`` and the span of ``text`` each of its characters came from."""
        if self.emoji == "words" and not text.isascii():
            read, starts, ends = emoji_words_aligned(text)
        elif self.emoji == "tokens" and not text.isascii():
            read, starts, ends = without_tones_aligned(text)
        else:
            read, starts, ends = text, list(range(len(text))), list(range(1, len(text) + 1))
        if self.names == "mask":  # compose: a character of the masked text -> one of `read` -> `text`
            read, into_start, into_end = mask_names_aligned(read)
            starts, ends = [starts[i] for i in into_start], [ends[j - 1] for j in into_end]
        return read, starts, ends

    def describe(self) -> str:
        """One line for model cards and logs."""
        steps = [EMOJI_STEPS[self.emoji]] if self.emoji in EMOJI_STEPS else []
        steps += ["first names masked as [NAME]"] if self.names == "mask" else []
        return ", ".join(steps) or "texts read as they are"
