"""Assemble a city's briefing for a period, as the viewer may see it.

Staff brief on their own office's city, admins on any city; anyone else (a company) is refused.
Generating one is a handful of aggregate queries, fast enough to answer in the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import City, EngagementKind, EngagementMode, Office, User, utcnow
from matchmaker.services.briefing import sections
from matchmaker.services.briefing.period import Period, make_period
from matchmaker.services.errors import DomainError, NotFound

MODES = [(m.value, m.label) for m in EngagementMode]
KINDS = [(k.value, k.label) for k in EngagementKind]


@dataclass(frozen=True)
class Mix:
    """Engagements that took place, by mode (rows) and kind (columns)."""

    cells: dict[tuple[str, str], int]

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def row(self, mode: str) -> list[int]:
        return [self.cells.get((mode, k), 0) for k, _label in KINDS]

    def mode_total(self, mode: str) -> int:
        return sum(self.row(mode))

    def kind_total(self, kind: str) -> int:
        return sum(self.cells.get((m, kind), 0) for m, _label in MODES)


@dataclass(frozen=True)
class Briefing:
    city: City
    period: Period
    generated_at: datetime
    agreements: list[sections.SignedAgreement]
    partnerships: list[sections.Partnership]
    totals: list[tuple[str, Decimal | int, Decimal | int | None]]
    companies: int
    sectors: list[sections.Count]
    countries: list[sections.Count]
    mix: Mix
    featured: list[sections.Featured]

    @property
    def empty(self) -> bool:
        """Nothing at all to report for the period."""
        return not (self.agreements or self.partnerships or self.mix.total or self.featured)

    @property
    def title(self) -> str:
        return f"{self.city}: briefing, {self.period}"


class CityRequired(DomainError):
    """An admin must say which city."""


def briefing_city(session: Session, viewer: User, city_id: int | None) -> City:
    """The city this viewer may brief on: staff their office's, admins the one they chose."""
    if viewer.is_staff:
        office = session.get(Office, viewer.office_id)
        if office is None or (city_id is not None and city_id != office.city_id):
            raise NotFound("This city does not exist or is not yours to brief on.")
        return office.city
    if not viewer.is_admin:
        raise NotFound("Briefings are for city staff and admins.")
    if city_id is None:
        raise CityRequired("Choose the city.", "city_id")
    city = session.get(City, city_id)
    if city is None:
        raise NotFound("This city does not exist.")
    return city


def city_choices(session: Session) -> list[tuple[int, str]]:
    cities = session.scalars(select(City).order_by(City.name, City.state)).all()
    return [(c.id, str(c)) for c in cities]


def build_briefing(
    session: Session, viewer: User, city_id: int | None, period: Period, now=None
) -> Briefing:
    """The achievements of a city over a period, for officials: structured data only."""
    city = briefing_city(session, viewer, city_id)
    rows = sections.partnerships(session, city.id, period)
    count, sectors, by_country = sections.companies_engaged(session, city.id, period)
    return Briefing(
        city=city,
        period=period,
        generated_at=now or utcnow(),
        agreements=sections.signed_agreements(session, city.id, period),
        partnerships=rows,
        totals=sections.totals(rows),
        companies=count,
        sectors=sectors,
        countries=by_country,
        mix=Mix(sections.engagement_mix(session, city.id, period)),
        featured=sections.featured(session, city.id, period),
    )


def money(amounts: dict[str, Decimal]) -> str:
    """'1,000.00 EUR; 50.00 USD', or an em dash."""
    return "; ".join(f"{v:,.2f} {c}" for c, v in sorted(amounts.items())) or "—"


def amount(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"


def briefing_for(
    session: Session, viewer: User, city_id: int | None, start, end, today: date | None = None
) -> Briefing:
    """The use case behind the pages: validate the period, then assemble the briefing."""
    today = today or utcnow().date()
    return build_briefing(session, viewer, city_id, make_period(start, end, today))
