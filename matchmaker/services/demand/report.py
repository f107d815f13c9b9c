"""The demand page's use case: one dimension's table with coverage and gaps, the trend, CSV."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from matchmaker.csv_cells import csv_line
from matchmaker.services.demand.counts import DemandCount, demand_counts
from matchmaker.services.demand.coverage import Coverage, coverage_by_bucket
from matchmaker.services.demand.dimensions import Dimension, bucket_label
from matchmaker.services.demand.trend import DEFAULT_PERIOD, MonthPoint, demand_trend, period_start

CITIES_SHOWN = 5  # cities named per row on the page; the CSV names them all


@dataclass(frozen=True)
class DemandFilters:
    dimension: Dimension = Dimension.SECTOR2
    months: int = DEFAULT_PERIOD
    country: str = ""  # ISO code of the companies' headquarters; "" for every country
    gaps_only: bool = False


@dataclass(frozen=True)
class DemandRow:
    bucket: str
    label: str
    demand: DemandCount
    coverage: Coverage = field(default_factory=Coverage)

    @property
    def is_gap(self) -> bool:
        """Active demand that no open priority anywhere covers."""
        return self.demand.profiles > 0 and not self.coverage.cities


@dataclass(frozen=True)
class RowPage:
    """One page of an already aggregated list, with the attributes the pager macro reads."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def demand_rows(
    session: Session, f: DemandFilters, today: datetime | None = None
) -> list[DemandRow]:
    """Every bucket of the dimension with its demand, covering cities and gap mark."""
    since = period_start(today or datetime.now(UTC), f.months)
    counts = demand_counts(session, f.dimension, since, f.country)
    covers = coverage_by_bucket(session, f.dimension, [c.bucket for c in counts])
    rows = [
        DemandRow(
            c.bucket, bucket_label(f.dimension, c.bucket), c, covers.get(c.bucket, Coverage())
        )
        for c in counts
    ]
    return [r for r in rows if r.is_gap] if f.gaps_only else rows


def page_of(rows: list, page: int, per_page: int) -> RowPage:
    """The rows of one page (buckets are few: at most a few hundred, already aggregated)."""
    page = min(page, max(1, math.ceil(len(rows) / per_page)))  # past the end: the last page
    start = (page - 1) * per_page
    return RowPage(rows[start : start + per_page], page, per_page, len(rows))


@dataclass(frozen=True)
class DemandReport:
    filters: DemandFilters
    rows: list[DemandRow]
    trend: list[MonthPoint]

    @property
    def gaps(self) -> int:
        return sum(1 for r in self.rows if r.is_gap)


def demand_report(
    session: Session, f: DemandFilters, today: datetime | None = None
) -> DemandReport:
    """The page's data: the dimension's rows and the trend over the period."""
    return DemandReport(
        f, demand_rows(session, f, today), demand_trend(session, f.months, f.country, today)
    )


TABLE_HEADER = [
    "bucket",
    "label",
    "companies",
    "active_profiles",
    "new_in_period",
    "paused_profiles",
    "open_priorities",
    "cities",
    "gap",
]


def table_csv(rows: list[DemandRow]) -> Iterator[str]:
    """The demand table as CSV lines, every row and every covering city."""
    yield csv_line(TABLE_HEADER)
    for r in rows:
        d = r.demand
        cities = "; ".join(f"{c} ({c.priorities})" for c in r.coverage.cities)
        yield csv_line(
            [
                r.bucket,
                r.label,
                d.companies,
                d.profiles,
                d.new_profiles,
                d.paused_profiles,
                r.coverage.priorities,
                cities,
                "yes" if r.is_gap else "no",
            ]
        )


def trend_csv(points: list[MonthPoint]) -> Iterator[str]:
    """The trend as CSV lines: exactly what the chart draws."""
    yield csv_line(["month", "profiles_created", "still_active"])
    for p in points:
        yield csv_line([p.month, p.created, p.active])
