"""The admins' log of every introduction event, filterable, and its CSV (safe for spreadsheets)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, contains_eager

from matchmaker.csv_cells import csv_line, within_days
from matchmaker.orm import Introduction, IntroductionEvent, User

HEADER = [
    "at_utc",
    "actor",
    "introduction_id",
    "office",
    "company",
    "priority",
    "from_stage",
    "to_stage",
    "reason",
]
EXPORT_MAX = 100_000


@dataclass(frozen=True)
class EventFilters:
    office_id: int | None = None
    stage: str = ""  # the stage the event led to
    since: date | None = None
    until: date | None = None  # inclusive


def events_query(f: EventFilters) -> Select:
    """Introduction events, newest first, with their introduction's parties and the actor."""
    actor = aliased(User)
    query = (
        select(IntroductionEvent)
        .join(IntroductionEvent.introduction)
        .join(Introduction.office)
        .join(Introduction.company)
        .join(Introduction.priority)
        .outerjoin(actor, IntroductionEvent.actor)
        .options(
            contains_eager(IntroductionEvent.introduction).contains_eager(Introduction.office),
            contains_eager(IntroductionEvent.introduction).contains_eager(Introduction.company),
            contains_eager(IntroductionEvent.introduction).contains_eager(Introduction.priority),
            contains_eager(IntroductionEvent.actor.of_type(actor)),
        )
    )
    if f.office_id:
        query = query.where(Introduction.office_id == f.office_id)
    if f.stage:
        query = query.where(IntroductionEvent.to_stage == f.stage)
    query = within_days(query, IntroductionEvent.at, f.since, f.until)
    return query.order_by(IntroductionEvent.at.desc(), IntroductionEvent.id.desc())


def export_csv(session: Session, f: EventFilters) -> Iterator[str]:
    """The filtered log as CSV lines (at most EXPORT_MAX events)."""
    yield csv_line(HEADER)
    for event in session.scalars(events_query(f).limit(EXPORT_MAX)):
        intro = event.introduction
        yield csv_line(
            [
                event.at.strftime("%Y-%m-%d %H:%M:%S"),
                (event.actor.email if event.actor else "system"),
                intro.id,
                intro.office.name,
                intro.company.name,
                intro.priority.title,
                event.from_stage or "",
                event.to_stage,
                event.reason,
            ]
        )
