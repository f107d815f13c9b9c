"""iCalendar invitations of an engagement (RFC 5545 / iTIP RFC 5546), built with `icalendar`.

One UID per engagement for its whole life and a SEQUENCE raised on each change, so calendars
replace the event rather than add another; a cancellation is METHOD:CANCEL with
STATUS:CANCELLED. Times carry the organiser's IANA zone (TZID) with its VTIMEZONE, so each
participant's calendar shows the meeting at the right local time across DST changes.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from matchmaker.orm import Engagement, EngagementStatus, Introduction, utcnow

PRODID = "-//Matchmaker//Engagements//EN"


def _address(email: str, name: str = "") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    return address


def _attendee(email: str, name: str) -> vCalAddress:
    address = _address(email, name)
    address.params.update({"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
    return address


def invitation(
    engagement: Engagement,
    intro: Introduction,
    organiser: tuple[str, str],
    attendees: list[tuple[str, str]],
    cancel: bool = False,
) -> tuple[str, bytes]:
    """(method, the .ics) for the engagement as it is now: REQUEST while planned, CANCEL once
    cancelled (or with cancel=True: for people taken off it). organiser and attendees are
    (email, name)."""
    cancelled = cancel or engagement.status == EngagementStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    zone = ZoneInfo(engagement.time_zone)
    start = engagement.starts_at.astimezone(zone)
    description = "\n\n".join(
        part
        for part in (
            engagement.agenda,
            f"Join: {engagement.meeting_link}" if engagement.meeting_link else "",
        )
        if part
    )
    event = Event.new(
        uid=engagement.uid,
        sequence=engagement.sequence,
        stamp=utcnow(),
        start=start,
        end=start + timedelta(minutes=engagement.duration_minutes),
        summary=f"{engagement.kind.label}: {intro.office.name} and {intro.company.name}",
        description=description or None,
        location=engagement.location or (engagement.meeting_link or None),
        url=engagement.meeting_link or None,
        status="CANCELLED" if cancelled else "CONFIRMED",
        organizer=_address(*organiser),
        attendees=[_attendee(email, name) for email, name in attendees],
    )
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    calendar.add_missing_timezones()  # the VTIMEZONE of every TZID used
    return method, calendar.to_ical()
