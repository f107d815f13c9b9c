"""The two SQL pieces that differ between SQLite and PostgreSQL: JSON list rows, month keys.

The list columns (NAICS codes, partnership types, states, target countries) are JSON arrays, so
they are turned into rows in the database (SQLite `json_each`, PostgreSQL
`json_array_elements_text`) and grouped there: no profile row is loaded into Python.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import Session


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def json_elements(session: Session, column, name: str):
    """A table of one text column `value`: the elements of a JSON array column, per row."""
    if is_postgresql(session):
        return func.json_array_elements_text(column).table_valued("value").alias(name)
    return func.json_each(column).table_valued("value").alias(name)


def json_length(session: Session, column):
    """The number of elements of a JSON array column."""
    return func.json_array_length(column)


def month_key(session: Session, column):
    """'YYYY-MM' of a UTC timestamp column (stored naive in UTC)."""
    if is_postgresql(session):
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)
