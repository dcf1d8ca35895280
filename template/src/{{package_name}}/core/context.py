"""Per-request context shared by the middleware, log records and background tasks.

A `ContextVar` follows the request into the handler and into its background tasks, `async def`
and sync alike (the thread pool runs each call in a copy of the caller's context).
"""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
