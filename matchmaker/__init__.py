"""Matchmaker: match private-sector companies with city priorities for city diplomacy."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    from matchmaker import config

    config.load(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from argon2 import PasswordHasher

    from matchmaker import commands, database, hosts, passwords, security, web
    from matchmaker.extensions import csrf, db, limiter, login_manager, migrate

    # Library defaults (RFC 9106 low-memory profile) unless a deployment or the tests tune them.
    app.extensions[passwords.EXTENSION] = PasswordHasher(**app.config.get("ARGON2_PARAMS", {}))
    db.init_app(app)
    database.configure(app)
    from matchmaker.jobs.after_response import AfterResponse

    app.wsgi_app = AfterResponse(app.wsgi_app)  # jobs a request recorded run once it is sent
    hosts.init_app(app)  # before any hook that reads the session or counts a rate limit
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        # One process in development; shared counters in Redis once there are several.
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "rediss")):
        timeout = float(app.config["REDIS_SOCKET_TIMEOUT"])
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        )
    limiter.init_app(app)
    from matchmaker.api import auth as api_auth

    api_auth.init_app(app)  # the bearer token is read before the session hooks below
    login_manager.init_app(app)
    security.init_app(app)
    web.register(app)
    from matchmaker import api

    api.register(app)  # after web.register: its id converter bounds the API's ids too
    commands.register(app)
    return app
