"""Read models around the queue: a suggestion's context (history, routing rule, other offices
engaging the company), the admins' backlog per office and the flagged suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matchmaker.orm import (
    Company,
    Office,
    Priority,
    ReviewEvent,
    RoutingRule,
    Suggestion,
    utcnow,
)
from matchmaker.orm import SuggestionStatus as S
from matchmaker.services.introductions import queries as intro_queries
from matchmaker.services.review.queue import office_may_act

# Other offices are "engaging" a company once they have claimed or accepted one of its suggestions.
ENGAGING = (S.IN_REVIEW, S.ACCEPTED, S.INTRODUCED, S.ENGAGED, S.AGREEMENT)


@dataclass
class Engagement:
    office: str
    priority: str
    status: str
    since: datetime


def suggestion_context(session: Session, row: Suggestion) -> dict:
    """What the suggestion page shows beside the row: history, routing rule, other offices."""
    events = session.scalars(
        select(ReviewEvent)
        .where(ReviewEvent.suggestion_id == row.id)
        .options(joinedload(ReviewEvent.actor))
        .order_by(ReviewEvent.id)
    ).all()
    others = session.scalars(
        select(Suggestion)
        .where(
            Suggestion.company_id == row.company_id,
            Suggestion.id != row.id,
            Suggestion.routed_office_id != row.routed_office_id,
            Suggestion.status.in_(ENGAGING),
        )
        .options(joinedload(Suggestion.routed_office), joinedload(Suggestion.priority))
        .order_by(Suggestion.updated_at.desc())
        .limit(20)
    ).all()
    engaging = [
        Engagement(
            o.routed_office.name if o.routed_office else "—",
            o.priority.title,
            o.status.value,
            o.updated_at,
        )
        for o in others
    ]
    rule = session.get(RoutingRule, row.routing_rule_id) if row.routing_rule_id else None
    introductions = intro_queries.summaries_for_suggestion(session, row.id)
    return {"events": events, "engaging": engaging, "rule": rule, "introductions": introductions}


@dataclass
class Backlog:
    office: Office
    waiting: int
    in_review: int
    oldest: datetime | None

    @property
    def age_days(self) -> int | None:
        return None if self.oldest is None else (utcnow() - self.oldest).days


def backlog_by_office(session: Session) -> list[Backlog]:
    """Per office: suggestions waiting and in review, and when the oldest waiting one arrived.
    Flagged suggestions still waiting for an admin are left out, as from the office's queue."""
    arrived = func.coalesce(Suggestion.routed_at, Suggestion.created_at)
    rows = session.execute(
        select(Suggestion.routed_office_id, Suggestion.status, func.count(), func.min(arrived))
        .where(Suggestion.status.in_((S.SUGGESTED, S.IN_REVIEW)), office_may_act())
        .group_by(Suggestion.routed_office_id, Suggestion.status)
    ).all()
    stats: dict[int, dict] = {}
    for office_id, status, n, oldest in rows:
        entry = stats.setdefault(office_id, {"waiting": 0, "in_review": 0, "oldest": None})
        entry["waiting" if status == S.SUGGESTED else "in_review"] += n
        if status == S.SUGGESTED:
            entry["oldest"] = _aware(oldest)
    offices = session.scalars(
        select(Office).options(selectinload(Office.city)).order_by(Office.name)
    )
    result = [
        Backlog(o, **stats.get(o.id, {"waiting": 0, "in_review": 0, "oldest": None}))
        for o in offices
    ]
    return sorted(result, key=lambda b: (b.oldest is None, b.oldest or utcnow()))


def _aware(value) -> datetime | None:
    """min() over a column comes back as a string on SQLite; make it a UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


FLAGGED_SHOW = {"waiting": "Waiting for an admin", "decided": "Decided", "all": "All"}
FLAGGED_SORT = {"oldest": "Oldest first", "newest": "Newest first"}


@dataclass(frozen=True)
class FlaggedFilters:
    show: str = "waiting"  # a key of FLAGGED_SHOW
    q: str = ""  # part of the company name or the priority title
    country: str = ""  # the company's headquarters, ISO alpha-2
    office_id: int | None = None  # the office it is routed to
    sort: str = "oldest"  # a key of FLAGGED_SORT: the longest waiting first, or the newest


def flagged_query(filters: FlaggedFilters = FlaggedFilters()) -> Select:
    """Flagged suggestions by the admin's filters, waiting ones before decided ones, in the
    chosen order of arrival (the newest can be put first so they never hide on a later page)."""
    query = (
        select(Suggestion)
        .join(Company, Company.id == Suggestion.company_id)
        .join(Priority, Priority.id == Suggestion.priority_id)
        .where(Suggestion.flagged.is_(True))
        .options(
            joinedload(Suggestion.company),
            joinedload(Suggestion.priority),
            joinedload(Suggestion.routed_office),
        )
    )
    if filters.show == "waiting":
        query = query.where(Suggestion.flag_rationale == "")
    elif filters.show == "decided":
        query = query.where(Suggestion.flag_rationale != "")
    if filters.q:
        escaped = filters.q.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
        like = f"%{escaped}%"
        query = query.where(
            func.lower(Company.name).like(like, escape="/")
            | func.lower(Priority.title).like(like, escape="/")
        )
    if filters.country:
        query = query.where(Company.hq_country == filters.country.upper())
    if filters.office_id:
        query = query.where(Suggestion.routed_office_id == filters.office_id)
    newest = filters.sort == "newest"
    arrival = (
        (Suggestion.created_at.desc(), Suggestion.id.desc())
        if newest
        else (Suggestion.created_at, Suggestion.id)
    )
    return query.order_by((Suggestion.flag_rationale != "").asc(), *arrival)
