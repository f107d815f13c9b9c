"""A real SMTP server on loopback (aiosmtpd) for tests that send email."""

from __future__ import annotations

import email
import re
import socket
import threading
from email.message import Message

from aiosmtpd.controller import Controller

REFUSED_DOMAIN = "refused.example"  # the server answers 550 for every mailbox there


class _Handler:
    def __init__(self, messages: list[Message], arrived: threading.Condition):
        self.messages = messages
        self.arrived = arrived

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content))
            self.arrived.notify_all()
        return "250 OK"


def text_of(message: Message) -> str:
    """The plain-text body of a message, also when files are attached (multipart)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part.get_payload(decode=True).decode()
    return ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalSMTP:
    def __init__(self):
        self.messages: list[Message] = []
        self.port = free_port()
        self._arrived = threading.Condition()
        handler = _Handler(self.messages, self._arrived)
        self._controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, timeout: float = 15) -> list[Message]:
        """The messages to an address, waiting for the first one to arrive: behind a real server
        (the browser tests) mail is delivered after the response, in the server's thread."""
        with self._arrived:
            self._arrived.wait_for(lambda: self.to(address), timeout)
        return self.to(address)

    def last_link(self, address: str, path_fragment: str, timeout: float = 15) -> str:
        """The last URL containing path_fragment in the newest email to an address that has one,
        waiting for such an email: behind a real server an earlier email to the same address
        (an invitation, say) may be all that has arrived yet."""

        def links_in(message: Message) -> list[str]:
            urls = re.findall(r"https?://\S+", text_of(message))
            return [u for u in urls if path_fragment in u]

        def found() -> list[str]:
            return next((ls for m in reversed(self.to(address)) if (ls := links_in(m))), [])

        with self._arrived:
            self._arrived.wait_for(found, timeout)
        links = found()
        bodies = [text_of(m) for m in self.to(address)]
        assert links, f"no link with {path_fragment!r} in the emails to {address}: {bodies}"
        return links[-1]


class SilentSMTP:
    """An "SMTP server" that accepts connections and never says a word, not even its greeting:
    a client waits on it until its own timeout."""

    def __init__(self):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._accepted: list[socket.socket] = []

    def connections(self) -> int:
        """How many clients have connected so far (taken from the backlog without waiting)."""
        self._sock.setblocking(False)
        try:
            while True:
                self._accepted.append(self._sock.accept()[0])
        except BlockingIOError:
            return len(self._accepted)

    def hang_up_on_next(self, timeout: float = 30) -> None:
        """Wait for the next client and hang up on it: it stops waiting at once."""
        self._sock.settimeout(timeout)
        conn, _ = self._sock.accept()
        self._accepted.append(conn)
        conn.close()

    def stop(self) -> None:
        for conn in self._accepted:
            conn.close()
        self._sock.close()
