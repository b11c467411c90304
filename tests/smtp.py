"""A real SMTP server for the tests (aiosmtpd in a thread) and what it received."""

import email
import re
import socket
import threading
from dataclasses import dataclass
from email import policy

from aiosmtpd.controller import Controller

LINK_RE = re.compile(r"https?://[^\s<>\"]+")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """One message as the server got it: envelope and parsed MIME message."""

    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage

    @property
    def to(self):
        return self.message["To"]

    @property
    def subject(self):
        return str(self.message["Subject"])

    @property
    def text(self):
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def links(self):
        return LINK_RE.findall(self.text)

    def header(self, name):
        return self.message[name]


class Mailbox:
    """An aiosmtpd handler that keeps every message; tests read `messages`."""

    def __init__(self):
        self._lock = threading.Lock()
        self._messages = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self._messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        with self._lock:
            return list(self._messages)

    def clear(self):
        with self._lock:
            self._messages.clear()

    def to(self, address):
        """The messages sent to this address, oldest first."""
        return [m for m in self.messages if address in m.rcpt_tos]

    def last(self, address):
        sent = self.to(address)
        assert sent, f"no message to {address}; got {[m.rcpt_tos for m in self.messages]}"
        return sent[-1]


def start_server(handler=None, **options):
    """Start aiosmtpd on a free loopback port; returns the running Controller."""
    controller = Controller(handler or Mailbox(), hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller
