"""Every place the app reaches into Gradio's private code, in one module.

Each patch says what it fixes, what it gained when measured, and what it relies on. They were
checked on Gradio ``CHECKED_ON`` (pinned in requirements.txt); :func:`apply` (called by
``emotions.serve.server.launch``) applies them only on that version and otherwise logs a
warning and leaves Gradio as it is, and a test fails with a clear message when another
Gradio is installed, so an upgrade re-checks them instead of silently breaking them.

What is set through Gradio's public options instead lives in :mod:`emotions.serve.server`
(the queue's event statistics through ``GRADIO_ANALYTICS_*``, monitoring off, the CSS once).

**Deferred session configs** (:func:`defer_session_configs`). Every call to
``/gradio_api/call/<api>`` made without a session (curl, any HTTP client) gets a fresh
``gradio.state_holder.SessionState``. Its ``__init__`` renders the config of every component
on the page (64 here) into ``config_values``, which Gradio reads in one place only: the
``/gradio_api/deep_link`` route, to save the page as a ``gr.DeepLinkButton`` link. On this
page that was about 6 ms of each 21 ms ``/predict`` round trip on 2 cores (py-spy), run on the
server's event loop, plus about 90 KB kept per session (4 KB with the patch). The patch builds
those configs on demand: a session starts with none, Gradio's own updates add the ones an
event touches (as they already did), and the deep link route gets the rest built when it
asks, so it returns what it returned before. It relies on ``SessionState.__init__(blocks)``
building configs for ``blocks.blocks`` only, and on ``_update_value_in_config``,
``_update_config`` and ``components``; on a ``SessionState`` without them it changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio
from gradio.state_holder import SessionState

logger = logging.getLogger(__name__)
CHECKED_ON = "6.31.0"  # the Gradio every patch here was checked on

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


def apply(version: str | None = None) -> bool:
    """Apply every patch, on the Gradio they were checked on only; returns whether they are in."""
    version = version or gradio.__version__
    if version != CHECKED_ON:
        logger.warning(
            "Gradio %s is installed; emotions.serve.gradio_patches was checked on %s: patches not applied.",
            version,
            CHECKED_ON,
        )
        return False
    return defer_session_configs()
