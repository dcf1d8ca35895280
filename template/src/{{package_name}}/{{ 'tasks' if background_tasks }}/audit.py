"""Audit trail: what happened, recorded after the response through the service's logging."""

import logging

from ..core.logging import log_fields

audit_logger = logging.getLogger("audit")


async def record_audit(event: str, **details: str | int | float | bool) -> None:
    """Background task: write one audit line (logger "audit") carrying `event` and `details`.

    Written the way the access line is (`log_fields`): with JSON logs, one dict batched with the
    event-loop turn's other lines into one write, at about a third of a standard record's cost.
    Give the "audit" logger a handler of its own (an audit sink) and its lines take the standard
    path to it. The line carries the request id: the task runs in a copy of the request's context.
    `async def`, so the task runner runs it on the event loop: writing a log line does not wait
    on anything, and a hop to a worker thread would cost more than the line itself. Make it a
    plain `def` when it calls something that blocks (a file, a sync database driver): the runner
    then runs it in a worker thread, at most `BACKGROUND_SYNC_CONCURRENCY` at once.
    """
    log_fields(audit_logger, event, {"event": event, "details": details})
