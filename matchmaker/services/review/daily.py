"""The review work's daily run (cron's `send-digests`, or its RQ job): snoozes that ended come
back (or expire when their company, profile or priority stopped), the sensitivity policy is
applied as of the day (entries whose date has come flag waiting suggestions), then the digests.
Every date is a UTC date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.orm import Company, InterestProfile, Priority, ReviewEvent, Suggestion, utcnow
from matchmaker.orm import SuggestionStatus as S
from matchmaker.services.introductions.daily import remind_and_expire
from matchmaker.services.introductions.followups import notify_due
from matchmaker.services.review import notifications, routing
from matchmaker.services.review.decisions import inactive_reason


@dataclass(frozen=True)
class DailyRun:
    woken: int
    rerouted: int
    digests: int
    reminded: int = 0  # introduction requests reminded (14 days without an answer)
    lapsed: int = 0  # introduction requests expired (30 days): back in the queues
    follow_ups: int = 0  # partnership follow-ups whose date came (6 and 12 months): emailed


def run_daily(session: Session, now: datetime | None = None) -> DailyRun:
    """Wake snoozes, apply today's routing and sensitivity policy, remind and expire the
    unanswered introduction requests (before the digests: the lapsed ones are in the queue),
    queue the digests."""
    now = now or utcnow()
    woken = wake_snoozed(session, now.date())
    rerouted = routing.reroute_untouched(session, today=now.date())
    intros = remind_and_expire(session, now)
    follow_ups = notify_due(session, now)
    digests = notifications.send_digests(session, now)
    return DailyRun(woken, rerouted, digests, intros.reminded, intros.expired, follow_ups)


def wake_snoozed(session: Session, today: date | None = None) -> int:
    """Return snoozed suggestions whose (UTC) date has come to the queue; the ones whose company,
    profile or priority stopped meanwhile expire instead. Idempotent; returns how many woke."""
    today = today or utcnow().date()
    rows = session.execute(
        select(Suggestion, Company.status, InterestProfile.status, Priority.status)
        .join(Company, Company.id == Suggestion.company_id)
        .join(InterestProfile, InterestProfile.id == Suggestion.profile_id)
        .join(Priority, Priority.id == Suggestion.priority_id)
        .where(Suggestion.status == S.SNOOZED, Suggestion.snoozed_until <= today)
        .order_by(Suggestion.id)
    ).all()
    woken = 0
    for row, company, profile, priority in rows:
        why = inactive_reason(company, profile, priority)
        target = S.EXPIRED if why else S.SUGGESTED
        try:
            row.status, row.snoozed_until, row.updated_at = target, None, utcnow()
            session.add(
                ReviewEvent(
                    suggestion_id=row.id,
                    from_status=S.SNOOZED.value,
                    to_status=target.value,
                    reason=f"expired when the snooze ended: {why}" if why else "snooze ended",
                )
            )
            session.commit()
            woken += not why
        except StaleDataError:  # someone acted on it meanwhile: their decision stands
            session.rollback()
    return woken
