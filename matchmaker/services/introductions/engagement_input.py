"""What staff type for an engagement, checked: the time in an IANA zone (a planned one in the
future), the place the mode needs, participants who belong to the two sides, guests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from matchmaker.orm import EngagementKind, EngagementMode, EngagementStatus, Introduction
from matchmaker.services.errors import DomainError
from matchmaker.services.introductions.people import active_members, active_staff
from matchmaker.text import check_text

DURATION_MAX = 7 * 24 * 60  # a week-long delegation
GUESTS_MAX = 30
HOURS_MAX = Decimal("1000")
TEXT_MAX = 5000
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


class InvalidEngagement(DomainError):
    """An engagement the form cannot be saved as: the message names the field."""


@dataclass(frozen=True)
class EngagementInput:
    kind: str
    mode: str
    local_start: datetime  # naive: the wall-clock time in time_zone
    time_zone: str
    duration_minutes: int
    location: str = ""
    meeting_link: str = ""
    agenda: str = ""
    notes: str = ""  # internal
    staff_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    guests: str = ""  # one per line: "Name <email>", an address, or a name
    already_happened: bool = False  # logged after the fact: no invitation, no future check


@dataclass(frozen=True)
class ResultInput:
    status: str  # happened, cancelled, no_show
    office_rating: int | None = None
    next_steps: str = ""
    staff_hours: Decimal | None = None


def zone_names() -> list[str]:
    return sorted(available_timezones())


def start_in_utc(data: EngagementInput, now: datetime) -> datetime:
    """The start as an aware UTC time; a planned engagement must be in the future."""
    try:
        zone = ZoneInfo(data.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidEngagement("Choose a time zone from the list.", "time_zone") from exc
    start = data.local_start.replace(tzinfo=zone)
    if data.already_happened and start > now:
        raise InvalidEngagement(
            "This time is still to come: plan the engagement instead of logging it.", "start"
        )
    if not data.already_happened and start <= now:
        raise InvalidEngagement(
            f"{data.local_start:%Y-%m-%d %H:%M} {data.time_zone} is in the past: a planned "
            "engagement must be in the future (to record one that took place, log it).",
            "start",
        )
    return start.astimezone(ZoneInfo("UTC"))


def parse_guests(text: str) -> list[str]:
    """The guest lines, cleaned; each an address, "Name <address>" or just a name."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    guests = [line for line in lines if line]
    if len(guests) > GUESTS_MAX or any(len(g) > 200 for g in guests):
        raise InvalidEngagement(f"List at most {GUESTS_MAX} guests of 200 characters.", "guests")
    return guests


def guest_address(guest: str) -> tuple[str, str] | None:
    """(email, name) of a guest line with an address, None for a name alone."""
    name, email = parseaddr(guest)
    return (email, name) if email and _EMAIL.fullmatch(email) else None


def check(session, intro: Introduction, data: EngagementInput) -> dict:
    """The engagement's columns from valid input; InvalidEngagement naming the field if not."""
    check_text(
        {"location": data.location, "meeting_link": data.meeting_link},
        {"agenda": data.agenda, "notes": data.notes, "guests": data.guests},
    )
    try:
        kind, mode = EngagementKind(data.kind), EngagementMode(data.mode)
    except ValueError as exc:
        raise InvalidEngagement("Choose the kind and the mode from the lists.", "kind") from exc
    if not 5 <= data.duration_minutes <= DURATION_MAX:
        raise InvalidEngagement("The duration is 5 minutes to 7 days.", "duration_minutes")
    location, link = data.location.strip(), data.meeting_link.strip()
    if link and not re.fullmatch(r"https://\S+", link):
        raise InvalidEngagement("A meeting link starts with https://.", "meeting_link")
    if mode in (EngagementMode.VIRTUAL, EngagementMode.HYBRID) and not link:
        raise InvalidEngagement(f"A {mode.label.lower()} engagement needs a link.", "meeting_link")
    if mode in (EngagementMode.IN_PERSON, EngagementMode.HYBRID) and not location:
        raise InvalidEngagement(f"A {mode.label.lower()} engagement needs a place.", "location")
    if len(location) > 300 or len(link) > 500:
        raise InvalidEngagement("The place or the link is too long.", "location")
    if len(data.agenda) > TEXT_MAX or len(data.notes) > TEXT_MAX:
        raise InvalidEngagement(f"Keep the agenda and notes under {TEXT_MAX} characters.", "agenda")
    staff = {u.id for u in active_staff(session, intro.office_id)}
    members = {u.id for u in active_members(session, intro.company_id)}
    if not set(data.staff_ids) <= staff or not set(data.member_ids) <= members:
        raise InvalidEngagement("Choose participants from the two sides' people.", "staff_ids")
    return {
        "kind": kind,
        "mode": mode,
        "time_zone": data.time_zone,
        "duration_minutes": data.duration_minutes,
        "location": location,
        "meeting_link": link,
        "agenda": data.agenda.strip(),
        "notes": data.notes.strip(),
        "staff_ids": sorted(set(data.staff_ids)),
        "member_ids": sorted(set(data.member_ids)),
        "guests": parse_guests(data.guests),
        "status": EngagementStatus.HAPPENED if data.already_happened else EngagementStatus.PLANNED,
    }


def check_result(result: ResultInput) -> EngagementStatus:
    try:
        status = EngagementStatus(result.status)
    except ValueError as exc:
        raise InvalidEngagement("Choose what happened.", "status") from exc
    if status == EngagementStatus.PLANNED:
        raise InvalidEngagement("Choose what happened.", "status")
    if result.office_rating is not None and not 1 <= result.office_rating <= 5:
        raise InvalidEngagement("A rating is 1 to 5.", "office_rating")
    hours = result.staff_hours
    if hours is not None and not Decimal(0) <= hours <= HOURS_MAX:
        raise InvalidEngagement("Staff hours are 0 to 1000.", "staff_hours")
    check_text({}, {"next_steps": result.next_steps})
    if len(result.next_steps or "") > TEXT_MAX:
        raise InvalidEngagement(f"Keep next steps under {TEXT_MAX} characters.", "next_steps")
    return status
