"""A bound on request bodies, as pure ASGI middleware.

A body larger than the bound gets 413 before the endpoint sees it: at once when its Content-Length
says so, or as soon as a streamed (chunked) body grows past the bound.

Not FastAPI's `max_body_size`: that limit sits outside the app's middleware, so its 413 would carry
no request id, write no access line, and pass through `RequestContextMiddleware` as an error.
"""

from fastapi import HTTPException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .middleware import header
from .problems import problem_response


class BodyTooLargeError(HTTPException):
    """A request body is larger than the bound."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"Request body is larger than {max_bytes} bytes",
        )


class BodySizeLimitMiddleware:
    """Answers 413 to requests whose body is larger than `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = _content_length(scope)
        if declared > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        if declared and header(scope, b"transfer-encoding") is None:
            # The server frames the body by its declared length: nothing more can arrive. (h11
            # reads a body that also says `chunked` as chunked: that one is counted below.)
            await self.app(scope, receive, send)
            return

        received = 0

        async def limited_receive() -> Message:
            # Raised inside the endpoint's body read, so FastAPI answers it like any HTTPException.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLargeError(self.max_bytes)
        response = problem_response(error.status_code, error.detail)
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int:
    """The declared body size, 0 when the request declares none (it is then counted as read)."""
    try:
        return int(header(scope, b"content-length") or 0)
    except ValueError:
        return 0
