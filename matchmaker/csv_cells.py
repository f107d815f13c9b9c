"""CSV cells a spreadsheet shows as text: every CSV the app writes goes through safe_cell."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (a leading apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def unescape_cell(text: str) -> str:
    """Undo safe_cell, so an exported file imports back unchanged."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def csv_line(values: list) -> str:
    """One CSV line of spreadsheet-safe cells (the event logs stream their exports with it)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def within_days(query, column, since: date | None, until: date | None):
    """The query limited to rows whose `column` falls on the UTC days since..until (inclusive)."""
    if since:
        query = query.where(column >= datetime.combine(since, time(), UTC))
    if until:
        query = query.where(column < datetime.combine(until + timedelta(days=1), time(), UTC))
    return query
