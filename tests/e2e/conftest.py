"""Browser tests: the app served on loopback, driven by Playwright in the system Chromium."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("MATCHMAKER_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        message = "Chromium not found: install it with `apt-get install -y chromium`"
        if REQUIRED:
            pytest.fail(message + " (MATCHMAKER_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_path):
    return {
        "executable_path": chromium_path,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class LiveServer:
    def __init__(self, app):
        # One request at a time: the work a request leaves for after its response (mail, a
        # re-rank) ends before the server takes the next one, so the browser's next page sees it.
        self._server = make_server("127.0.0.1", 0, app, threaded=False)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()


@pytest.fixture
def live_server(app):
    """The test app served by a real HTTP server on a free loopback port.

    The test's own session begins its transactions DEFERRED, so reading a factory-made object
    between browser steps never holds SQLite's write lock against the server's requests.
    """
    from matchmaker.database import deferred_transactions

    app.config["BASE_URL"] = "http://127.0.0.1"
    server = LiveServer(app)
    app.config["BASE_URL"] = server.url
    server.start()
    with deferred_transactions():
        yield server
    server.stop()


@pytest.fixture
def page(page, chromium_path):
    page.set_default_timeout(10_000)
    return page
