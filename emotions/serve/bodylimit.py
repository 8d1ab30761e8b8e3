"""A cap on request bodies, for the app's server: ``413`` before anything parses a huge one.

Gradio reads a JSON request whole before the app can cut its texts to size, and limits only
file uploads (``max_file_size``, checked as the file streams in). Without a cap, one
``/predict_batch`` call with 500 texts of a megabyte each would be parsed into memory first.
Bodies with a ``Content-Length`` over the cap are refused unread; streamed ones are counted as
they arrive and refused once over it. Upload routes are left to Gradio's own limit.
"""

from __future__ import annotations

import logging

from emotions.limits import MAX_BODY_BYTES

logger = logging.getLogger(__name__)


class BodyLimit:
    """ASGI middleware: ``413 Payload Too Large`` for request bodies over ``max_bytes``."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES, exempt: tuple[str, ...] = ("/upload",)):
        self.app, self.max_bytes, self.exempt = app, max_bytes, exempt

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].rstrip("/").endswith(self.exempt):
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            return await self._refuse(send)
        received, started, refused = 0, False, False

        async def counted_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not started:
                    refused = True  # answer now; the app sees the client gone and stops reading
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            nonlocal started
            if refused:
                return  # the 413 is already sent: whatever the app says after it is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted_receive, tracked_send)

    async def _refuse(self, send) -> None:
        logger.warning("Refused a request body over %d bytes.", self.max_bytes)
        body = f"Request body over the {self.max_bytes:,}-byte limit.".encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
