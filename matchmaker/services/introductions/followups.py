"""Follow-ups of an active partnership: due 6 and 12 months after signing, a task on the office
dashboard and an email from the daily run. Recording one is in outcomes.py (it is a version-
checked step with an event); this module must not import transitions.py (it is one of its
effects)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.orm import (
    Agreement,
    FollowUp,
    Introduction,
    IntroductionEvent,
    IntroductionStage,
    utcnow,
)
from matchmaker.orm.agreements import LOCKED
from matchmaker.services.introductions import people
from matchmaker.services.mail import queue_email
from matchmaker.urls import external_url

FOLLOW_UP_MONTHS = (6, 12)
DUE_SOON = timedelta(days=30)  # the dashboard lists follow-ups this close to their date
SIGNED_STAGES = (IntroductionStage.AGREEMENT_SIGNED.value, IntroductionStage.ACTIVE.value)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6 = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def signing_date(session: Session, intro: Introduction, now: datetime) -> date:
    """When the agreement was signed: the first fully signed agreement's last signature
    (Agreement.signed_at); for a partnership made active without one, the first time the
    introduction entered "agreement signed" (or "active") by its events; else today."""
    signed = session.scalar(
        select(func.min(Agreement.signed_at)).where(
            Agreement.introduction_id == intro.id,
            Agreement.status.in_(LOCKED),
            Agreement.signed_at.is_not(None),
        )
    )
    if signed is None:
        signed = session.scalar(
            select(IntroductionEvent.at)
            .where(
                IntroductionEvent.introduction_id == intro.id,
                IntroductionEvent.to_stage.in_(SIGNED_STAGES),
            )
            .order_by(IntroductionEvent.at, IntroductionEvent.id)
            .limit(1)
        )
    return (signed or now).date()


def schedule(session: Session, intro: Introduction, now: datetime) -> date:
    """Add the 6- and 12-month follow-ups of a partnership becoming active (in the caller's
    transaction; existing ones stay, so a partnership made active twice is not doubled)."""
    signed = signing_date(session, intro, now)
    have = set(session.scalars(select(FollowUp.months).where(FollowUp.introduction_id == intro.id)))
    for months in FOLLOW_UP_MONTHS:
        if months not in have:
            session.add(
                FollowUp(
                    introduction_id=intro.id,
                    office_id=intro.office_id,
                    months=months,
                    due_on=add_months(signed, months),
                )
            )
    return signed


@dataclass(frozen=True)
class FollowUpTask:
    follow_up: FollowUp
    overdue: bool


def open_tasks(session: Session, office_id: int | None, today: date) -> list[FollowUpTask]:
    """The follow-ups not yet recorded and due within 30 days or overdue, oldest first (the
    office dashboard; None: every office, for admins)."""
    query = (
        select(FollowUp)
        .where(FollowUp.done_at.is_(None), FollowUp.due_on <= today + DUE_SOON)
        .options(joinedload(FollowUp.introduction).joinedload(Introduction.company))
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(50)
    )
    if office_id:
        query = query.where(FollowUp.office_id == office_id)
    return [FollowUpTask(f, f.due_on < today) for f in session.scalars(query)]


def for_introduction(session: Session, introduction_id: int) -> list[FollowUp]:
    return list(
        session.scalars(
            select(FollowUp)
            .where(FollowUp.introduction_id == introduction_id)
            .order_by(FollowUp.months)
        )
    )


def notify_due(session: Session, now: datetime | None = None) -> int:
    """The daily run: email the office once about each follow-up whose date has come.
    Idempotent (notified_at); returns how many were emailed."""
    now = now or utcnow()
    due = session.scalars(
        select(FollowUp)
        .where(
            FollowUp.done_at.is_(None),
            FollowUp.notified_at.is_(None),
            FollowUp.due_on <= now.date(),
        )
        .order_by(FollowUp.id)
    ).all()
    for follow_up in due:
        intro = follow_up.introduction
        body = render_template(
            "email/follow_up_due.txt",
            intro=intro,
            follow_up=follow_up,
            link=external_url("partnerships.follow_up", follow_up_id=follow_up.id),
        )
        subject = f"Follow-up due: {intro.company.name} ({follow_up.months} months)"
        for address in people.office_recipients(session, intro):
            queue_email(session, address, subject, body)
        follow_up.notified_at = now
    session.commit()
    return len(due)
