"""Every review transition of a suggestion, through one core: check who may act, the current
state and the version; write the change and a ReviewEvent; when two people act at once, exactly
one wins (SQLAlchemy's version check in the UPDATE) and the other gets Conflict naming the winner.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.orm import (
    CompanyStatus,
    Office,
    PriorityStatus,
    ProfileStatus,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.introductions.blocks import is_blocked
from matchmaker.services.introductions.transitions import request_introduction
from matchmaker.services.review import notifications
from matchmaker.text import check_text

S = SuggestionStatus
# No answer to an introduction brings the suggestion back: the office decides again.
OPEN = frozenset({S.SUGGESTED, S.IN_REVIEW, S.SNOOZED, S.NO_ANSWER})
NOTE_MAX = 1000
RATIONALE_MIN = 10
SNOOZE_MAX_DAYS = 366

DECLINE_REASONS = {
    "not_a_fit": "Not a fit for the priority",
    "already_engaged": "Already engaged with this company",
    "company_too_small": "Company too small",
    "sensitive": "Sensitive partnership",
    "duplicate": "Duplicate of another suggestion",
    "other": "Other",
}


class Action(enum.StrEnum):
    CLAIM = "claim"
    ACCEPT = "accept"
    DECLINE = "decline"
    SNOOZE = "snooze"
    REASSIGN = "reassign"
    CLEAR = "clear"  # an admin lets the office act on a flagged suggestion


# action: (states it may start from, state it leads to; None keeps the state)
TRANSITIONS: dict[Action, tuple[frozenset[S], S | None]] = {
    Action.CLAIM: (frozenset({S.SUGGESTED}), S.IN_REVIEW),
    Action.ACCEPT: (OPEN, S.ACCEPTED),
    Action.DECLINE: (OPEN, S.DECLINED),
    Action.SNOOZE: (OPEN, S.SNOOZED),
    Action.REASSIGN: (OPEN, S.SUGGESTED),
    Action.CLEAR: (OPEN, None),
}
# Admins review flagged suggestions and re-route; offices work their own queue.
ADMIN_ACTIONS = frozenset({Action.CLEAR, Action.DECLINE, Action.REASSIGN})
STAFF_ACTIONS = frozenset(Action) - {Action.CLEAR}
PAST = {
    Action.CLAIM: "claimed",
    Action.ACCEPT: "accepted",
    Action.DECLINE: "declined",
    Action.SNOOZE: "snoozed",
    Action.REASSIGN: "reassigned",
    Action.CLEAR: "cleared",
}


class SuggestionAlreadyDecided(Conflict):
    """Someone else acted on the suggestion first."""


class AwaitingAdminReview(InvalidTransition):
    """A flagged suggestion waits for an admin's decision before the office may act."""


class InactiveParty(InvalidTransition):
    """The company or its interest profile stopped being active: nobody may take it up now."""


class InvalidDetails(DomainError):
    """A reason, date, office or note the action needs is missing or wrong."""


@dataclass
class Details:
    reason: str = ""
    note: str = ""
    until: date | None = None
    office_id: int | None = None


def _visible(actor: User, row: Suggestion) -> bool:
    return actor.is_admin or (actor.is_staff and row.routed_office_id == actor.office_id)


def _check_actor(actor: User, row: Suggestion, action: Action) -> None:
    if actor.is_admin:
        if action not in ADMIN_ACTIONS:
            raise InvalidTransition(f"Admins do not {action.value} suggestions; the office does.")
        if action == Action.CLEAR and not row.awaiting_admin:
            raise InvalidTransition("This suggestion is not waiting for an admin's decision.")
        if action == Action.DECLINE and not row.awaiting_admin:
            raise InvalidTransition("Admins decline only flagged suggestions; the office decides.")
    elif action not in STAFF_ACTIONS:
        raise InvalidTransition("Only an admin can decide on a flagged suggestion.")
    elif row.awaiting_admin:
        raise AwaitingAdminReview(
            "This suggestion is flagged as sensitive: an admin must decide before your office acts."
        )


def _check_parties(session: Session, row: Suggestion, action: Action) -> None:
    """Claiming or accepting starts work with the company: it and its profile must be active,
    and an introduction may not go where the company asked for no more from this office."""
    if action not in (Action.CLAIM, Action.ACCEPT):
        return
    if action == Action.ACCEPT and is_blocked(session, row.company_id, row.routed_office_id):
        raise InvalidTransition(
            "The company asked for no more introductions from your office: decline instead."
        )
    why = inactive_reason(row.company.status, row.profile.status)
    if why:
        raise InactiveParty(
            f"{why[0].upper()}{why[1:]}: this suggestion can no longer be {PAST[action]}. "
            "Decline it to take it off the queue."
        )


def inactive_reason(
    company: CompanyStatus, profile: ProfileStatus, priority: PriorityStatus | None = None
) -> str:
    """Why a suggestion may not be worked on any more ("" when it may)."""
    if company != CompanyStatus.ACTIVE:
        return f"the company is {company.value.replace('_', ' ')}"
    if profile != ProfileStatus.ACTIVE:
        return f"the company's interest profile is {profile.value}"
    if priority is not None and priority != PriorityStatus.OPEN:
        return f"the priority is {priority.value}"
    return ""


def _changes(
    session: Session, actor: User, row: Suggestion, action: Action, d: Details
) -> tuple[dict, str]:
    """The attribute changes of an action and the reason its event records; checks the details."""
    note = d.note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidDetails(f"Keep the note under {NOTE_MAX} characters.", "note")
    now = utcnow()
    if action == Action.CLAIM:
        return {"assigned_to_id": actor.id}, note or "claimed"
    if action == Action.ACCEPT:
        return {"decided_at": now, "snoozed_until": None}, note or "introduction proposed"
    if action == Action.DECLINE:
        reason = "sensitive" if actor.is_admin else d.reason
        if reason not in DECLINE_REASONS:
            raise InvalidDetails("Choose a reason from the list.", "reason")
        if actor.is_admin:
            _rationale(note)
            return (
                {"decline_reason": reason, "decided_at": now, "flag_rationale": note},
                f"{DECLINE_REASONS[reason]}: {note}",
            )
        if reason == "other" and not note:
            raise InvalidDetails("Say why in the note when the reason is “Other”.", "note")
        text = DECLINE_REASONS[reason] + (f": {note}" if note else "")
        return {"decline_reason": reason, "decided_at": now, "snoozed_until": None}, text
    if action == Action.SNOOZE:
        today = utcnow().date()
        if d.until is None or not today < d.until <= today + timedelta(days=SNOOZE_MAX_DAYS):
            raise InvalidDetails("Choose a date after today and within a year.", "until")
        return {"snoozed_until": d.until}, f"snoozed until {d.until.isoformat()}" + (
            f": {note}" if note else ""
        )
    if action == Action.REASSIGN:
        office = session.get(Office, d.office_id) if d.office_id else None
        if office is None:
            raise InvalidDetails("Choose the office to hand it to.", "office_id")
        if office.id == row.routed_office_id:
            raise InvalidDetails("It is already with this office.", "office_id")
        if not note:
            raise InvalidDetails("Tell the other office why, in a note.", "note")
        return (
            {
                "routed_office_id": office.id,
                "routed_at": now,
                "assigned_to_id": None,
                "snoozed_until": None,
            },
            f"reassigned to {office.name}: {note}",
        )
    _rationale(note)
    # The office hears of it now: the digest and the queue's age count from the clearing.
    return {"flag_rationale": note, "routed_at": now}, f"cleared for the office: {note}"


def _rationale(note: str) -> None:
    if len(note) < RATIONALE_MIN:
        raise InvalidDetails(
            f"Write the rationale for the decision (at least {RATIONALE_MIN} characters).", "note"
        )


def decide_suggestion(
    session: Session,
    suggestion_id: int,
    actor: User,
    action: str,
    expected_version: int,
    **details,
) -> Suggestion:
    """Apply one review action to a suggestion the actor may see, as of the version they saw."""
    row = session.get(Suggestion, suggestion_id)
    if row is None or not _visible(actor, row):
        raise NotFound("This suggestion does not exist or is not routed to your office.")
    if row.version != expected_version:
        raise _conflict(session, suggestion_id)
    try:
        act = Action(action)
    except ValueError as exc:
        raise InvalidTransition("There is no such action.") from exc
    _check_actor(actor, row, act)
    allowed, target = TRANSITIONS[act]
    if row.status not in allowed:
        raise InvalidTransition(
            f"This suggestion is {row.status.value.replace('_', ' ')}; it cannot be {PAST[act]}."
        )
    _check_parties(session, row, act)
    check_text({}, {"note": details.get("note")})
    changes, reason = _changes(session, actor, row, act, Details(**details))
    before, now = row.status.value, utcnow()
    for name, value in changes.items():
        setattr(row, name, value)
    row.status, row.updated_at = target or row.status, now
    session.add(
        ReviewEvent(
            suggestion_id=row.id,
            actor_id=actor.id,
            at=now,
            from_status=before,
            to_status=row.status.value,
            reason=reason[:4000],
        )
    )
    if act in (Action.REASSIGN, Action.CLEAR):
        notifications.note_routed(session, row)  # the (new) office hears of it now
    try:
        if act == Action.ACCEPT:  # the company hears of it: the double opt-in starts
            request_introduction(session, row, actor, details.get("note", "").strip(), now)
        session.commit()
    except StaleDataError as exc:  # the UPDATE ... WHERE version = expected matched nothing
        session.rollback()
        raise _conflict(session, suggestion_id) from exc
    return row


def _conflict(session: Session, suggestion_id: int) -> SuggestionAlreadyDecided:
    """Conflict naming who last acted on the suggestion, and when."""
    session.expire_all()
    last = session.scalar(
        select(ReviewEvent)
        .where(ReviewEvent.suggestion_id == suggestion_id, ReviewEvent.actor_id.is_not(None))
        .order_by(ReviewEvent.id.desc())
        .limit(1)
    )
    if last is None:
        return SuggestionAlreadyDecided(
            "This suggestion changed meanwhile; reload it and try again."
        )
    who = last.actor.name or last.actor.email
    verb = last.to_status.replace("_", " ")
    return SuggestionAlreadyDecided(
        f"{who} got there first: the suggestion became “{verb}” at "
        f"{last.at:%Y-%m-%d %H:%M} UTC. Reload it to see the current state."
    )
