"""Run work once a response's body has been written, whatever the WSGI server does after.

werkzeug's call_on_close relies on the server calling the body's close(). The development
server skips it when the browser resets the connection right after reading a redirect (its
drain of the socket raises first), so work left for after the response was silently not run.
This middleware runs the callbacks when the server asks for the body's next chunk after the
last one, i.e. once every byte has been handed to the socket, and again-safe on close().
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

log = logging.getLogger(__name__)

ENVIRON_KEY = "matchmaker.after_response"


def call_after_response(environ: dict, callback: Callable[[], None]) -> None:
    """Run `callback` once the current response has been sent."""
    environ.setdefault(ENVIRON_KEY, []).append(callback)


class _Body:
    def __init__(self, body: Iterable[bytes], environ: dict) -> None:
        self._body = body
        self._environ = environ
        self._done = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self._body
        self._run()

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._run()

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        for callback in self._environ.pop(ENVIRON_KEY, []):
            try:
                callback()
            except Exception:  # noqa: BLE001 - the response is gone; nobody could handle it
                log.exception("work after the response failed")


class AfterResponse:
    """WSGI middleware: see the module docstring."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        return _Body(self.wsgi_app(environ, start_response), environ)
