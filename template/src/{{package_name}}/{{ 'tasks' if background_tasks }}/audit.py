"""Audit trail: what happened, recorded after the response through the service's logging."""

import logging

audit_logger = logging.getLogger("audit")


def record_audit(event: str, **details: str | int | float | bool) -> None:
    """Background task: write one audit line (logger "audit") carrying `event` and `details`.

    A plain `def`, so the task runner runs it in a worker thread, at most
    `BACKGROUND_SYNC_CONCURRENCY` at once: blocking calls (a file, a sync database driver) are fine
    here. The line carries the request id, as the thread runs in a copy of the request's context.
    CPU-heavy work belongs in the task queue: threads share the interpreter with the event loop.
    """
    audit_logger.info(event, extra={"event": event, "details": details})
