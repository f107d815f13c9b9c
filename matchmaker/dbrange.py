"""The integer range of the database's id and counter columns.

A number beyond it (an id of 2^63 typed into a URL) cannot name a row: SQLite refuses to bind
it and PostgreSQL compares it against an INTEGER column, so it must be refused before any query.
"""

from __future__ import annotations

INT_MAX = 2**31 - 1  # INTEGER on PostgreSQL, the narrower of the two databases


def in_range(value: int) -> bool:
    """Whether a number fits the database's integer columns."""
    return -INT_MAX - 1 <= value <= INT_MAX


def parse_id(text: object) -> int | None:
    """A positive id written in decimal digits that fits the columns, else None."""
    text = str(text or "")
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(INT_MAX)):
        return None
    value = int(text)
    return value if 0 < value <= INT_MAX else None
