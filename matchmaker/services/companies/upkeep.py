"""Scheduled upkeep: remind owners of stale interest profiles, pause them, expire sign-ups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from matchmaker.orm import (
    Company,
    CompanyStatus,
    InterestProfile,
    ProfileStatus,
    ReviewEvent,
    Role,
    User,
    utcnow,
)
from matchmaker.services.mail import queue_email
from matchmaker.services.matching.upsert import withdraw_undecided_for
from matchmaker.urls import external_url

STALE_AFTER = timedelta(days=365)
PAUSE_AFTER_REMINDER = timedelta(days=30)
SIGNUP_LIFETIME = timedelta(days=7)
PAUSE_REASON = "profile paused: not updated for a year"
CHUNK = 200

Progress = Callable[[int], None]


def _recipients(company: Company) -> list[str]:
    emails = [m.email for m in company.members if m.active and m.password_hash]
    return emails or ([company.contact_email] if company.contact_email else [])


def send_profile_reminders(
    session: Session, now: datetime | None = None, progress: Progress | None = None
) -> tuple[int, int]:
    """Email about active profiles untouched for 12 months; pause those still untouched 30 days
    after their reminder. Safe to run again: returns (reminded, paused) by this run."""
    now = now or utcnow()
    stale = select(InterestProfile.id).where(
        InterestProfile.status == ProfileStatus.ACTIVE,
        InterestProfile.reminder_sent_at.is_(None),
        InterestProfile.updated_at <= now - STALE_AFTER,
    )
    overdue = select(InterestProfile.id).where(
        InterestProfile.status == ProfileStatus.ACTIVE,
        InterestProfile.reminder_sent_at <= now - PAUSE_AFTER_REMINDER,
        InterestProfile.updated_at < InterestProfile.reminder_sent_at,
    )
    reminded = paused = 0
    for ids, action in (
        (session.scalars(overdue).all(), "pause"),
        (session.scalars(stale).all(), "remind"),
    ):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            profiles = session.scalars(
                select(InterestProfile)
                .where(InterestProfile.id.in_(chunk))
                .options(selectinload(InterestProfile.company).selectinload(Company.members))
            ).all()
            for profile in profiles:
                if action == "pause":
                    profile.status = ProfileStatus.PAUSED
                    withdraw_undecided_for(session, profile_ids=[profile.id], reason=PAUSE_REASON)
                    _email(
                        session,
                        profile,
                        "email/profile_paused.txt",
                        "Your interest profile was paused",
                    )
                    paused += 1
                else:
                    profile.reminder_sent_at = now
                    _email(
                        session,
                        profile,
                        "email/profile_reminder.txt",
                        "Is your interest profile still current?",
                    )
                    reminded += 1
            session.commit()
            if progress:
                progress(len(chunk))
    return reminded, paused


def _email(session: Session, profile: InterestProfile, template: str, subject: str) -> None:
    body = render_template(
        template,
        profile=profile,
        link=external_url("my_company.edit_profile", profile_id=profile.id),
        days=PAUSE_AFTER_REMINDER.days,
    )
    for address in _recipients(profile.company):
        queue_email(session, address, subject, body)


def count_profile_upkeep(session: Session, now: datetime | None = None) -> int:
    """How many profiles the next reminder run will touch (for a progress bar)."""
    now = now or utcnow()
    return len(
        session.scalars(
            select(InterestProfile.id).where(
                InterestProfile.status == ProfileStatus.ACTIVE,
                (
                    InterestProfile.reminder_sent_at.is_(None)
                    & (InterestProfile.updated_at <= now - STALE_AFTER)
                )
                | (
                    (InterestProfile.reminder_sent_at <= now - PAUSE_AFTER_REMINDER)
                    & (InterestProfile.updated_at < InterestProfile.reminder_sent_at)
                ),
            )
        ).all()
    )


def invitation_lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("INVITATION_MAX_AGE", 7 * 24 * 3600)))


def expire_invitations(session: Session, now: datetime | None = None) -> int:
    """Delete company invitees who never set a password within the invitation's lifetime, so
    the address is free again. Accounts that ever logged in or acted are never touched."""
    now = now or utcnow()
    acted = select(ReviewEvent.id).where(ReviewEvent.actor_id == User.id).exists()
    ids = session.scalars(
        select(User.id).where(
            User.role == Role.COMPANY_MEMBER,
            User.password_hash.is_(None),
            User.email_confirmed_at.is_(None),
            User.last_login_at.is_(None),
            User.created_at < now - invitation_lifetime(),
            ~acted,
        )
    ).all()
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(User).where(User.id.in_(ids[start : start + CHUNK])))
        session.commit()
    return len(ids)


def expire_signups(session: Session, now: datetime | None = None) -> int:
    """Delete sign-ups left unconfirmed for over seven days, with their accounts."""
    now = now or utcnow()
    ids = session.scalars(
        select(Company.id).where(
            Company.status == CompanyStatus.UNCONFIRMED, Company.created_at < now - SIGNUP_LIFETIME
        )
    ).all()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(delete(User).where(User.company_id.in_(chunk)))
        session.execute(delete(InterestProfile).where(InterestProfile.company_id.in_(chunk)))
        session.execute(delete(Company).where(Company.id.in_(chunk)))
        session.commit()
    return len(ids)
