"""Companies browse the priorities offices made visible, and express interest in them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, Text, cast, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.orm.exc import StaleDataError

from matchmaker import codes, vocab
from matchmaker.orm import (
    City,
    Company,
    CompanyStatus,
    InterestProfile,
    Office,
    Priority,
    PriorityStatus,
    ProfileStatus,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services.errors import Conflict, DomainError, NotFound
from matchmaker.services.introductions.blocks import is_blocked
from matchmaker.services.review import routing
from matchmaker.text import check_text

MESSAGE_MAX = 1000
REASON = "company expressed interest"
# States in which the company's interest joins an existing suggestion; decided ones refuse it.
JOINABLE = (
    SuggestionStatus.SUGGESTED,
    SuggestionStatus.IN_REVIEW,
    SuggestionStatus.SNOOZED,
    SuggestionStatus.EXPIRED,
)


class InterestRefused(DomainError):
    """The company may not (or need not) express this interest."""


@dataclass(frozen=True)
class OpportunityFilters:
    q: str = ""
    sector: str = ""  # a NAICS code or prefix
    partnership_type: str = ""
    country: str = ""  # the company's country: priorities open to it (or to any country)
    state: str = ""


def _json_has(column, fragment: str):
    """A JSON list column whose text contains a fragment: portable across SQLite and PostgreSQL."""
    return cast(column, Text).contains(fragment, autoescape=True)


def opportunities_query(filters: OpportunityFilters) -> Select:
    """Open priorities marked visible to companies, newest first, with search and filters."""
    query = (
        select(Priority)
        .join(Priority.office)
        .join(Office.city)
        .options(contains_eager(Priority.office).contains_eager(Office.city))
        .where(Priority.status == PriorityStatus.OPEN, Priority.visible_to_companies.is_(True))
    )
    if q := filters.q.strip():
        query = query.where(
            Priority.title.icontains(q, autoescape=True)
            | Priority.description.icontains(q, autoescape=True)
            | City.name.icontains(q, autoescape=True)
        )
    sector = filters.sector.strip()
    if sector.isdigit() and len(sector) <= 6:
        query = query.where(_json_has(Priority.naics_sectors, f'"{sector}'))
    if filters.partnership_type in vocab.PARTNERSHIP_TYPES:
        query = query.where(_json_has(Priority.partnership_types, f'"{filters.partnership_type}"'))
    country = filters.country.strip().upper()
    if codes.is_country(country):
        query = query.where(
            (cast(Priority.target_countries, Text) == "[]")
            | _json_has(Priority.target_countries, f'"{country}"')
        )
    if filters.state.strip().upper() in vocab.US_STATES:
        query = query.where(City.state == filters.state.strip().upper())
    return query.order_by(Priority.updated_at.desc(), Priority.id.desc())


def visible_priority(session: Session, priority_id: int) -> Priority:
    """An open priority companies may see, or NotFound."""
    priority = session.get(Priority, priority_id)
    if (
        priority is None
        or priority.status != PriorityStatus.OPEN
        or not priority.visible_to_companies
    ):
        raise NotFound("No such opportunity.")
    return priority


def active_profiles(session: Session, company_id: int) -> list[InterestProfile]:
    """The company's active interest profiles, the ones interest can be expressed for."""
    return list(
        session.scalars(
            select(InterestProfile)
            .where(
                InterestProfile.company_id == company_id,
                InterestProfile.status == ProfileStatus.ACTIVE,
            )
            .order_by(InterestProfile.title, InterestProfile.id)
        )
    )


def express_interest(
    session: Session,
    priority_id: int,
    company_id: int,
    profile_id: int,
    actor: User,
    message: str,
) -> Suggestion:
    """Put the company's interest in the office's queue, as a company-initiated suggestion."""
    priority = visible_priority(session, priority_id)
    company = session.get(Company, company_id)
    if company is None or company.status != CompanyStatus.ACTIVE:
        raise InterestRefused("Your company must be active to express interest.")
    profile = session.scalar(
        select(InterestProfile).where(
            InterestProfile.id == profile_id,
            InterestProfile.company_id == company_id,
            InterestProfile.status == ProfileStatus.ACTIVE,
        )
    )
    if profile is None:
        raise InterestRefused("Choose one of your active interest profiles.", "profile_id")
    if is_blocked(session, company_id, priority.office_id):
        raise InterestRefused(
            "You asked for no more introductions from this office: allow them again on your "
            "Introductions page first."
        )
    check_text({}, {"message": message})
    message = message.strip()
    if not message or len(message) > MESSAGE_MAX:
        raise InterestRefused(f"Write a message of 1 to {MESSAGE_MAX} characters.", "message")
    suggestion = session.scalar(
        select(Suggestion).where(
            Suggestion.priority_id == priority.id, Suggestion.profile_id == profile.id
        )
    )
    now = utcnow()
    if suggestion is None:
        suggestion = Suggestion(
            priority_id=priority.id,
            profile_id=profile.id,
            company_id=company_id,
            routed_office_id=priority.office_id,
            status=SuggestionStatus.SUGGESTED,
            score=0.0,
            created_at=now,
        )
        session.add(suggestion)
        routing.route_new(session, suggestion)
        from_status = None
    else:
        _check_joinable(suggestion)
        from_status = suggestion.status.value
    if suggestion.status in (SuggestionStatus.SNOOZED, SuggestionStatus.EXPIRED):
        suggestion.status = SuggestionStatus.SUGGESTED  # the company's word wakes it up
    suggestion.company_initiated = True
    suggestion.message = message
    suggestion.updated_at = now
    try:
        session.flush()  # a concurrent first interest in this pair fails here, on the unique key
        session.add(
            ReviewEvent(
                suggestion_id=suggestion.id,
                actor_id=actor.id,
                at=now,
                from_status=from_status,
                to_status=suggestion.status.value,
                reason=REASON,
            )
        )
        session.commit()
    except (IntegrityError, StaleDataError) as exc:
        session.rollback()
        raise Conflict("This interest was just recorded or changed; reload and try again.") from exc
    return suggestion


def _check_joinable(suggestion: Suggestion) -> None:
    if suggestion.company_initiated:
        raise InterestRefused(
            "You already expressed interest in this priority for this profile.", "profile_id"
        )
    if suggestion.status not in JOINABLE:
        raise InterestRefused(
            "The office has already decided on this match for this profile.", "profile_id"
        )
