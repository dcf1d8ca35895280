"""A real SMTP server on 127.0.0.1 (aiosmtpd), started by the tests that deliver e-mail."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


class Inbox:
    """Handler of the test server: keeps every message and every login it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.logins: list[tuple[str, str]] = []
        self.port = 0
        self._released = threading.Event()
        self._released.set()
        self._received = threading.Event()

    def hold(self) -> None:
        """From now on the server keeps each message waiting, unanswered, until `release()`."""
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def wait_for(self, count: int, timeout: float = 10) -> None:
        """Blocks until `count` messages have arrived; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.envelopes) < count:
            assert self._received.wait(deadline - time.monotonic()), "no message arrived in time"
            self._received.clear()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def messages(self) -> list[EmailMessage]:
        parsed = []
        for envelope in self.envelopes:
            assert envelope.original_content is not None
            message = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.to_thread(self._released.wait)
        self.envelopes.append(envelope)
        self._received.set()
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def local_smtp_server() -> Iterator[Inbox]:
    """Serves SMTP on a free loopback port until the block exits; AUTH is allowed without TLS."""
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        inbox.release()  # a message still held would keep the server from stopping
        controller.stop()
