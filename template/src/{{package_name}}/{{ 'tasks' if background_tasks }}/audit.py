"""Audit trail: what happened, recorded after the response through the service's logging."""

import logging

audit_logger = logging.getLogger("audit")


async def record_audit(event: str, **details: str | int | float | bool) -> None:
    """Background task: write one audit line (logger "audit") carrying `event` and `details`.

    `async def`, so the task runner runs it on the event loop: writing a log line does not wait
    on anything, and a hop to a worker thread would cost more than the line itself.
    Make it a plain `def` when it calls something that blocks (a file, a sync database driver):
    the runner then runs it in a worker thread, at most `BACKGROUND_SYNC_CONCURRENCY` at once.
    The line carries the request id: the task runs in a copy of the request's context.
    """
    audit_logger.info(event, extra={"event": event, "details": details})
