"""A hand-built set of companies, profiles and priorities whose demand is counted by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from matchmaker.orm import CompanyStatus, PriorityStatus, ProfileStatus
from tests import factories as f

TODAY = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


@dataclass
class DemandWorld:
    boston: object
    austin: object
    denver: object


def build_demand_world() -> DemandWorld:
    """Boston and Austin have open priorities; Denver only a closed one (it covers nothing).

    Profiles (created):   A DE active 2026-06-01: 5415 5413 / pilot, investment / MA TX
                          B DE paused 2026-05-10: 7112 / sponsorship / any
                          C JP active 2026-04-20: 3361 54 / investment / any
                          D FR active 2025-01-01: 7112 / sponsorship / CO
                          E FR withdrawn 2026-06-02: 111 / investment / any
                          F US active, company suspended: 5415 / pilot / MA
    """
    boston = f.OfficeFactory(city=f.CityFactory(name="Boston", state="MA"))
    austin = f.OfficeFactory(city=f.CityFactory(name="Austin", state="TX"))
    denver = f.OfficeFactory(city=f.CityFactory(name="Denver", state="CO"))
    f.PriorityFactory(
        office=boston,
        naics_sectors=["5415"],
        partnership_types=["pilot_project"],
        target_countries=["DE"],
    )
    f.PriorityFactory(
        office=austin,
        naics_sectors=["33"],
        partnership_types=["investment"],
        target_countries=["JP"],
    )
    f.PriorityFactory(
        office=denver,
        naics_sectors=["7112"],
        partnership_types=["sponsorship"],
        target_countries=["FR"],
        status=PriorityStatus.CLOSED,
    )
    f.PriorityFactory(
        office=denver,
        naics_sectors=["7112"],
        partnership_types=["sponsorship"],
        target_countries=[],
        status=PriorityStatus.DRAFT,
    )
    de = f.CompanyFactory(hq_country="DE")
    jp = f.CompanyFactory(hq_country="JP")
    fr = f.CompanyFactory(hq_country="FR")
    us = f.CompanyFactory(hq_country="US", status=CompanyStatus.SUSPENDED)
    profile = f.ProfileFactory
    profile(
        company=de,
        naics_sectors=["5415", "5413"],
        states=["MA", "TX"],
        partnership_types=["pilot_project", "investment"],
        created_at=at(2026, 6, 1),
    )
    profile(
        company=de,
        naics_sectors=["7112"],
        states=["any"],
        partnership_types=["sponsorship"],
        status=ProfileStatus.PAUSED,
        created_at=at(2026, 5, 10),
    )
    profile(
        company=jp,
        naics_sectors=["3361", "54"],
        states=["any"],
        partnership_types=["investment"],
        created_at=at(2026, 4, 20),
    )
    profile(
        company=fr,
        naics_sectors=["7112"],
        states=["CO"],
        partnership_types=["sponsorship"],
        created_at=at(2025, 1, 1),
    )
    profile(
        company=fr,
        naics_sectors=["111"],
        states=["any"],
        partnership_types=["investment"],
        status=ProfileStatus.WITHDRAWN,
        created_at=at(2026, 6, 2),
    )
    profile(
        company=us,
        naics_sectors=["5415"],
        states=["MA"],
        partnership_types=["pilot_project"],
        created_at=at(2026, 6, 3),
    )
    return DemandWorld(boston, austin, denver)
