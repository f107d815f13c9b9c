"""What closing an introduction does to its engagements: the planned ones still to come are
called off in the closing transaction, each participant's calendar getting the iCalendar CANCEL
(the same UID, SEQUENCE + 1), so no meeting of a closed introduction stays in anyone's diary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import Engagement, EngagementStatus, Introduction, User
from matchmaker.services.introductions import engagement_notices


def cancel_planned(session: Session, intro: Introduction, actor: User | None, now: datetime) -> int:
    """Cancel the introduction's planned engagements that have not started yet, in the
    caller's transaction (no commit); how many were cancelled."""
    rows = session.scalars(
        select(Engagement).where(
            Engagement.introduction_id == intro.id,
            Engagement.status == EngagementStatus.PLANNED,
            Engagement.starts_at > now,
        )
    ).all()
    for e in rows:
        e.status, e.sequence, e.result_at = EngagementStatus.CANCELLED, e.sequence + 1, now
        e.updated_at, e.updated_by_id = now, actor.id if actor else None
        engagement_notices.invite(session, e, intro)  # status cancelled: METHOD:CANCEL
    return len(rows)
