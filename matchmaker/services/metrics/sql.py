"""SQL pieces the two databases spell differently or not at all: a timestamp as a number of
days, the largest of a few values, and a median.

Medians are computed in the database: the values sorted, the middle one or two read by LIMIT
and OFFSET (both databases take expressions there), averaged. PostgreSQL's percentile_cont would
be shorter but SQLite has no equivalent, and this form keeps one query for both; no per-row
values ever reach Python.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Float, and_, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class day_number(FunctionElement):  # noqa: N801 - used like an SQL function
    """A timestamp as a number of days (fractional): the difference of two is the days between
    them. Computed once per timestamp, not once per pair (parsing SQLite's text costs)."""

    type = Float()
    inherit_cache = True
    name = "day_number"


@compiles(day_number)
def _day_generic(element, compiler, **kw):
    return "julianday(%s)" % compiler.process(element.clauses, **kw)  # noqa: UP031


@compiles(day_number, "postgresql")
def _day_postgresql(element, compiler, **kw):
    return "(EXTRACT(EPOCH FROM %s) / 86400.0)" % compiler.process(element.clauses, **kw)  # noqa: UP031


class greatest(FunctionElement):  # noqa: N801 - used like an SQL function
    """The largest of a few non-null values: GREATEST on PostgreSQL, max(a, b, ...) on SQLite."""

    inherit_cache = True
    name = "greatest"


@compiles(greatest)
def _greatest_generic(element, compiler, **kw):
    return "max(%s)" % compiler.process(element.clauses, **kw)  # noqa: UP031


@compiles(greatest, "postgresql")
def _greatest_postgresql(element, compiler, **kw):
    return "GREATEST(%s)" % compiler.process(element.clauses, **kw)  # noqa: UP031


def median(source, value: ColumnElement, *where: ColumnElement) -> tuple[ColumnElement, ...]:
    """(the median, the count) of `value` over the rows of `source` matching `where`, as two
    scalar subqueries: the values are sorted and the middle one or two read by LIMIT and OFFSET
    computed from the count, then averaged (NULL when there are none). A sort that stops at the
    middle costs much less than numbering every row with window functions."""
    n = select(func.count()).select_from(source).where(*where).scalar_subquery()
    # Integer division in both databases: skip (n-1)/2 rows, read 1 (n odd) or 2 (n even).
    middle = (
        select(value.label("value"))
        .select_from(source)
        .where(*where)
        .order_by(value)
        .limit(2 - n % 2)
        .offset((n - 1) // 2)
        .subquery("middle")
    )
    return select(func.avg(middle.c.value)).scalar_subquery(), n


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of a day."""
    return datetime.combine(day, time(), UTC)


def within(column: ColumnElement, since: date, until: date) -> ColumnElement[bool]:
    """The column falls on the UTC days since..until (inclusive)."""
    return and_(column >= start_of(since), column < start_of(until + timedelta(days=1)))
