"""Engine set-up: SQLite tuned for concurrent use, the same code on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from matchmaker.extensions import db

# How SQLite transactions begin in this context. Writers take the write lock at their start
# (IMMEDIATE), so a second writer waits on busy_timeout instead of failing with "database is
# locked" when it upgrades from a read lock mid-way. Requests that only read (GET, HEAD) begin
# DEFERRED so that pages do not queue behind each other or behind writers.
_begin_mode: ContextVar[str] = ContextVar("sqlite_begin_mode", default="IMMEDIATE")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextmanager
def deferred_transactions() -> Iterator[None]:
    """Within the block, this context's transactions begin DEFERRED (a test beside a server)."""
    token = _begin_mode.set("DEFERRED")
    try:
        yield
    finally:
        _begin_mode.reset(token)


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable:
    def on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's begin event issue BEGIN instead of the driver's lazy deferred one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql(f"BEGIN {_begin_mode.get()}")


def _read_only_request() -> bool:
    # GET never changes state here (CSRF rules demand it), so it may begin DEFERRED.
    return request.method in SAFE_METHODS


def configure(app: Flask) -> None:
    """Attach dialect-specific listeners to the app's engine."""
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name != "sqlite":
            return
        busy = app.config.get("SQLITE_BUSY_TIMEOUT_MS", 15000)
        event.listen(engine, "connect", _sqlite_pragmas(busy))
        event.listen(engine, "begin", _sqlite_begin)
        engine.dispose()  # connections opened before the listener would miss the pragmas

    # Registered first, so it runs before any other hook touches the database.
    @app.before_request
    def choose_begin_mode():
        _begin_mode.set("DEFERRED" if _read_only_request() else "IMMEDIATE")

    @app.teardown_request
    def reset_begin_mode(_exc):
        _begin_mode.set("IMMEDIATE")  # server threads are reused: back to the safe default


@contextmanager
def immediate_transactions() -> Iterator[None]:
    """Within the block, this context's transactions begin IMMEDIATE (a short write of its own
    inside a read-only request)."""
    token = _begin_mode.set("IMMEDIATE")
    try:
        yield
    finally:
        _begin_mode.reset(token)
