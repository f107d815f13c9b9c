"""Count the SQL statements a block of code sends: list pages must not run one query per row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from matchmaker.extensions import db


@dataclass
class Statements:
    sql: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sql)


@contextmanager
def count_queries() -> Iterator[Statements]:
    """Record every statement sent on the app's engine (every session, every request) inside
    the block. The test's own session is committed first, so its pending writes are not counted.
    """
    db.session.commit()
    seen = Statements()

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.sql.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def queries_of(client, path: str) -> int:
    """How many statements one GET of `path` runs (it must answer 200)."""
    with count_queries() as seen:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return seen.count
