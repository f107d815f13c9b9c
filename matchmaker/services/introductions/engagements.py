"""Engagements of an introduction: plan (with calendar invitations) or log one, edit, cancel,
record the result, and the company's rating. Each is one version-checked step that appends an
IntroductionEvent and commits; the first engagement moves the introduction introduced ->
engaged through transitions.transition() in the same commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.orm import (
    Engagement,
    EngagementStatus,
    Introduction,
    IntroductionStage,
    User,
    utcnow,
)
from matchmaker.orm.introductions import CONNECTED
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.introductions import engagement_notices, transitions
from matchmaker.services.introductions.engagement_input import (
    EngagementInput,
    InvalidEngagement,
    ResultInput,
    check,
    check_result,
    start_in_utc,
)
from matchmaker.services.introductions.people import Side, side_of, visible_introduction

STAFF_SIDES = (Side.OFFICE, Side.ADMIN)
Status = EngagementStatus
OPEN_STAGES = CONNECTED - {IntroductionStage.CLOSED}  # engagements may be planned


class EngagementChanged(Conflict):
    """Someone else changed the engagement first."""


def _summary(e: Engagement) -> str:
    local = e.starts_at.astimezone(engagement_notices.zone(e))
    return f"{e.kind.label} ({e.mode.label.lower()}), {local:%Y-%m-%d %H:%M} {e.time_zone}"


def plan_engagement(
    session: Session,
    introduction_id: int,
    actor: User,
    data: EngagementInput,
    now: datetime | None = None,
) -> Engagement:
    """Plan an engagement (invitations to its participants) or log one that took place."""
    now = now or utcnow()
    intro = visible_introduction(session, introduction_id, actor)
    if side_of(actor, intro) not in STAFF_SIDES:
        raise NotFound("This introduction does not exist or is not yours to see.")
    if intro.stage not in OPEN_STAGES:
        raise InvalidTransition(
            f"This introduction is {intro.stage.label.lower()}: engagements start once the "
            "company accepted and end when it is closed."
        )
    values = check(session, intro, data)
    engagement = Engagement(
        introduction_id=intro.id,
        office_id=intro.office_id,
        uid=f"{uuid.uuid4()}@matchmaker",
        starts_at=start_in_utc(data, now),
        organiser_id=actor.id,
        updated_by_id=actor.id,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(engagement)
    verb = "logged" if data.already_happened else "planned"
    try:
        session.flush()
        if engagement.status == Status.PLANNED:
            engagement_notices.invite(session, engagement, intro)
        if intro.stage == IntroductionStage.INTRODUCED:  # commits with the engagement
            reason = f"first engagement {verb}: {_summary(engagement)}"
            transitions.transition(session, intro.id, actor, "engage", intro.version, reason)
            return engagement
        transitions.record_event(
            session,
            intro,
            actor,
            intro.stage.value,
            f"engagement {verb}: {_summary(engagement)}",
            now,
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return engagement


def update_engagement(
    session: Session,
    engagement_id: int,
    actor: User,
    data: EngagementInput,
    expected_version: int,
    now: datetime | None = None,
) -> Engagement:
    """Change a planned engagement; participants get the updated invitation (SEQUENCE + 1),
    the ones taken off a cancellation."""

    def apply(e: Engagement, intro: Introduction, now: datetime) -> str:
        if e.status != Status.PLANNED:
            raise InvalidTransition(f"This engagement is {e.status.label.lower()}: not editable.")
        before = engagement_notices.recipients(session, e)
        values = check(session, intro, data)
        values.pop("status")
        e.starts_at = start_in_utc(data, now)
        for name, value in values.items():
            setattr(e, name, value)
        e.sequence += 1
        engagement_notices.invite(session, e, intro, dropped=before)
        return f"engagement updated: {_summary(e)}"

    return _step(session, engagement_id, actor, expected_version, STAFF_SIDES, apply, now)


def cancel_engagement(
    session: Session, engagement_id: int, actor: User, expected_version: int, now=None
) -> Engagement:
    """Call off a planned engagement: participants' calendars remove it (METHOD:CANCEL)."""

    def apply(e: Engagement, intro: Introduction, now: datetime) -> str:
        if e.status != Status.PLANNED:
            raise InvalidTransition(f"This engagement is {e.status.label.lower()} already.")
        e.status, e.sequence, e.result_at = Status.CANCELLED, e.sequence + 1, now
        engagement_notices.invite(session, e, intro)
        return f"engagement cancelled: {_summary(e)}"

    return _step(session, engagement_id, actor, expected_version, STAFF_SIDES, apply, now)


def record_result(
    session: Session,
    engagement_id: int,
    actor: User,
    result: ResultInput,
    expected_version: int,
    now: datetime | None = None,
) -> Engagement:
    """After its time: what happened, the office's rating, next steps and staff hours."""

    def apply(e: Engagement, intro: Introduction, now: datetime) -> str:
        if e.starts_at > now:
            raise InvalidEngagement("The result is recorded after the engagement's time.", "status")
        status = check_result(result)
        e.status, e.office_rating = status, result.office_rating
        e.next_steps, e.staff_hours = (result.next_steps or "").strip(), result.staff_hours
        e.result_at = now
        return f"engagement result: {status.label.lower()} ({_summary(e)})"

    return _step(session, engagement_id, actor, expected_version, STAFF_SIDES, apply, now)


def rate_as_company(
    session: Session,
    engagement_id: int,
    actor: User,
    rating: int,
    expected_version: int,
    now: datetime | None = None,
) -> Engagement:
    """The company's 1-5 rating of an engagement that happened: once."""

    def apply(e: Engagement, intro: Introduction, now: datetime) -> str:
        if e.status != Status.HAPPENED:
            raise InvalidTransition("Only an engagement that took place can be rated.")
        if e.company_rating is not None:
            raise InvalidTransition("Your company rated this engagement already.", "rating")
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise InvalidEngagement("A rating is 1 to 5.", "rating")
        e.company_rating, e.company_rated_by_id = rating, actor.id
        return f"the company rated the engagement {rating}/5 ({_summary(e)})"

    return _step(session, engagement_id, actor, expected_version, (Side.COMPANY,), apply, now)


def visible_engagement(session: Session, engagement_id: int, actor: User) -> Engagement:
    """The engagement if the actor takes part in its introduction; NotFound otherwise."""
    e = session.get(Engagement, engagement_id)
    if e is None:
        raise NotFound("This engagement does not exist or is not yours to see.")
    visible_introduction(session, e.introduction_id, actor)
    return e


def _step(
    session: Session,
    engagement_id: int,
    actor: User,
    expected_version: int,
    sides: tuple[Side, ...],
    apply: Callable[[Engagement, Introduction, datetime], str],
    now: datetime | None,
) -> Engagement:
    """The one core of an engagement's change: who may, which version, the event, the commit."""
    now = now or utcnow()
    e = visible_engagement(session, engagement_id, actor)
    intro = e.introduction
    if side_of(actor, intro) not in sides:
        raise InvalidTransition("This is for the other side of the introduction.")
    if e.version != expected_version:
        raise _conflict(session, engagement_id)
    try:
        text = apply(e, intro, now)
        e.updated_at, e.updated_by_id = now, actor.id
        transitions.record_event(session, intro, actor, intro.stage.value, text, now)
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise _conflict(session, engagement_id) from exc
    except DomainError:
        session.rollback()
        raise
    return e


def _conflict(session: Session, engagement_id: int) -> EngagementChanged:
    session.expire_all()
    e = session.get(Engagement, engagement_id)
    who = (e.updated_by.name or e.updated_by.email) if e and e.updated_by else "Someone"
    when = f" at {e.updated_at:%Y-%m-%d %H:%M} UTC" if e else ""
    return EngagementChanged(
        f"{who} changed this engagement{when}. Reload it to see the current state."
    )
