"""The introductions' part of the daily run: one reminder 14 days after a request, expiry after
30 (the suggestion goes back to the office's queue as "no answer"). Each request is its own
transition and commit, so a company answering meanwhile simply wins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import Introduction, IntroductionStage, utcnow
from matchmaker.services.errors import DomainError
from matchmaker.services.introductions.transitions import REMIND_AFTER, transition


@dataclass(frozen=True)
class IntroductionRun:
    reminded: int
    expired: int


def _due(session: Session, *where) -> list[tuple[int, int]]:
    query = select(Introduction.id, Introduction.version).where(
        Introduction.stage == IntroductionStage.REQUESTED, *where
    )
    return [(i, v) for i, v in session.execute(query.order_by(Introduction.id))]


def remind_and_expire(session: Session, now: datetime | None = None) -> IntroductionRun:
    """Expire the requests past their date, then remind those waiting 14 days. Idempotent."""
    now = now or utcnow()
    expired = reminded = 0
    for ident, version in _due(session, Introduction.expires_at <= now):
        try:
            transition(session, ident, None, "expire", version, now=now)
            expired += 1
        except DomainError:  # answered meanwhile: the answer stands
            session.rollback()
    waiting = (Introduction.reminded_at.is_(None), Introduction.requested_at <= now - REMIND_AFTER)
    for ident, version in _due(session, *waiting):
        try:
            transition(session, ident, None, "remind", version, now=now)
            reminded += 1
        except DomainError:
            session.rollback()
    return IntroductionRun(reminded, expired)
