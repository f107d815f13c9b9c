"""The authentication audit for admins: filter the events, page through them, export CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.csv_cells import csv_line, within_days
from matchmaker.orm import AuthEvent, User
from matchmaker.services.review.audit import EXPORT_MAX

HEADER = ["at_utc", "event", "email", "user_id", "by", "ip", "user_agent", "detail"]


@dataclass(frozen=True)
class AuthEventFilters:
    kind: str = ""
    q: str = ""  # part of the address typed or of the account's current address
    since: date | None = None
    until: date | None = None  # inclusive


def auth_events_query(f: AuthEventFilters) -> Select:
    """Authentication events, newest first, with the account and the acting admin."""
    query = select(AuthEvent).options(joinedload(AuthEvent.user), joinedload(AuthEvent.actor))
    if f.kind:
        query = query.where(AuthEvent.kind == f.kind)
    if q := f.q.strip().lower():
        accounts = select(User.id).where(func.lower(User.email).contains(q, autoescape=True))
        query = query.where(
            or_(
                func.lower(AuthEvent.email).contains(q, autoescape=True),
                AuthEvent.user_id.in_(accounts),
            )
        )
    query = within_days(query, AuthEvent.at, f.since, f.until)
    return query.order_by(AuthEvent.at.desc(), AuthEvent.id.desc())


def export_csv(session: Session, f: AuthEventFilters) -> Iterator[str]:
    """The filtered events as CSV lines (at most EXPORT_MAX), safe to open in a spreadsheet."""
    yield csv_line(HEADER)
    for event in session.scalars(auth_events_query(f).limit(EXPORT_MAX)):
        yield csv_line(
            [
                event.at.strftime("%Y-%m-%d %H:%M:%S"),
                event.kind.value,
                event.email,
                event.user_id or "",
                event.actor.email if event.actor else "",
                event.ip,
                event.user_agent,
                event.detail,
            ]
        )
