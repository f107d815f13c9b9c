"""The database set-up: SQLite ready for concurrent writers; migrations match the models."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from matchmaker.extensions import db
from matchmaker.orm import City


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_read_then_write_transactions_wait_instead_of_failing(app):
    """Each worker reads, then writes, in one transaction: what fails on plain SQLite."""
    workers, rounds = 4, 15
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                for i in range(rounds):
                    db.session.scalar(select(func.count(City.id)))
                    db.session.add(City(name=f"City {n}-{i}", state="MA", country="US"))
                    db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(select(func.count(City.id))) == workers * rounds


def test_migrations_match_the_models(app):
    """A model change without its migration fails here (autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


@pytest.fixture
def quick_lock_timeout(app_config):
    app_config["SQLITE_BUSY_TIMEOUT_MS"] = 200


def test_pages_that_only_read_do_not_need_the_sqlite_write_lock(quick_lock_timeout, app, client):
    """A GET begins DEFERRED: it is served while another connection holds the write lock."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite locking")
    with db.engine.connect() as writer:
        writer.exec_driver_sql("SELECT 1")  # outside a request: BEGIN IMMEDIATE, the write lock
        assert writer.in_transaction()
        # Had the GET begun IMMEDIATE, it would have given up after 200 ms and answered 503.
        assert client.get("/health").status_code == 200
        # A POST may write, so it begins IMMEDIATE and waits for the lock (here: gives up).
        with pytest.raises(OperationalError, match="database is locked"):
            client.post("/auth/login", data={"email": "x@example.org", "password": "y"})
