"""A real SMTP server for the tests: aiosmtpd on a free loopback port, in a thread.

`smtp_server` points Django's SMTP backend at it and yields its Inbox; `smtp_port`
gives a free port with nothing listening, for a mail server that is down, and
`Inbox.start(port)` brings one up there later.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the server received: each mail, parsed, with the addresses it was sent to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []
        self._lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted"

    def start(self, port: int) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def _point_django_at(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_port(settings) -> int:
    """A loopback port with no mail server on it (yet), where Django sends its mail."""
    port = free_port()
    _point_django_at(settings, port)
    return port


@pytest.fixture
def smtp_inbox() -> Iterator[Inbox]:
    """An Inbox whose server is not started: the test starts it with inbox.start(port)."""
    inbox = Inbox()
    yield inbox
    inbox.stop()


@pytest.fixture
def smtp_server(smtp_port: int, smtp_inbox: Inbox) -> Inbox:
    """A running mail server that Django sends to; yields what it receives."""
    smtp_inbox.start(smtp_port)
    return smtp_inbox
