"""Nothing a visitor types reaches a log: how the app's events fail and what they log.

An unexpected error inside an event fails that request only, with a clear message. An
exception's message can quote the visitor's text, so only the error's type and where it was
raised are logged, and Gradio is told not to print the traceback either.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from functools import wraps

import gradio as gr

logger = logging.getLogger("emotions.app")
FAILED = "Something went wrong while reading {what}; nothing was kept. Please try again."


def fails_clearly(what: str) -> Callable[[Callable], Callable]:
    """Decorate an event: a ``gr.Error`` passes through, any other error becomes ``FAILED``
    (naming ``what`` was being read) and a log line without its message."""

    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        def guarded(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as err:
                frame = traceback.extract_tb(err.__traceback__)[-1]
                where = f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
                logger.error(
                    "%s failed: %s at %s (message not logged).", fn.__name__, type(err).__name__, where
                )
                raise gr.Error(FAILED.format(what=what), print_exception=False) from None

        return guarded

    return decorate


def visitor_error(err: ValueError) -> gr.Error:
    """A visitor's mistake (a bad parameter, an empty text) as a clear error, no traceback."""
    return gr.Error(str(err), print_exception=False)
