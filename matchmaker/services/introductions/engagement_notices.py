"""The invitations of an engagement: one email per participant through the outbox, each with
the .ics (text/calendar; method=REQUEST or CANCEL) that adds, updates or removes the event."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import Engagement, EngagementStatus, Introduction, User
from matchmaker.services.introductions import ics
from matchmaker.services.introductions.engagement_input import guest_address
from matchmaker.services.mail import Attachment, queue_email


def zone(engagement: Engagement) -> ZoneInfo:
    return ZoneInfo(engagement.time_zone)


def recipients(session: Session, engagement: Engagement) -> dict[str, str]:
    """The participants with an address: {email: name}, staff, then members, then guests."""
    ids = [*engagement.staff_ids, *engagement.member_ids]
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    people = {users[i].email: users[i].name or users[i].email for i in ids if i in users}
    for guest in engagement.guests:
        if address := guest_address(guest):
            people.setdefault(address[0], address[1])
    return people


def _organiser(engagement: Engagement, intro: Introduction) -> tuple[str, str]:
    person = engagement.organiser
    if person is not None:
        return person.email, person.name or person.email
    return intro.office.contact_email or "no-reply@matchmaker.localhost", intro.office.name


def _send(
    session: Session,
    engagement: Engagement,
    intro: Introduction,
    people: dict[str, str],
    cancelled: bool,
) -> None:
    method, data = ics.invitation(
        engagement, intro, _organiser(engagement, intro), list(people.items()), cancelled
    )
    local = engagement.starts_at.astimezone(zone(engagement))
    prefix = "Cancelled" if cancelled else ("Updated" if engagement.sequence else "Invitation")
    subject = (
        f"{prefix}: {engagement.kind.label} {intro.office.name} and {intro.company.name}, "
        f"{local:%Y-%m-%d %H:%M} {engagement.time_zone}"
    )
    body = render_template(
        "email/engagement_invitation.txt",
        engagement=engagement,
        intro=intro,
        local=local,
        cancelled=cancelled,
    )
    attachment = Attachment("invite.ics", f"text/calendar; method={method}; charset=UTF-8", data)
    for address in people:
        queue_email(session, address, subject, body, attachments=[attachment])


def invite(
    session: Session,
    engagement: Engagement,
    intro: Introduction,
    dropped: dict[str, str] | None = None,
) -> None:
    """Send the invitation as the engagement is now (a cancellation once cancelled); people
    in `dropped` (the participants before an edit) who are no longer invited get a CANCEL."""
    people = recipients(session, engagement)
    cancelled = engagement.status == EngagementStatus.CANCELLED
    _send(session, engagement, intro, people, cancelled)
    gone = {a: n for a, n in (dropped or {}).items() if a not in people}
    if gone and not cancelled:
        _send(session, engagement, intro, gone, True)
