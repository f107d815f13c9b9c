"""The audit log: every review event, filterable, and exportable as CSV safe for spreadsheets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, contains_eager

from matchmaker.csv_cells import csv_line, within_days
from matchmaker.orm import ReviewEvent, Suggestion, User

HEADER = [
    "at_utc",
    "actor",
    "office",
    "suggestion_id",
    "company",
    "priority",
    "from_status",
    "to_status",
    "reason",
]
EXPORT_MAX = 100_000


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    office_id: int | None = None
    status: str = ""  # the state the event led to
    since: date | None = None
    until: date | None = None  # inclusive


def audit_query(f: AuditFilters) -> Select:
    """Review events, newest first, with their suggestion, company, priority, office and actor."""
    actor = aliased(User)
    query = (
        select(ReviewEvent)
        .join(ReviewEvent.suggestion)
        .join(Suggestion.company)
        .join(Suggestion.priority)
        .outerjoin(Suggestion.routed_office)
        .outerjoin(actor, ReviewEvent.actor)
        .options(
            contains_eager(ReviewEvent.suggestion).contains_eager(Suggestion.company),
            contains_eager(ReviewEvent.suggestion).contains_eager(Suggestion.priority),
            contains_eager(ReviewEvent.suggestion).contains_eager(Suggestion.routed_office),
            contains_eager(ReviewEvent.actor.of_type(actor)),
        )
    )
    if f.actor_id:
        query = query.where(ReviewEvent.actor_id == f.actor_id)
    if f.office_id:
        query = query.where(Suggestion.routed_office_id == f.office_id)
    if f.status:
        query = query.where(ReviewEvent.to_status == f.status)
    query = within_days(query, ReviewEvent.at, f.since, f.until)
    return query.order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())


def export_csv(session: Session, f: AuditFilters) -> Iterator[str]:
    """The filtered log as CSV lines (at most EXPORT_MAX events)."""
    yield csv_line(HEADER)
    for event in session.scalars(audit_query(f).limit(EXPORT_MAX)):
        s = event.suggestion
        actor = event.actor.email if event.actor else "matchmaker"
        office = s.routed_office.name if s.routed_office else ""
        yield csv_line(
            [
                event.at.strftime("%Y-%m-%d %H:%M:%S"),
                actor,
                office,
                s.id,
                s.company.name,
                s.priority.title,
                event.from_status or "",
                event.to_status,
                event.reason,
            ]
        )


def actor_choices(session: Session) -> list[tuple[int, str]]:
    """People who can appear in the log: admins and office staff."""
    users = session.scalars(
        select(User)
        .where(User.office_id.is_not(None) | (User.role == "admin"))
        .order_by(User.email)
    )
    return [(u.id, u.email) for u in users]
