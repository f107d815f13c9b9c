"""The admins' log of every agreement and signature event, filterable, and its CSV."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, contains_eager

from matchmaker.csv_cells import csv_line
from matchmaker.orm import Agreement, AgreementEvent, Introduction
from matchmaker.services.agreements.transitions import RULES

ACTIONS = sorted(RULES)
HEADER = [
    "at_utc",
    "actor",
    "agreement_id",
    "agreement",
    "office",
    "company",
    "action",
    "from_status",
    "to_status",
    "document_sha256",
    "reason",
]
EXPORT_MAX = 100_000


def events_query(action: str = "", q: str = "") -> Select:
    """Agreement events, newest first, with their agreement and its introduction's parties."""
    query = (
        select(AgreementEvent)
        .join(AgreementEvent.agreement)
        .join(Agreement.introduction)
        .options(
            contains_eager(AgreementEvent.agreement)
            .contains_eager(Agreement.introduction)
            .joinedload(Introduction.office),
            contains_eager(AgreementEvent.agreement)
            .contains_eager(Agreement.introduction)
            .joinedload(Introduction.company),
        )
    )
    if action in RULES:
        query = query.where(AgreementEvent.action == action)
    if q := (q or "").strip():
        query = query.where(Agreement.title.icontains(q, autoescape=True))
    return query.order_by(AgreementEvent.at.desc(), AgreementEvent.id.desc())


def export_csv(session: Session, action: str = "", q: str = "") -> Iterator[str]:
    yield csv_line(HEADER)
    for event in session.scalars(events_query(action, q).limit(EXPORT_MAX)).unique():
        agreement = event.agreement
        yield csv_line(
            [
                event.at.strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_label,
                agreement.id,
                agreement.title,
                agreement.introduction.office.name,
                agreement.introduction.company.name,
                event.action,
                event.from_status or "",
                event.to_status,
                event.sha256,
                event.reason,
            ]
        )
