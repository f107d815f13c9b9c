"""The period a briefing covers: whole days, first to last inclusive, validated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from matchmaker.services.errors import DomainError

EARLIEST = date(2000, 1, 1)
MAX_DAYS = 3 * 366 + 1  # three years: longer reports are not briefings


class InvalidPeriod(DomainError):
    """The dates do not make a period a briefing can cover; `field` names the wrong one."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def since(self) -> datetime:
        """The first instant, in UTC like every stored time."""
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The instant after the last day: the half-open upper bound."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


def make_period(start: date | None, end: date | None, today: date) -> Period:
    """A period from its first and last day; the last may not be before the first, the first
    not in the future, and the whole at most three years."""
    if start is None:
        raise InvalidPeriod("Give the first day of the period.", "start")
    if end is None:
        raise InvalidPeriod("Give the last day of the period.", "end")
    if start < EARLIEST:
        raise InvalidPeriod(f"The period starts on {EARLIEST:%Y-%m-%d} or later.", "start")
    if start > today:
        raise InvalidPeriod("The period starts today at the latest.", "start")
    if end < start:
        raise InvalidPeriod("The last day comes on or after the first day.", "end")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidPeriod("A briefing covers at most three years.", "end")
    return Period(start, end)


def default_period(today: date) -> Period:
    """The last full quarter: what a briefing to officials usually covers."""
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - timedelta(days=1)
    return Period(date(end.year, end.month - 2, 1), end)
