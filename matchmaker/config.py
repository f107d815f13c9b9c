"""Configuration: defaults, then instance/config.py, then MATCHMAKER_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

# Environment names that map onto Flask or extension settings with other names.
ENV_ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
}


def defaults(instance_path: str) -> dict:
    """Settings that hold unless the instance config or the environment says otherwise."""
    return {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'matchmaker.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": None,
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,
        "MAIL_SENDER": "Matchmaker <no-reply@matchmaker.localhost>",
        "MAIL_TIMEOUT": 10,
        "BASE_URL": "http://127.0.0.1:5000",
        # Hosts the service answers for (Flask's TRUSTED_HOSTS); None: BASE_URL's host + loopback.
        "TRUSTED_HOSTS": None,
        # Number of reverse proxies in front whose X-Forwarded-* headers are believed; 0: none.
        "PROXY_FIX": 0,
        # Sessions: an idle timeout (the permanent lifetime), an absolute one checked per request.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=2),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "http",
        # Request size: a 5 MB CSV plus the form around it.
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 6 * 1024 * 1024,
        "MAX_FORM_PARTS": 1000,
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # With Redis down, count in this process's memory (and log it) rather than answer 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "LOGIN_RATE_LIMIT_ADDRESS": "20 per minute",
        "LOGIN_RATE_LIMIT_ACCOUNT": "5 per minute",
        "PASSWORD_RESET_MAX_AGE": 3600,
        # MFA: seconds between a right password and the code step; wrong codes per user per window.
        "MFA_PENDING_MAX_AGE": 300,
        "MFA_ENROLMENT_MAX_AGE": 1800,
        "MFA_MAX_FAILURES": 5,
        "MFA_FAILURE_WINDOW": 300,
        "MFA_ISSUER": "Matchmaker",
        "INVITATION_MAX_AGE": 7 * 24 * 3600,
        # An agreement's signing link: a reminder (re-invitation) sends a fresh one.
        "AGREEMENT_LINK_MAX_AGE": 14 * 24 * 3600,
        "JOBS_INLINE_RETRIES": 3,
        "JOBS_MAX_ATTEMPTS": 5,  # on RQ workers, with back-off between tries
        "JOBS_SWEEP_SECONDS": 60,  # how often `flask worker` hands over due jobs and emails
        "JOBS_STALE_AFTER": 6 * 3600,  # handed over this long ago and not done: lost, retry
        "JOBS_TIMEOUT": 3600,  # an RQ worker stops a job after this long (RQ's default: 180 s)
        # Redis calls from the web process give up fast: a Redis that is down costs no page.
        "REDIS_SOCKET_TIMEOUT": 0.5,
        "HEALTH_REDIS_TIMEOUT": 0.05,
        "MODELS_DIR": str(Path(instance_path).parent / "models"),
        "MODEL_NAME": None,
        "RANK_TOP_K": 20,
        "RANK_MIN_SCORE": 0.2,
        "RANK_CHUNK_SIZE": 500,
        "RANK_BLOCK_SIZE": 10_000,  # profiles encoded at once (also the artefact's blocks)
        # The distributed re-rank (`flask rank --distributed`): where the coordinator writes the
        # model and profile matrix for the chunk jobs (a directory every worker machine mounts),
        # priorities per chunk job (rounded to a multiple of RANK_CHUNK_SIZE), tries per chunk.
        "RERANK_ARTEFACT_DIR": str(Path(instance_path) / "rerank-artefacts"),
        "RERANK_CHUNK_PRIORITIES": 1000,
        "RERANK_CHUNK_ATTEMPTS": 3,
        "RERANK_POLL_SECONDS": 1.0,  # how often the command reads the run's progress
        "PAGE_SIZE": 25,
    }


def _coerce(value: str):
    """Turn an environment string into int or bool where it plainly is one."""
    lowered = value.lower()
    if lowered in {"true", "yes", "on"}:
        return True
    if lowered in {"false", "no", "off"}:
        return False
    if value.isdigit():
        return int(value)
    return value


def load(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from the three layers, or from test_config alone on top of the defaults."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, value in os.environ.items():
            if name.startswith("MATCHMAKER_"):
                key = name.removeprefix("MATCHMAKER_")
                app.config[ENV_ALIASES.get(key, key)] = _coerce(value)
    else:
        app.config.from_mapping(test_config)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain URLs from hosting providers name none.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["TRUSTED_HOSTS"], app.config["BASE_URL"])


def trusted_hosts(configured, base_url: str) -> list[str]:
    """The Host names to answer: a list or comma-separated string, else BASE_URL's host plus the
    loopback names (development, health checks on the machine itself)."""
    if isinstance(configured, str):
        configured = configured.split(",")
    hosts = [host.strip().lower() for host in configured or () if host.strip()]
    if hosts:  # never an empty list: Flask would take it as "any host"
        return hosts
    base = (urlsplit(base_url).hostname or "").lower()
    return list(dict.fromkeys(h for h in (base, "localhost", "127.0.0.1") if h))


def _instance_secret(instance: Path) -> str:
    """Read the generated secret key from instance/, creating it on first run."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
