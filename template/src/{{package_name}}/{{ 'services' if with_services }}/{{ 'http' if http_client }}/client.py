"""The process's shared `httpx.AsyncClient`: timeouts, connection limits, retries, outbound log.

One client per process reuses connections across requests; a client per request pays a new
TCP (and TLS) handshake every time and, under load, runs out of sockets. The app's lifespan opens
it and closes it at shutdown; endpoints receive it through `HttpClientDep`.
"""

import logging
import time

import httpx

from ...core.config import Settings
from ...core.context import request_id_var
from ...core.middleware import REQUEST_ID_HEADER
from .transport import RetryTransport

outbound_logger = logging.getLogger("outbound")

# Request extension holding when the request was handed to the transport, for the log line.
_STARTED = "outbound_started"


def build_http_client(
    settings: Settings, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The shared client; tests pass an `httpx.MockTransport` to stand in for the network.

    Whatever the transport, requests get the same retries, deadline, headers and log lines.
    """
    if transport is None:
        limits = httpx.Limits(
            max_connections=settings.http_max_connections,
            max_keepalive_connections=settings.http_max_connections,
        )
        transport = httpx.AsyncHTTPTransport(limits=limits, retries=settings.http_retries)
    return httpx.AsyncClient(
        transport=RetryTransport(
            transport, retries=settings.http_retries, deadline=settings.http_timeout_seconds
        ),
        timeout=settings.http_attempt_timeout_seconds,
        event_hooks={"request": [_stamp_request], "response": [_log_response]},
        # Proxies from the environment would be mounted beside, and so bypass, RetryTransport.
        trust_env=False,
    )


def redact_url(url: httpx.URL) -> str:
    """`url` safe to log: no credentials, no fragment, and query values masked (names kept)."""
    params = [(name, "redacted") for name, _ in url.params.multi_items()]
    return str(url.copy_with(userinfo=b"", fragment=None, params=params))


async def _stamp_request(request: httpx.Request) -> None:
    """Passes the request id on, so the upstream's logs can be joined with ours."""
    request_id = request_id_var.get()
    if request_id != "-":  # "-" is the id outside any request, e.g. at startup
        request.headers.setdefault(REQUEST_ID_HEADER, request_id)
    request.extensions[_STARTED] = time.perf_counter()


async def _log_response(response: httpx.Response) -> None:
    """One line per outbound request, once its headers arrived (all attempts included)."""
    request = response.request
    url = redact_url(request.url)
    outbound_logger.info(
        "%s %s %d",
        request.method,
        url,
        response.status_code,
        extra={
            "method": request.method,
            "url": url,
            "status": response.status_code,
            "elapsed_ms": round((time.perf_counter() - request.extensions[_STARTED]) * 1000, 2),
        },
    )
