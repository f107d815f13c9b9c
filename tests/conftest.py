"""Fixtures in the style of Flask's tutorial: app, client, runner, auth; plus a real SMTP server."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.orm import Base
from tests import factories
from tests.smtp import LocalSMTP

PG_URL = os.environ.get("MATCHMAKER_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("MATCHMAKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A migrated, empty database for the session: PostgreSQL when configured, else SQLite."""
    url = PG_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if PG_URL:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "migrate"})
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()  # the suite runs on the real migrations, so they are tested too
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback that keeps every message it receives."""
    server = LocalSMTP()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.messages.clear()
    return smtp_server


@pytest.fixture
def app_config(database_url, smtp_server, tmp_path) -> dict:
    """The configuration every test app starts from; tests may change it before `app` is built."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # Cheap hashes keep the suite fast; production uses Argon2's recommended parameters.
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        "RATELIMIT_ENABLED": False,
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        "MODELS_DIR": str(tmp_path / "models"),
    }


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own session and `g`.

    The test's own session commits first, so the request sees the test's data and SQLite's write
    lock (taken at the start of every transaction) is free for it.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        # Buffered, each response is closed before open() returns: the jobs a request leaves to
        # run after its response (mail, re-ranks) have run when the test looks, deterministically.
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)

    def run_wsgi_app(self, environ, buffered=False):
        with self.application.app_context():
            body, status, headers = super().run_wsgi_app(environ, buffered=False)
        # As behind a real server, the body is closed (running its after-response hooks) once
        # the request's context has ended and its session has let go of the database.
        if buffered:
            close = getattr(body, "close", None)
            body = list(body)
            if close is not None:
                close()
        return body, status, headers


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        factories.bind(db.session)
        yield application
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    """Leave the shared database as empty as the migrations made it."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _hidden(html: str, name: str) -> str | None:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    return found.group(1) if found else None


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD, follow: bool = False):
        """Log in as a person would: the password, then the MFA code step when it is asked for."""
        response = self._client.post("/auth/login", data={"email": email, "password": password})
        step = response.headers.get("Location", "")
        if step == "/auth/mfa":
            response = self.give_code(factories.totp_code(email))
        elif step == "/auth/mfa/enrol":
            response = self.enrol()
        if follow and response.status_code == 302:
            response = self._client.get(response.headers["Location"], follow_redirects=True)
        return response

    def give_code(self, code: str):
        """Answer the second login step with a TOTP or recovery code."""
        html = self._client.get("/auth/mfa").get_data(as_text=True)
        data = {"code": code, "csrf_token": _hidden(html, "csrf_token") or ""}
        return self._client.post("/auth/mfa", data=data)

    def enrol(self, path: str = "/auth/mfa/enrol"):
        """Scan the enrolment page's key into a (simulated) authenticator app and confirm it."""
        html = self._client.get(path).get_data(as_text=True)
        secret = re.search(r'<code class="secret">([^<]+)</code>', html).group(1).replace(" ", "")
        data = {
            "token": _hidden(html, "token"),
            "code": pyotp.TOTP(secret).now(),
            "csrf_token": _hidden(html, "csrf_token") or "",
        }
        return self._client.post(path, data=data)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def root() -> Path:
    return Path(__file__).resolve().parent.parent
