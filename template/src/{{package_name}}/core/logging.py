"""Structured, request-correlated, non-blocking logging.

Callers only put records on a queue; a listener thread formats and writes them, so a slow sink
never stalls the event loop. Every record carries the current request id. `logging_context`
installs this for the app's lifetime and flushes the queue when it closes.
"""

import logging
import queue
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import QueueHandler, QueueListener
from typing import Literal, TextIO

from pythonjsonlogger.json import JsonFormatter

from .context import request_id_var

LogFormat = Literal["json", "console"]

# uvicorn's loggers propagate to ours; its access log is replaced by our middleware's.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
_CONSOLE_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s] %(message)s"
# How long the listener lets records gather once it has written all it had: the most a line waits.
BATCH_INTERVAL_SECONDS = 0.05


class RequestContextQueueHandler(QueueHandler):
    """Stamps each record with the request id, in the caller's context, before queueing it."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # Prepared in place (no copy): this is the only handler in the process.
        record.request_id = request_id_var.get()
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI copy of the message
        record.message = record.getMessage()
        record.msg, record.args = record.message, None
        if record.exc_info:
            # Tracebacks cannot cross the queue; keep their text for the formatter.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        return record


class BatchingQueueListener(QueueListener):
    """A `QueueListener` that writes in batches instead of waking for every record.

    Once the queue is empty it sleeps `BATCH_INTERVAL_SECONDS`, then writes whatever gathered
    meanwhile; a listener woken by each record would take the GIL from the event loop once per
    log line (with one access line per request, about 15 % of the service's throughput).
    After a quiet spell it waits on the queue as usual, so a line logged then is written at once.
    """

    def __init__(self, records: queue.Queue[logging.LogRecord], handler: logging.Handler) -> None:
        super().__init__(records, handler)
        self.records = records

    def dequeue(self, block: bool) -> logging.LogRecord:
        try:
            return self.records.get_nowait()
        except queue.Empty:
            time.sleep(BATCH_INTERVAL_SECONDS)
            return self.records.get(block)


def build_formatter(log_format: LogFormat) -> logging.Formatter:
    """JSON lines (timestamp, level, logger, message, request_id, extras) or console text."""
    if log_format == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "timestamp", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )
    return logging.Formatter(_CONSOLE_FORMAT)


def _skip_unused_record_fields() -> None:
    """Skip collecting what no line shows (the Logging HOWTO's "Optimization" settings).

    Every request logs an access line, so the per-record cost is the service's cost: looking up
    the caller's frame, thread and process names would be a large share of it.
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def flush_logs() -> None:
    """Wait until every record queued so far has been written."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RequestContextQueueHandler):
            handler.queue.join()  # type: ignore[attr-defined]


@contextmanager
def logging_context(
    level: str, log_format: LogFormat, stream: TextIO | None = None
) -> Iterator[None]:
    """Route all logging through one queue to `stream` (default: stdout) until the block exits."""
    sink = logging.StreamHandler(stream or sys.stdout)
    sink.setFormatter(build_formatter(log_format))
    records: queue.Queue[logging.LogRecord] = queue.Queue()
    listener = BatchingQueueListener(records, sink)
    queue_handler = RequestContextQueueHandler(records)

    _skip_unused_record_fields()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(queue_handler)
    root.setLevel(level)
    uvicorn_loggers = [logging.getLogger(name) for name in _UVICORN_LOGGERS]
    uvicorn_state = [(lg.handlers[:], lg.propagate, lg.disabled) for lg in uvicorn_loggers]
    for uvicorn_logger in uvicorn_loggers:
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every request at INFO; outbound calls are logged by our own client hooks.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)

    listener.start()
    try:
        yield
    finally:
        root.removeHandler(queue_handler)
        root.setLevel(previous_level)
        # uvicorn logs a last line or two after the app has shut down: give its handlers back.
        for uvicorn_logger, (handlers, propagate, disabled) in zip(
            uvicorn_loggers, uvicorn_state, strict=True
        ):
            uvicorn_logger.handlers[:] = handlers
            uvicorn_logger.propagate, uvicorn_logger.disabled = propagate, disabled
        listener.stop()  # processes every queued record before returning
