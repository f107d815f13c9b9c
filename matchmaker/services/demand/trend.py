"""Profiles created per month over a window, and how many of them are active today.

No history of a profile's status is kept, so "active" is the status today of the profiles
created that month, not the status they had at the month's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from matchmaker.orm import Company, CompanyStatus, InterestProfile, ProfileStatus
from matchmaker.services.demand.sql import month_key

PERIODS = (3, 6, 12, 24, 36)  # months a window may span
DEFAULT_PERIOD = 12


@dataclass(frozen=True)
class MonthPoint:
    month: str  # YYYY-MM
    created: int  # profiles created that month (any status) by companies active today
    active: int  # of those, active today


def months_back(today: datetime, months: int) -> list[str]:
    """The `months` months ending with today's, oldest first, as YYYY-MM."""
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def period_start(today: datetime, months: int) -> datetime:
    """The first instant (UTC) of the oldest month of the window."""
    year, month = (int(part) for part in months_back(today, months)[0].split("-"))
    return datetime(year, month, 1, tzinfo=UTC)


def demand_trend(
    session: Session, months: int, country: str = "", today: datetime | None = None
) -> list[MonthPoint]:
    """One point per month of the window, months without profiles as zeros."""
    today = today or datetime.now(UTC)
    month = month_key(session, InterestProfile.created_at)
    query = (
        select(
            month,
            func.count(InterestProfile.id),
            func.count(case((InterestProfile.status == ProfileStatus.ACTIVE, InterestProfile.id))),
        )
        .join(Company, Company.id == InterestProfile.company_id)
        .where(
            Company.status == CompanyStatus.ACTIVE,
            InterestProfile.created_at >= period_start(today, months),
        )
        .group_by(month)
    )
    if country:
        query = query.where(Company.hq_country == country)
    counts = {str(key): (created, active) for key, created, active in session.execute(query)}
    return [MonthPoint(key, *counts.get(key, (0, 0))) for key in months_back(today, months)]
