"""The one place that turns database rows into the ranking package's plain inputs."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.orm import (
    Company,
    CompanyStatus,
    InterestProfile,
    Office,
    Priority,
    PriorityStatus,
    ProfileStatus,
)
from matchmaker.ranking import PriorityInput, ProfileInput


def priority_input(priority: Priority) -> PriorityInput:
    city = priority.office.city
    return PriorityInput(
        key=priority.id,
        title=priority.title,
        description=priority.description or "",
        naics_sectors=tuple(priority.naics_sectors or ()),
        partnership_types=tuple(priority.partnership_types or ()),
        target_countries=tuple(c.upper() for c in priority.target_countries or ()),
        # The ranker knows US states only: another country's region code (IT "MI") is none.
        state=(city.state or "").upper() if city.country == "US" else "",
    )


def profile_input(profile: InterestProfile) -> ProfileInput:
    company = profile.company
    return ProfileInput(
        key=profile.id,
        company_name=" ".join(company.name.split()),
        company_description=company.description or "",
        interests=profile.interests or "",
        # A profile without its own sectors stands for the whole company.
        naics_sectors=tuple(profile.naics_sectors or company.naics_sectors or ()),
        partnership_types=tuple(profile.partnership_types or ()),
        hq_country=(company.hq_country or "").upper(),
        regions_of_interest=tuple(profile.states or ("any",)),
        size=company.size or "",
    )


def open_priorities_query() -> Select:
    return (
        select(Priority)
        .where(Priority.status == PriorityStatus.OPEN)
        .options(joinedload(Priority.office).joinedload(Office.city))
        .order_by(Priority.id)
    )


def active_profiles_query() -> Select:
    return (
        select(InterestProfile)
        .join(Company, InterestProfile.company_id == Company.id)
        .where(
            InterestProfile.status == ProfileStatus.ACTIVE, Company.status == CompanyStatus.ACTIVE
        )
        .options(joinedload(InterestProfile.company))
        .order_by(InterestProfile.id)
    )


def is_rankable_priority(priority: Priority) -> bool:
    return priority.status == PriorityStatus.OPEN


def is_rankable_profile(profile: InterestProfile) -> bool:
    return profile.status == ProfileStatus.ACTIVE and profile.company.status == CompanyStatus.ACTIVE


def open_priorities(session: Session) -> list[Priority]:
    return list(session.scalars(open_priorities_query()).unique())


def active_profiles(session: Session) -> list[InterestProfile]:
    return list(session.scalars(active_profiles_query()).unique())
