"""Notifications: what is sent, the `Notifier`s that send it, and the task that does so.

`OutboxNotifier` appends one JSON line per notification to a file (the default, and a stand-in for a
real channel in development); `SmtpNotifier` sends e-mail and is used when `SMTP_URL` is set.
"""

import json
import logging
import threading
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib
import anyio

from ..core.config import Settings
from ..core.context import request_id_var

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Notification:
    """One message to one recipient, stamped with the request that accepted it."""

    email: str
    message: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    request_id: str = field(default_factory=request_id_var.get)
    accepted_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class Notifier(Protocol):
    """Delivers a notification, or raises: the task runner (with a database, the outbox relay,
    which retries) logs what it raises."""

    async def send(self, notification: Notification) -> None: ...


class OutboxNotifier:
    """Appends each notification as one JSON line to `path`, after an optional simulated delay.

        notifier = OutboxNotifier(Path("var/notifications.jsonl"), delay=2)

    Appends are serialised, so concurrent sends never interleave their lines.
    """

    def __init__(self, path: Path, *, delay: float = 0) -> None:
        self.path = path
        self.delay = delay
        # Concurrent sends append from several worker threads.
        self._lock = threading.Lock()
        # Ids in the file, read up to `_read_up_to`: a notification delivered again after a crash
        # (delivery is at least once) is not written twice.
        self._written: set[str] = set()
        self._read_up_to = 0

    async def send(self, notification: Notification) -> None:
        if self.delay:
            await anyio.sleep(self.delay)
        record = {
            "id": notification.id,
            "email": notification.email,
            "message": notification.message,
            "request_id": notification.request_id,
            "accepted_at": notification.accepted_at.isoformat(),
            "sent_at": datetime.now(UTC).isoformat(),
        }
        await anyio.to_thread.run_sync(self._append, notification.id, json.dumps(record) + "\n")

    def _append(self, notification_id: str, line: str) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a+", encoding="utf-8") as outbox:
                # What other processes appended since our last look counts too.
                outbox.seek(self._read_up_to)
                self._written.update(_ids(outbox))
                if notification_id not in self._written:
                    outbox.write(line)
                    self._written.add(notification_id)
                self._read_up_to = outbox.tell()


def _ids(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        try:
            yield json.loads(line)["id"]
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by a crash, or not ours


class SmtpNotifier:
    """Sends each notification as a plain-text e-mail through the SMTP server at `url`.

        notifier = SmtpNotifier("smtp://user:secret@mail.example.com:587", sender="ops@example.com")

    `smtp://` upgrades with STARTTLS when the server offers it; `smtps://` uses TLS from the start.
    A connection per message keeps failures independent; at most `max_connections` are open at once.
    """

    def __init__(
        self,
        url: str,
        *,
        sender: str,
        subject: str = "Notification",
        timeout: float = 10,
        max_connections: int = 10,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        self.hostname = parts.hostname or "localhost"
        self.port = parts.port
        self.use_tls = parts.scheme == "smtps"
        self.username = urllib.parse.unquote(parts.username) if parts.username else None
        self.password = urllib.parse.unquote(parts.password) if parts.password else None
        self.sender = sender
        self.subject = subject
        self.timeout = timeout
        self._connections = anyio.Semaphore(max_connections)

    async def send(self, notification: Notification) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = notification.email
        email["Subject"] = self.subject
        # The same Message-ID on every attempt: a notification delivered again after a crash is
        # one message to mail clients that deduplicate.
        email["Message-ID"] = f"<{notification.id}@{self.sender.rpartition('@')[2] or 'localhost'}>"
        email["X-Notification-ID"] = notification.id
        email["X-Request-ID"] = notification.request_id
        email.set_content(notification.message)
        async with self._connections:
            await aiosmtplib.send(
                email,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                timeout=self.timeout,
            )


def build_notifier(settings: Settings) -> Notifier:
    """SMTP when `SMTP_URL` is set, otherwise the outbox file."""
    if settings.smtp_url is not None:
        return SmtpNotifier(
            str(settings.smtp_url),
            sender=settings.smtp_sender,
            subject=f"{settings.app_name} notification",
        )
    return OutboxNotifier(settings.notifications_outbox, delay=settings.notification_delay_seconds)


async def send_notification(notifier: Notifier, notification: Notification) -> None:
    """Background task: deliver one notification.

    `async def`, so it runs on the event loop and waits for the network or the delay without
    holding a thread; thousands can wait at once. Work that computes rather than waits belongs in
    the task queue, not here: it would stall every request served by this event loop.
    """
    await notifier.send(notification)
    logger.info("Notification %s sent", notification.id, extra={"notification_id": notification.id})
