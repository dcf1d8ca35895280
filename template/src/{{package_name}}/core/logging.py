"""Structured, request-correlated logging: one format for every line the process writes.

`configure_logging` sends every record of the process to one handler: the service's own, uvicorn's
start-up and shutdown lines, warnings, and an uncaught exception with its traceback. So with
`json` every line of output is one JSON object, and with `console` one readable format.

Each line is formatted in the caller, with the current request id, and written from there: a
record through the `logging` API at once, the per-request lines of `log_fields` (access, audit)
of one event-loop turn together, in one write at the start of the next turn. No thread of ours
takes the GIL from the event loop; like uvicorn's own log, a sink that stops reading stalls the
loop.
"""

import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Literal, TextIO

import orjson
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

from .context import request_id_var

LogFormat = Literal["json", "console"]

_CONSOLE_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(request_id)s] %(message)s"
_JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s"
_JSON_RENAMED = {"levelname": "level", "name": "logger"}

# Fields every line gets from where it is written, beside the request id: each function returns
# those it has for its caller's context (core/tracing.py adds the trace and span ids).
line_fields: list[Callable[[], Mapping[str, object]]] = []


class LineHandler(logging.StreamHandler[TextIO]):
    """Writes each record at once, and the `log_fields` lines of a loop turn in one write."""

    def __init__(self, stream: TextIO, log_format: LogFormat) -> None:
        super().__init__(stream)
        self.log_format = log_format
        self.setFormatter(build_formatter(log_format))
        self.lines: list[str] = []
        # The handler's own lock (an RLock: a signal handler may log mid-write), which `logging`
        # re-makes in a forked child: a worker forked while another thread held it can still log.
        self.lines_lock = self.lock or threading.RLock()
        self.flush_loop: asyncio.AbstractEventLoop | None = None  # the loop a flush is due on

    def emit(self, record: logging.LogRecord) -> None:
        record.request_id = request_id_var.get()
        try:
            for context_fields in line_fields:
                record.__dict__.update(context_fields())
            line = self.format(record)  # with the traceback, if any
        except Exception:
            self.handleError(record)
            return
        with self.lines_lock:
            self.lines.append(line)
        # At once, behind any `log_fields` lines still waiting: the process may end right after a
        # record (uvicorn re-raises SIGTERM as soon as it has logged its last line).
        self.flush()

    def emit_fields(self, logger: str, message: str, fields: dict[str, object]) -> None:
        """An INFO line of `logger`, as `emit` writes it; JSON without a `LogRecord`, batched."""
        if self.log_format == "console":
            info = {"name": logger, "levelno": logging.INFO, "levelname": "INFO", "msg": message}
            self.emit(logging.makeLogRecord(info | fields))
            return
        line: dict[str, object] = {"level": "INFO", "logger": logger, "message": message}
        line["request_id"] = request_id_var.get()
        for context_fields in line_fields:
            line.update(context_fields())
        line.update(fields)
        line["timestamp"] = datetime.now(UTC)
        with self.lines_lock:
            self.lines.append(orjson.dumps(line).decode())
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not on an event loop
            self.flush()
            return
        if self.flush_loop is not loop:  # else the flush due on this loop writes this line too
            self.flush_loop = loop
            loop.call_soon(self.flush)

    def flush(self) -> None:
        with self.lines_lock:
            lines, self.lines, self.flush_loop = self.lines, [], None
            if not lines:
                return
            try:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            except (OSError, ValueError) as error:  # a closed or broken sink: say so, where we can
                sys.stderr.write(f"logging: {len(lines)} log line(s) not written: {error}\n")


def build_formatter(log_format: LogFormat) -> logging.Formatter:
    """JSON lines (level, logger, message, request_id, extras, UTC timestamp) or console text."""
    if log_format == "json":
        return OrjsonFormatter(
            _JSON_FIELDS,
            rename_fields=_JSON_RENAMED,
            timestamp=True,
            # uvicorn adds an ANSI-coloured copy of its messages to its records.
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        )
    return logging.Formatter(_CONSOLE_FORMAT)


def log_fields(logger: logging.Logger, message: str, fields: dict[str, object]) -> None:
    """`logger.info(message, extra=fields)` at a fraction of the cost, for lines written per
    request: the access line, the audit trail.

    The line goes straight to the service's handler: no `LogRecord`, no caller lookup, no walk up
    the logger tree. Honours `logger`'s level, so the access line can be turned off on its own.
    A logger given handlers or filters of its own, or kept from propagating, takes the standard
    path instead, so that they see its lines.
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    if logger.handlers or logger.filters or not logger.propagate:
        logger.info(message, extra=fields)
        return
    for handler in logging.getLogger().handlers:
        if isinstance(handler, LineHandler):
            handler.emit_fields(logger.name, message, fields)
            return
    logger.info(message, extra=fields)  # logging not configured: the standard path


def configure_logging(
    level: str = "INFO", log_format: LogFormat = "json", stream: TextIO | None = None
) -> None:
    """Send every log line of the process to `stream` (default: stdout) in `log_format`.

    Called again, it replaces the handler it installed before (and keeps any other).
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, LineHandler)]:
        root.removeHandler(old)
        old.flush()
    root.addHandler(LineHandler(stream or sys.stdout, log_format))
    root.setLevel(level)
    # uvicorn's loggers write through ours; its access logger is off, our middleware writes that
    # line (and with no handler above it, uvicorn skips building its own per request).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = name != "uvicorn.access"
        uvicorn_logger.disabled = name == "uvicorn.access"
    # httpx logs every request at INFO; outbound calls are logged by our own client hooks.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """Replaces Python's own report of an uncaught exception (plain text on stderr)."""
    logging.getLogger(__name__).critical(
        "Uncaught %s", kind.__name__, exc_info=(kind, error, traceback)
    )
