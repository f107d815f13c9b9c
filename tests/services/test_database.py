"""The database set-up: SQLite ready for concurrent writers; migrations match the models."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from matchmaker.extensions import db
from matchmaker.orm import City


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 15000
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
