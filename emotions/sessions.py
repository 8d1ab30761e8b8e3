"""Cheaper Gradio sessions for plain-HTTP API calls.

Every call to ``/gradio_api/call/<api>`` made without a session (curl, any HTTP client) gets a
fresh ``gradio.state_holder.SessionState``. Its ``__init__`` renders the config of every
component on the page (64 here) into ``config_values``, which Gradio reads in one place only:
the ``/gradio_api/deep_link`` route, to save the page as a ``gr.DeepLinkButton`` link. On this
page that was about 6 ms of each 21 ms ``/predict`` round trip on 2 cores (py-spy), run on the
server's event loop, plus about 90 KB kept per session.

:func:`defer_session_configs` builds those configs on demand instead: a session starts with
none, Gradio's own updates add the ones an event touches (as they already did), and the deep
link route gets the rest built when it asks, so it returns what it returned before. Pinned to
the Gradio in ``requirements.txt``; on a Gradio whose ``SessionState`` looks different it
changes nothing and logs why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from gradio.state_holder import SessionState

logger = logging.getLogger(__name__)

_PATCHED = "_emotions_deferred_configs"  # marks the patched class: patch once
_EXPECTED = ("_update_value_in_config", "_update_config", "components")  # what the patch relies on
_original_init = SessionState.__init__


def _init(self: SessionState, blocks: Any) -> None:
    _original_init(self, _NothingToRender(blocks))
    self._page_blocks = blocks.blocks  # those whose configs the original __init__ built


def _components(self: SessionState) -> Iterator[dict]:
    """Every config the eager ``__init__`` would have built, built now (deep links only)."""
    page = getattr(self, "_page_blocks", {})
    for key, block in list(self.blocks_config.blocks.items()):
        if key in page and key not in self.config_values:
            self.config_values[key] = self.blocks_config.config_for_block(key, [], block)
    for config in list(self.config_values.values()):  # a copy: events may add keys meanwhile
        if config:
            yield config


class _NothingToRender:
    """``blocks`` as the original ``SessionState.__init__`` sees it, with no block whose config
    it should build (its filter is ``blocks.blocks``); any other attribute is the real one."""

    def __init__(self, blocks: Any) -> None:
        self._blocks = blocks
        self.blocks: dict = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._blocks, name)


def defer_session_configs() -> bool:
    """Patch Gradio's ``SessionState`` (process-wide) to build component configs on demand.

    Returns whether the patch is in place. Safe to call more than once.
    """
    if getattr(SessionState, _PATCHED, False):
        return True
    if not all(hasattr(SessionState, name) for name in _EXPECTED):
        logger.warning("Gradio's SessionState has changed: sessions keep building every config.")
        return False
    SessionState.__init__ = _init
    SessionState.components = property(_components)
    setattr(SessionState, _PATCHED, True)
    return True
