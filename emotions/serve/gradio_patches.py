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

**Value counts named, not echoed** (:func:`name_the_values`). ``Blocks.validate_inputs``
refuses a call with too few values with a ``ValueError`` that quotes every value received,
and Gradio prints its traceback: a curl user who sends only the text got ``{"error": null}``
and the server log got the text. Too many values were silently dropped. The patch raises a
``gr.Error`` (shown to the caller, not printed) that names the endpoint's parameters in order
and the v2 route that fills the optional ones, for too few and for too many. It relies on
``validate_inputs(block_fn, inputs)`` being called before any input is processed.

**Tracebacks without messages** (:func:`quiet_tracebacks`). Gradio prints the traceback of
every error that is not a ``gr.Error`` with ``traceback.print_exc()``, in
``gradio.queueing``, ``gradio.routes``, ``gradio.route_utils`` and ``gradio.utils``; the
messages can quote inputs (``Blocks._format_processing_error`` puts the value in). The patch
gives those modules a ``traceback`` whose ``print_exc`` logs the error's type and where it was
raised (:func:`emotions.serve.privacy.summary`); everything else is the real module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio
import gradio.blocks
import gradio.queueing
import gradio.route_utils
import gradio.routes
import gradio.utils
from gradio.state_holder import SessionState

from .privacy import parameter_names, summary

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


def supported(version: str | None = None) -> bool:
    """Whether the patches apply to this Gradio (the one they were checked on)."""
    return (version or gradio.__version__) == CHECKED_ON


def apply(version: str | None = None) -> bool:
    """Apply every patch, on the Gradio they were checked on only; returns whether they are in."""
    version = version or gradio.__version__
    if not supported(version):
        logger.warning(
            "Gradio %s is installed; emotions.serve.gradio_patches was checked on %s: patches not applied.",
            version,
            CHECKED_ON,
        )
        return False
    return all([defer_session_configs(), name_the_values(), quiet_tracebacks()])


# ---- value counts named, not echoed -----------------------------------------------------------


def count_message(block_fn: Any, got: int) -> str:
    """What a call with ``got`` values should have sent, naming no value."""
    wanted = len(block_fn.inputs)
    names = parameter_names(block_fn.fn)
    if block_fn.api_name and names and len(names) == wanted:
        return (
            f"/{block_fn.api_name} takes {wanted} values in this order: {', '.join(names)}; it got {got}. "
            f'Send all of them as "data", or POST {{"{names[0]}": ...}} to /gradio_api/call/v2/'
            f"{block_fn.api_name}, which fills in the optional ones."
        )
    return f"This event takes {wanted} values; it got {got}. Reload the page and try again."


def _validate_inputs(self: Any, block_fn: Any, inputs: list[Any]) -> None:
    if len(inputs) != len(block_fn.inputs):
        raise gradio.Error(count_message(block_fn, len(inputs)), print_exception=False)


def name_the_values() -> bool:
    """Patch ``Blocks.validate_inputs`` (process-wide); returns whether it is in place."""
    blocks = gradio.blocks.Blocks
    if not callable(getattr(blocks, "validate_inputs", None)):
        logger.warning("Gradio's Blocks.validate_inputs has changed: its errors keep quoting inputs.")
        return False
    blocks.validate_inputs = _validate_inputs
    return True


# ---- tracebacks without messages --------------------------------------------------------------

TRACEBACK_MODULES = (gradio.queueing, gradio.routes, gradio.route_utils, gradio.utils)


class _QuietTraceback:
    """The ``traceback`` module, but ``print_exc`` logs the error's type and place only."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def print_exc(self, *args: Any, **kwargs: Any) -> None:
        import sys

        err = sys.exc_info()[1]
        if err is not None:
            logger.error("Gradio caught %s (message not logged).", summary(err))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def quiet_tracebacks() -> bool:
    """Give Gradio's modules the quiet ``traceback``; returns whether every one has it."""
    done = True
    for module in TRACEBACK_MODULES:
        real = getattr(module, "traceback", None)
        if isinstance(real, _QuietTraceback):
            continue
        if real is None or not hasattr(real, "print_exc"):
            logger.warning("%s no longer uses traceback: its tracebacks stay as they are.", module.__name__)
            done = False
            continue
        module.traceback = _QuietTraceback(real)
    return done
