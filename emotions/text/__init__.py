"""How a text is read before it is scored: its sentences, its conversation turns, the
language it looks like and the names in it. Pure text work, no model (``emotions.model.reading``
scores it)."""

from __future__ import annotations

import threading


def warm_up() -> threading.Thread:
    """Load the sentencizer (spaCy: about a second to import), the language identifier (about
    100 MB while it unpacks) and the name lists (Faker's: 0.3 s) in a daemon thread, so that no
    request pays for them."""
    from .language import _identifier
    from .namemask import first_names, name_words, proper_nouns, words
    from .sentences import _pipeline

    def load() -> None:
        first_names(), name_words(), words(), proper_nouns()
        _pipeline(), _identifier()

    thread = threading.Thread(target=load, name="text-warm-up", daemon=True)
    thread.start()
    return thread
