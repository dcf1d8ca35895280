"""Retries and a deadline for outbound requests, as an httpx transport.

Wrapping the transport rather than each call site gives every user of the shared client the same
behaviour, and keeps the attempts inside one logical request: event hooks see one request, one
response and the time all attempts took together.
"""

import asyncio

import httpx
import stamina

# RFC 9110 §9.2.2: sending these twice has the same effect as sending them once.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
# Usually transient server errors; a 501 or 505 would only repeat itself.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
# Backoff between attempts: 0.1 s doubling up to 1 s, plus up to 0.1 s of jitter so that many
# clients failing together do not retry in lockstep.
BACKOFF_INITIAL_SECONDS = 0.1
BACKOFF_MAX_SECONDS = 1.0
BACKOFF_JITTER_SECONDS = 0.1


class DeadlineExceeded(httpx.TimeoutException):
    """No response within the deadline, all attempts and the backoff between them included."""


class _RetryableStatus(Exception):
    """A transient server error, raised only so that stamina retries the request."""

    def __init__(self, response: httpx.Response) -> None:
        # stamina logs this exception's repr: it must not carry the URL and its secrets.
        super().__init__(f"server error {response.status_code}")
        self.response = response


# Connect failures are retried by the wrapped transport; these are the failures after connecting.
_RETRY_ON = (_RetryableStatus, httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)


class RetryTransport(httpx.AsyncBaseTransport):
    """Retries idempotent requests on timeouts and 5xx; bounds every request by a deadline.

        network = httpx.AsyncHTTPTransport(retries=2)  # connect failures
        transport = RetryTransport(network, retries=2, deadline=5.0)
        async with httpx.AsyncClient(transport=transport, timeout=2.0) as client:
            await client.get("https://example.org/")  # at most 3 attempts, within 5 s

    The deadline runs from sending the request until the response headers arrive; reading the
    body is bounded by the client's read timeout. When every attempt got a 5xx, the last response
    is returned, for the caller to judge.
    """

    def __init__(self, wrapped: httpx.AsyncBaseTransport, *, retries: int, deadline: float) -> None:
        self._wrapped = wrapped
        self._deadline = deadline
        self._retrying = stamina.AsyncRetryingCaller(
            attempts=retries + 1,
            timeout=None,  # the deadline bounds the attempts instead
            wait_initial=BACKOFF_INITIAL_SECONDS,
            wait_max=BACKOFF_MAX_SECONDS,
            wait_jitter=BACKOFF_JITTER_SECONDS,
        ).on(_RETRY_ON)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            async with asyncio.timeout(self._deadline):
                if request.method not in IDEMPOTENT_METHODS:
                    return await self._wrapped.handle_async_request(request)
                await request.aread()  # a streamed body could not be sent a second time
                try:
                    return await self._retrying(self._attempt, request)
                except _RetryableStatus as last:
                    return last.response
        except TimeoutError:
            raise DeadlineExceeded(
                f"no response within {self._deadline} s", request=request
            ) from None

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        response = await self._wrapped.handle_async_request(request)
        if response.status_code in RETRY_STATUSES:
            await response.aread()  # releases the connection before the next attempt
            raise _RetryableStatus(response)
        return response

    async def aclose(self) -> None:
        await self._wrapped.aclose()
