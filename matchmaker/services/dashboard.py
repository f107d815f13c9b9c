"""Read models for the dashboard and the health check."""

from __future__ import annotations

import logging

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from matchmaker.orm import (
    Company,
    InterestProfile,
    Office,
    OutboxEmail,
    Priority,
    Role,
    Suggestion,
    SuggestionStatus,
    User,
)
from matchmaker.services.introductions.engagement_queries import office_dashboard
from matchmaker.services.introductions.queries import stage_counts

log = logging.getLogger(__name__)


def database_ok(session: Session) -> bool:
    """True when a trivial query succeeds."""
    try:
        session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        session.rollback()
        log.exception("health check: database unreachable")
        return False


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def summary_for(session: Session, user: User) -> dict:
    """Counts the user's dashboard shows, scoped to what the user may see."""
    if user.role == Role.ADMIN:
        return {
            "offices": _count(session, select(Office.id)),
            "companies": _count(session, select(Company.id)),
            "priorities": _count(session, select(Priority.id)),
            "flagged": _count(session, select(Suggestion.id).where(Suggestion.flagged)),
            "emails": _count(session, select(OutboxEmail.id)),
        }
    if user.role == Role.OFFICE_STAFF:
        return {
            **office_dashboard(session, user.office_id),  # engagements this week, follow-ups
            "office": user.office,
            "introduction_stages": stage_counts(session, office_id=user.office_id),
            "priorities": _count(
                session, select(Priority.id).where(Priority.office_id == user.office_id)
            ),
            "waiting": _count(
                session,
                select(Suggestion.id).where(
                    Suggestion.routed_office_id == user.office_id,
                    Suggestion.status == SuggestionStatus.SUGGESTED,
                ),
            ),
        }
    return {
        "company": user.company,
        "profiles": _count(
            session, select(InterestProfile.id).where(InterestProfile.company_id == user.company_id)
        ),
    }
