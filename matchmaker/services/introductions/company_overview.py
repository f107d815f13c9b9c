"""What the company's own page (/company) shows of its partnerships: its introductions by stage,
its engagements to come and the agreements out for signature. Only the company's own
introductions, and of its agreements only those the company may see (never an office's draft)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from matchmaker.orm import (
    Agreement,
    AgreementStatus,
    Engagement,
    EngagementStatus,
    Introduction,
    utcnow,
)
from matchmaker.services.introductions.queries import stage_counts

UPCOMING_MAX = 10


@dataclass(frozen=True)
class CompanyPartnerships:
    stages: dict[str, int]  # stage -> how many of the company's introductions are there
    upcoming: list[Engagement]  # planned, still to come, soonest first
    to_sign: list[Agreement]  # sent for signature, not yet signed by everyone

    @property
    def introductions(self) -> int:
        return sum(self.stages.values())


def company_partnerships(session: Session, company_id: int) -> CompanyPartnerships:
    """The company's introductions by stage, its next engagements and its agreements to sign."""
    upcoming = session.scalars(
        select(Engagement)
        .join(Engagement.introduction)
        .where(
            Introduction.company_id == company_id,
            Engagement.status == EngagementStatus.PLANNED,
            Engagement.starts_at >= utcnow(),
        )
        .options(joinedload(Engagement.introduction).joinedload(Introduction.office))
        .order_by(Engagement.starts_at, Engagement.id)
        .limit(UPCOMING_MAX)
    ).all()
    to_sign = session.scalars(
        select(Agreement)
        .join(Agreement.introduction)
        .where(Introduction.company_id == company_id, Agreement.status == AgreementStatus.SIGNING)
        .options(
            selectinload(Agreement.documents),
            selectinload(Agreement.signatories),
            joinedload(Agreement.introduction).joinedload(Introduction.office),
        )
        .order_by(Agreement.id)
    ).all()
    return CompanyPartnerships(
        stages=stage_counts(session, company_id=company_id),
        upcoming=list(upcoming),
        to_sign=list(to_sign),
    )
