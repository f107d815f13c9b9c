"""City priorities: posted and edited by office staff; pausing or closing withdraws suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from matchmaker import codes, vocab
from matchmaker.jobs import enqueue
from matchmaker.orm import (
    Office,
    Priority,
    PriorityStatus,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.matching.upsert import withdraw_undecided_for
from matchmaker.text import check_text

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
# Changes to these fields are material: a declined pair may be suggested again afterwards.
MATERIAL = ("title", "description", "naics_sectors", "partnership_types", "target_countries")
# Suggestions nobody has decided on yet; pausing or closing the priority withdraws them.
WITHDRAW_REASONS = {
    PriorityStatus.PAUSED: "priority paused",
    PriorityStatus.CLOSED: "priority closed",
}
# How the dashboard groups suggestion statuses into columns.
STATUS_GROUPS: dict[str, tuple[SuggestionStatus, ...]] = {
    "waiting": (SuggestionStatus.SUGGESTED,),
    "in_review": (SuggestionStatus.IN_REVIEW, SuggestionStatus.SNOOZED),
    "accepted": (
        SuggestionStatus.ACCEPTED,
        SuggestionStatus.INTRODUCED,
        SuggestionStatus.ENGAGED,
        SuggestionStatus.AGREEMENT,
    ),
    "declined": (SuggestionStatus.DECLINED, SuggestionStatus.COMPANY_DECLINED),
    "withdrawn": (SuggestionStatus.EXPIRED,),
}


class InvalidPriority(DomainError):
    """A priority field breaks a rule; `field` names it."""


@dataclass(frozen=True)
class PriorityInput:
    title: str
    description: str
    naics_sectors: list[str] = field(default_factory=list)
    partnership_types: list[str] = field(default_factory=list)
    target_countries: list[str] = field(default_factory=list)  # empty: any country
    horizon: date | None = None
    status: PriorityStatus = PriorityStatus.DRAFT
    visible_to_companies: bool = False


@dataclass(frozen=True)
class PriorityFilters:
    q: str = ""
    status: str = ""
    visible: str = ""  # "yes", "no" or "" for either
    office_id: int | None = None


def _clean(data: PriorityInput) -> PriorityInput:
    check_text({"title": data.title}, {"description": data.description})
    title = " ".join(data.title.split())
    description = data.description.strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidPriority(f"Give a title of 1 to {TITLE_MAX} characters.", "title")
    if not description or len(description) > DESCRIPTION_MAX:
        raise InvalidPriority(
            f"Give a description of 1 to {DESCRIPTION_MAX} characters.", "description"
        )
    sectors = codes.split_codes(data.naics_sectors)
    if not sectors:
        raise InvalidPriority("Give at least one NAICS 2022 sector.", "naics_sectors")
    if bad := codes.invalid(sectors, codes.is_naics):
        raise InvalidPriority(f"Not NAICS 2022 codes: {', '.join(bad)}.", "naics_sectors")
    types = list(dict.fromkeys(data.partnership_types))
    if not types:
        raise InvalidPriority("Choose at least one partnership type.", "partnership_types")
    if bad := [t for t in types if t not in vocab.PARTNERSHIP_TYPES]:
        raise InvalidPriority(f"Unknown partnership types: {', '.join(bad)}.", "partnership_types")
    countries = codes.split_codes(data.target_countries)
    if bad := codes.invalid(countries, codes.is_country):
        raise InvalidPriority(f"Not ISO 3166 country codes: {', '.join(bad)}.", "target_countries")
    return replace(
        data,
        title=title,
        description=description,
        naics_sectors=sectors,
        partnership_types=types,
        target_countries=countries,
        status=PriorityStatus(data.status),
    )


def _check_horizon(horizon: date | None) -> None:
    if horizon is not None and horizon < utcnow().date():
        raise InvalidPriority("The horizon date must not be in the past.", "horizon")


def post_priority(session: Session, office_id: int, actor: User, data: PriorityInput) -> Priority:
    """Post a new priority for an office, as a draft or open (then ranked in the background)."""
    if session.get(Office, office_id) is None:
        raise NotFound("No such office.")
    data = _clean(data)
    if data.status not in (PriorityStatus.DRAFT, PriorityStatus.OPEN):
        raise InvalidTransition("A new priority starts as a draft or open.", "status")
    _check_horizon(data.horizon)
    now = utcnow()
    priority = Priority(
        office_id=office_id,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        material_change_at=now,
        **data.__dict__,
    )
    session.add(priority)
    session.flush()
    if priority.status == PriorityStatus.OPEN:
        enqueue("rank_priority", priority.id)
    session.commit()
    return priority


def get_priority(session: Session, priority_id: int, office_id: int | None) -> Priority:
    """A priority of the office (any office when office_id is None, for admins), or NotFound."""
    priority = session.get(Priority, priority_id)
    if priority is None or (office_id is not None and priority.office_id != office_id):
        raise NotFound("No such priority.")
    return priority


def edit_priority(
    session: Session,
    priority_id: int,
    office_id: int | None,
    actor: User,
    data: PriorityInput,
    version: int,
) -> Priority:
    """Save changes made from `version`; Conflict when someone else saved in between."""
    priority = get_priority(session, priority_id, office_id)
    if priority.version != version:
        raise Conflict("Someone else changed this priority while you were editing it.")
    data = _clean(data)
    old_status = priority.status
    if data.status == PriorityStatus.DRAFT and old_status != PriorityStatus.DRAFT:
        raise InvalidTransition("A published priority cannot go back to draft.", "status")
    if data.horizon != priority.horizon:
        _check_horizon(data.horizon)
    now = utcnow()
    if any(getattr(priority, name) != getattr(data, name) for name in MATERIAL):
        priority.material_change_at = now
    for name, value in data.__dict__.items():
        setattr(priority, name, value)
    priority.updated_at = now
    if data.status in WITHDRAW_REASONS and data.status != old_status:
        withdraw_undecided(session, priority, actor, WITHDRAW_REASONS[data.status])
    if priority.status == PriorityStatus.OPEN:
        enqueue("rank_priority", priority.id)
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(
            "Someone else changed this priority or one of its suggestions meanwhile."
        ) from exc
    return priority


def withdraw_undecided(
    session: Session, priority: Priority, actor: User | None, reason: str
) -> int:
    """Expire the priority's undecided suggestions, each with a ReviewEvent (no commit)."""
    return withdraw_undecided_for(session, priority_id=priority.id, actor=actor, reason=reason)


def filter_priorities(query: Select, filters: PriorityFilters) -> Select:
    """Narrow a (scoped) priority query by search text, status, visibility and office."""
    if q := filters.q.strip():
        query = query.where(
            Priority.title.icontains(q, autoescape=True)
            | Priority.description.icontains(q, autoescape=True)
        )
    if filters.status in {s.value for s in PriorityStatus}:
        query = query.where(Priority.status == filters.status)
    if filters.visible in ("yes", "no"):
        query = query.where(Priority.visible_to_companies.is_(filters.visible == "yes"))
    if filters.office_id:
        query = query.where(Priority.office_id == filters.office_id)
    query = query.options(joinedload(Priority.office))  # the admins' list shows each office
    return query.order_by(Priority.updated_at.desc(), Priority.id.desc())


def suggestion_counts(session: Session, priority_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per priority: suggestions by dashboard group, plus `company` (company-initiated ones)."""
    counts = {pid: dict.fromkeys([*STATUS_GROUPS, "company"], 0) for pid in priority_ids}
    if not priority_ids:
        return counts
    group_of = {status: group for group, members in STATUS_GROUPS.items() for status in members}
    rows = session.execute(
        select(
            Suggestion.priority_id, Suggestion.status, Suggestion.company_initiated, func.count()
        )
        .where(Suggestion.priority_id.in_(priority_ids))
        .group_by(Suggestion.priority_id, Suggestion.status, Suggestion.company_initiated)
    )
    for priority_id, status, company_initiated, n in rows:
        counts[priority_id][group_of[status]] += n
        if company_initiated:
            counts[priority_id]["company"] += n
    return counts


def ranked_candidates(session: Session, priority_id: int, limit: int = 25) -> list[Suggestion]:
    """The priority's current candidates, best score first (withdrawn ones left out)."""
    return list(
        session.scalars(
            select(Suggestion)
            .where(
                Suggestion.priority_id == priority_id,
                Suggestion.status != SuggestionStatus.EXPIRED,
            )
            .options(joinedload(Suggestion.company), joinedload(Suggestion.routed_office))
            .order_by(Suggestion.score.desc(), Suggestion.id)
            .limit(limit)
        )
    )
