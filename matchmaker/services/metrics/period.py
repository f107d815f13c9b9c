"""The period a metrics page covers: a preset (last 90 days, this year ...) or two dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from matchmaker.services.errors import DomainError

PRESETS = {
    "last_30": "Last 30 days",
    "last_90": "Last 90 days",
    "last_365": "Last 12 months",
    "this_year": "This year",
    "last_year": "Last year",
    "custom": "Dates below",
}
DEFAULT_PRESET = "last_90"
EARLIEST = date(2000, 1, 1)
LONGEST = timedelta(days=366 * 10)


class InvalidPeriod(DomainError):
    """The chosen dates do not make a period."""


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.since.isoformat()} to {self.until.isoformat()}"


def resolve_period(preset: str, since: date | None, until: date | None, today: date) -> Period:
    """The period of a preset, or of the two dates when the preset is "custom"."""
    if preset == "last_30":
        return Period(today - timedelta(days=29), today)
    if preset == "last_90":
        return Period(today - timedelta(days=89), today)
    if preset == "last_365":
        return Period(today - timedelta(days=364), today)
    if preset == "this_year":
        return Period(date(today.year, 1, 1), today)
    if preset == "last_year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if preset != "custom":
        raise InvalidPeriod("Choose one of the periods offered.", "preset")
    if since is None:
        raise InvalidPeriod("Enter the first day of the period.", "since")
    if until is None:
        raise InvalidPeriod("Enter the last day of the period.", "until")
    if since < EARLIEST:
        raise InvalidPeriod(
            f"The period starts on {EARLIEST.isoformat()} at the earliest.", "since"
        )
    if until < since:
        raise InvalidPeriod("The last day is before the first day.", "until")
    if until - since > LONGEST:
        raise InvalidPeriod("A period is at most ten years long.", "until")
    return Period(since, until)
