"""Nothing a visitor types reaches a log, whatever the request looks like.

An exception's message can quote the request (a text, a value, a parameter name the caller
made up), so in the app's process no exception message is ever written out:

- :func:`fails_clearly`: an unexpected error inside an event fails that request only, with
  a clear message to the caller; the log gets the error's type and where it was raised.
- :func:`redact_logged_exceptions`: every log record of the process that carries an
  exception (uvicorn's "Exception in ASGI application", a library's ``logger.exception``)
  keeps its own message, and the exception becomes its type and location; exceptions that
  escape a thread are summarised the same way. Gradio's own ``traceback.print_exc()`` calls
  go through :func:`summary` too (``emotions.serve.gradio_patches``).
- :func:`exception_handlers`: the server's answers to malformed requests (a body that is
  not JSON or not UTF-8, the wrong shape, unknown or missing v2 arguments) name what is
  wrong and what to send, and quote nothing from the request.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any

import gradio as gr

logger = logging.getLogger("emotions.app")
FAILED = "Something went wrong while reading {what}; nothing was kept. Please try again."
SEND = 'Send JSON like {"data": ["I love it"]} (see the API page linked in the footer).'


def summary(err: BaseException) -> str:
    """``TypeError at routes.py:1641 in call`` : the error's type and where it was raised."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return type(err).__name__
    frame = frames[-1]
    return f"{type(err).__name__} at {os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"


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
                logger.error("%s failed: %s (message not logged).", fn.__name__, summary(err))
                raise gr.Error(FAILED.format(what=what), print_exception=False) from None

        return guarded

    return decorate


def visitor_error(err: ValueError) -> gr.Error:
    """A visitor's mistake (a bad parameter, an empty text) as a clear error, no traceback."""
    return gr.Error(str(err), print_exception=False)


# ---- the whole process ---------------------------------------------------------------------

_make_record = logging.getLogRecordFactory()


def _redacted_record(*args, **kwargs) -> logging.LogRecord:
    record = _make_record(*args, **kwargs)
    if record.exc_info and record.exc_info[1] is not None:
        record.msg = f"{record.msg} [{summary(record.exc_info[1])}; message not logged]"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
    return record


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        name = args.thread.name if args.thread else "a thread"
        logger.error("Uncaught error in %s: %s (message not logged).", name, summary(args.exc_value))


def redact_logged_exceptions() -> None:
    """Process-wide: logged exceptions and uncaught thread errors keep type and location only."""
    logging.setLogRecordFactory(_redacted_record)
    threading.excepthook = _thread_excepthook


# ---- answers to malformed requests ------------------------------------------------------------


def _where(loc: Any) -> str:
    parts = [str(p) for p in (loc or ()) if p != "body"]
    return ".".join(parts) or "the body"


async def _invalid_request(request, exc) -> Any:
    """FastAPI's 422 for a body of the wrong shape: the problems by field, no input echoed."""
    from fastapi.responses import JSONResponse

    problems = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            problems.append("the body is not valid JSON")
        else:
            problems.append(f"{_where(error.get('loc'))}: {error.get('msg', 'invalid')}")
    detail = f"Malformed request ({'; '.join(dict.fromkeys(problems))}). {SEND}"
    return JSONResponse({"detail": detail}, status_code=422)


async def _http_error(request, exc) -> Any:
    """Starlette's HTTP errors as they are, but a body that does not parse says how to fix it."""
    from fastapi.exception_handlers import http_exception_handler
    from fastapi.responses import JSONResponse

    if exc.status_code == 400 and "parsing the body" in str(exc.detail):
        detail = f"The request body could not be read: it must be JSON encoded as UTF-8. {SEND}"
        return JSONResponse({"detail": detail}, status_code=400)
    return await http_exception_handler(request, exc)


async def _argument_error(request, exc: TypeError) -> Any:
    """Gradio's v2 routes raise ``TypeError`` for an unknown or a missing argument; other
    ``TypeError``\\ s are bugs and stay a 500 (logged by type and place only)."""
    from fastapi.responses import JSONResponse

    path = request.url.path.rstrip("/")
    if "/call/v2/" not in path or "argument" not in str(exc):
        raise exc
    api_name = path.rsplit("/", 1)[-1]
    fn = next((f for f in request.app.get_blocks().fns.values() if f.api_name == api_name), None)
    names = ", ".join(parameter_names(fn.fn)) if fn is not None else "its parameters"
    detail = (
        f"Unknown or missing argument for /{api_name}: send a JSON object with the keys {names} "
        "(only the first is required)."
    )
    return JSONResponse({"detail": detail}, status_code=422)


def parameter_names(fn: Callable | None) -> list[str]:
    """The names of ``fn``'s parameters, as its API page lists them ([] for ``*args``)."""
    import inspect

    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def exception_handlers() -> dict:
    """For ``launch(app_kwargs={"exception_handlers": ...})``: clear answers, nothing echoed."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    return {RequestValidationError: _invalid_request, HTTPException: _http_error, TypeError: _argument_error}
