"""Request id and access log, as pure ASGI middleware.

Pure ASGI (not `BaseHTTPMiddleware`) so context variables reach the endpoint and its background
tasks, and streaming responses are not buffered.
"""

import logging
import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .context import request_id_var
from .logging import log_fields
from .problems import PROBLEM_MEDIA_TYPE, problem_body

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()
# Accept a caller's id only if it is a sane token; anything else could forge or flood log lines.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

access_logger = logging.getLogger("access")
error_logger = logging.getLogger(__name__)


def header(scope: Scope, key: bytes) -> str | None:
    """The first value of header `key` (lowercase), read straight from the ASGI scope."""
    for name, value in scope["headers"]:
        if name == key:
            return value.decode("latin-1")  # type: ignore[no-any-return]
    return None


def accept_request_id(candidate: str | None) -> str:
    """The caller's id when it is a sane token, otherwise a fresh one."""
    if candidate is not None and _VALID_REQUEST_ID.fullmatch(candidate):
        return candidate
    return secrets.token_hex(16)


class RequestContextMiddleware:
    """Binds a request id, echoes it on every response and writes one access line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = accept_request_id(header(scope, _REQUEST_ID_KEY))
        id_header = (_REQUEST_ID_KEY, request_id.encode())
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_code: int | None = None

        async def send_with_request_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
                await send(message)
                return
            await send(message)
            # Logged when the response is complete, before any background task runs; its fields
            # are not even gathered while the access logger is off.
            if (
                message["type"] == "http.response.body"
                and not message.get("more_body", False)
                and access_logger.isEnabledFor(logging.INFO)
            ):
                self._log_access(scope, status_code or 500, started)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            error_logger.exception("Unhandled error in %s %s", scope["method"], scope["path"])
            if status_code is not None:
                raise  # the response has started; the server can only drop the connection
            await self._send_internal_error(send_with_request_id)
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log_access(scope: Scope, status_code: int, started: float) -> None:
        method, path, client = scope["method"], scope["path"], scope.get("client")
        fields = {
            "method": method,
            "path": path,
            "status": status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "client": f"{client[0]}:{client[1]}" if client else None,
        }
        log_fields(access_logger, f"{method} {path} {status_code}", fields)

    @staticmethod
    async def _send_internal_error(send: Send) -> None:
        # A problem document with the request id, never the traceback: that is in the log line.
        body = problem_body(500, "The service failed to answer; its logs have the request id")
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
