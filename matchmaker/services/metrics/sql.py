"""SQL pieces the two databases spell differently or not at all: a timestamp as a number of
days, the largest of a few values, and a median.

Medians are computed in the database with window functions (ROW_NUMBER and COUNT over a
partition, both in SQLite >= 3.25 and PostgreSQL): the middle one or two values of each group,
averaged. PostgreSQL's percentile_cont would be shorter but SQLite has no equivalent, and this
form keeps one query for both; no per-row values ever reach Python.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Float, Select, and_, func, select
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


def medians(values: Select) -> Select:
    """The median of `value` per `grp` of a query selecting exactly (grp, value), no nulls."""
    inner = values.subquery("vals")
    grp, value = inner.c[0], inner.c[1]
    ranked = select(
        grp.label("grp"),
        value.label("value"),
        func.row_number().over(partition_by=grp, order_by=value).label("rn"),
        func.count().over(partition_by=grp).label("n"),
    ).subquery("ranked")
    # Integer division in both databases: rows (n+1)/2 and (n+2)/2 are the middle one or two.
    low = (ranked.c.n + 1) // 2
    high = (ranked.c.n + 2) // 2
    return (
        select(ranked.c.grp, func.avg(ranked.c.value), func.max(ranked.c.n))
        .where(ranked.c.rn >= low, ranked.c.rn <= high)
        .group_by(ranked.c.grp)
    )


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of a day."""
    return datetime.combine(day, time(), UTC)


def within(column: ColumnElement, since: date, until: date) -> ColumnElement[bool]:
    """The column falls on the UTC days since..until (inclusive)."""
    return and_(column >= start_of(since), column < start_of(until + timedelta(days=1)))
