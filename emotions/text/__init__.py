"""How a text is read before it is scored: its sentences, its conversation turns and the
language it looks like. Pure text work, no model (``emotions.model.reading`` scores it)."""

from __future__ import annotations

import threading


def warm_up() -> threading.Thread:
    """Load the sentencizer (spaCy: seconds to import) and the language identifier (about
    100 MB while it unpacks) in a daemon thread, so that no request pays for them."""
    from .language import _identifier
    from .sentences import _pipeline

    thread = threading.Thread(target=lambda: (_pipeline(), _identifier()), name="text-warm-up", daemon=True)
    thread.start()
    return thread
