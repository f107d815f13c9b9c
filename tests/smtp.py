"""A real SMTP server on loopback (aiosmtpd) for tests that send email."""

from __future__ import annotations

import email
import re
import socket
from email.message import Message

from aiosmtpd.controller import Controller

REFUSED_DOMAIN = "refused.example"  # the server answers 550 for every mailbox there


class _Handler:
    def __init__(self, messages: list[Message]):
        self.messages = messages

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalSMTP:
    def __init__(self):
        self.messages: list[Message] = []
        self.port = free_port()
        self._controller = Controller(_Handler(self.messages), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str, path_fragment: str) -> str:
        """The last URL in the newest email to an address that contains path_fragment."""
        body = self.to(address)[-1].get_payload(decode=True).decode()
        links = [u for u in re.findall(r"https?://\S+", body) if path_fragment in u]
        assert links, f"no link with {path_fragment!r} in: {body}"
        return links[-1]
