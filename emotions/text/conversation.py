"""A conversation: lines like ``Name: text``, read as turns that keep their speaker.

A text is a conversation when at least two of its lines start with a speaker's name and a
colon, and those lines are most of its non-blank lines. A line without a name continues the
turn before it. A name is 1 to 30 characters starting with a letter (``Anna``, ``Dr. Lee``,
``user_2``); ``http:`` and times such as ``10:30`` are not names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPEAKER = re.compile(r"^[ \t]*(?P<name>[^\W\d_][\w .'\-]{0,29}?)[ \t]*:(?![/\d])[ \t]*", re.M)
NOT_NAMES = {"http", "https", "ftp", "mailto", "note", "ps", "re", "edit", "update", "tl;dr"}
MIN_TURNS = 2
MIN_SHARE = 0.6  # of the non-blank lines that must start with a name


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: int  # the turn's text (after "Name: "), as character offsets into the whole text
    end: int


def _named_lines(text: str) -> list[re.Match]:
    return [m for m in SPEAKER.finditer(text) if m.group("name").strip().lower() not in NOT_NAMES]


def split_turns(text: str) -> list[Turn] | None:
    """The turns of ``text`` in order, or None when it does not read as a conversation."""
    named = _named_lines(text)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(named) < MIN_TURNS or len(named) < MIN_SHARE * len(lines):
        return None
    turns = []
    for i, match in enumerate(named):
        end = named[i + 1].start() if i + 1 < len(named) else len(text)
        while end > match.end() and text[end - 1].isspace():
            end -= 1
        turns.append(Turn(match.group("name").strip(), match.end(), max(end, match.end())))
    return turns
