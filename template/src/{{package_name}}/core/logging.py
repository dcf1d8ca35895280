"""Structured, request-correlated, non-blocking logging.

Callers format each record into its line and put it on a queue; a listener thread writes the lines
in batches, so a slow sink never stalls the event loop. Every record carries the current request id.
`logging_context` installs this for the app's lifetime and writes every queued line when it closes.
"""

import logging
import queue
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import QueueHandler, QueueListener
from typing import Literal, TextIO

from pythonjsonlogger.orjson import OrjsonFormatter

from .context import request_id_var

LogFormat = Literal["json", "console"]

# uvicorn's loggers propagate to ours, but for its access log: our middleware writes that line.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
_CONSOLE_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s] %(message)s"
# How long the listener lets records gather once it has written all it had: the most a line waits.
BATCH_INTERVAL_SECONDS = 0.05


class RequestContextQueueHandler(QueueHandler):
    """Formats each record into its final line, in the caller's context, and queues it.

    Formatting here (the caller's thread) rather than in the listener keeps the listener's share
    of the GIL to a few microseconds per batch: a listener that formats takes the GIL from the
    event loop over and over while it works through a batch.
    """

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # Prepared in place (no copy): this is the only handler in the process.
        record.request_id = request_id_var.get()
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI copy of the message
        line = self.format(record)  # includes the traceback, which cannot cross the queue
        record.message = record.msg = line
        record.args, record.exc_info, record.exc_text, record.stack_info = None, None, None, None
        return record


class FlushRequest(logging.LogRecord):
    """Queued by `flush_logs`: answered once every line queued before it has been written."""

    def __init__(self) -> None:
        super().__init__("flush", logging.NOTSET, "", 0, "", None, None)
        self.done = threading.Event()


class BatchingQueueListener(QueueListener):
    """Writes the queued lines to `stream` in batches, with one write per batch.

    When the queue runs dry it writes what it holds; before waiting for more it sleeps
    `BATCH_INTERVAL_SECONDS`, so that under load lines gather into batches instead of waking the
    listener (and taking the GIL from the event loop) once per line. After a quiet spell a line
    is written at once. The queue is a `SimpleQueue`, the cheapest to put on; `flush_logs` waits
    through a `FlushRequest` instead of `Queue.join`.
    """

    def __init__(self, records: queue.SimpleQueue[logging.LogRecord], stream: TextIO) -> None:
        super().__init__(records)
        self.records = records
        self.stream = stream
        self.batch: list[str] = []

    def dequeue(self, block: bool) -> logging.LogRecord:
        try:
            return self.records.get_nowait()
        except queue.Empty:
            time.sleep(BATCH_INTERVAL_SECONDS)
            return self.records.get(block)

    def handle(self, record: logging.LogRecord) -> None:
        if isinstance(record, FlushRequest):
            self.write_batch()
            record.done.set()
            return
        self.batch.append(record.msg)
        if self.records.empty():
            self.write_batch()

    def stop(self) -> None:
        super().stop()
        self.write_batch()  # what came just before the stop

    def write_batch(self) -> None:
        if not self.batch:
            return
        lines, self.batch = self.batch, []
        try:
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()
        except (OSError, ValueError) as error:  # a closed or broken sink: say so, where we can
            sys.stderr.write(f"logging: {len(lines)} log line(s) not written: {error}\n")


def build_formatter(log_format: LogFormat) -> logging.Formatter:
    """JSON lines (timestamp, level, logger, message, request_id, extras) or console text."""
    if log_format == "json":
        return OrjsonFormatter(
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
            request = FlushRequest()
            handler.enqueue(request)
            request.done.wait()


@contextmanager
def logging_context(
    level: str, log_format: LogFormat, stream: TextIO | None = None
) -> Iterator[None]:
    """Route all logging through one queue to `stream` (default: stdout) until the block exits."""
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = BatchingQueueListener(records, stream or sys.stdout)
    queue_handler = RequestContextQueueHandler(records)
    queue_handler.setFormatter(build_formatter(log_format))

    _skip_unused_record_fields()
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(queue_handler)
    root.setLevel(level)
    uvicorn_loggers = [logging.getLogger(name) for name in _UVICORN_LOGGERS]
    uvicorn_state = [(lg.handlers[:], lg.propagate, lg.disabled) for lg in uvicorn_loggers]
    for uvicorn_logger in uvicorn_loggers:
        uvicorn_logger.handlers.clear()
        # With no handler anywhere above it, uvicorn skips building its access line per request.
        is_access = uvicorn_logger.name == "uvicorn.access"
        uvicorn_logger.propagate, uvicorn_logger.disabled = not is_access, is_access
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
