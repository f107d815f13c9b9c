"""Every change of an introduction's stage, through one core: check who may act, the current
stage and the version; apply the step's effects; append an IntroductionEvent; commit. When two
people act at once exactly one wins (the version check in the UPDATE) and the other gets a
Conflict naming the winner.

Later stages (engaged, agreement ...) add their rule to TRANSITIONS and their effect to EFFECTS.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.orm import (
    Introduction,
    IntroductionEvent,
    IntroductionStage,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.introductions import blocks, followups, milestones, notices
from matchmaker.services.introductions.closing import cancel_planned
from matchmaker.services.introductions.people import Side, side_of
from matchmaker.services.review.outcomes import follow_introduction
from matchmaker.text import check_text

Stage = IntroductionStage
REMIND_AFTER = timedelta(days=14)
EXPIRE_AFTER = timedelta(days=30)
REASON_MAX = 1000


class Action(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    REMIND = "remind"
    EXPIRE = "expire"
    ENGAGE = "engage"  # the first engagement logged (engagements.py adds it in the same commit)
    ACTIVATE = "activate"  # an active partnership, with its first outcome (outcomes.py)
    CLOSE = "close"
    WITHDRAW = "withdraw"  # the office takes back a request the company has not answered
    DRAFT_AGREEMENT = "draft_agreement"  # services/agreements: the first agreement was created
    SIGN_AGREEMENT = "sign_agreement"  # services/agreements: an agreement was fully signed


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Stage]
    target: Stage | None  # None: the stage stays (a reminder)
    by: frozenset[Side]
    past: str  # "accepted": for the refusal's message


TRANSITIONS: dict[Action, Rule] = {
    Action.ACCEPT: Rule(
        frozenset({Stage.REQUESTED}), Stage.INTRODUCED, frozenset({Side.COMPANY}), "accepted"
    ),
    Action.DECLINE: Rule(
        frozenset({Stage.REQUESTED}), Stage.DECLINED, frozenset({Side.COMPANY}), "declined"
    ),
    Action.REMIND: Rule(frozenset({Stage.REQUESTED}), None, frozenset({Side.SYSTEM}), "reminded"),
    Action.EXPIRE: Rule(
        frozenset({Stage.REQUESTED}), Stage.EXPIRED, frozenset({Side.SYSTEM}), "expired"
    ),
    Action.ENGAGE: Rule(
        frozenset({Stage.INTRODUCED}),
        Stage.ENGAGED,
        frozenset({Side.OFFICE, Side.ADMIN}),
        "engaged",
    ),
    Action.ACTIVATE: Rule(
        frozenset({Stage.AGREEMENT_SIGNED}),
        Stage.ACTIVE,
        frozenset({Side.OFFICE, Side.ADMIN}),
        "made an active partnership",
    ),
    Action.CLOSE: Rule(
        frozenset(
            {
                Stage.INTRODUCED,
                Stage.ENGAGED,
                Stage.AGREEMENT_DRAFTED,
                Stage.AGREEMENT_SIGNED,
                Stage.ACTIVE,
            }
        ),
        Stage.CLOSED,
        frozenset({Side.OFFICE, Side.ADMIN}),
        "closed",
    ),
    Action.WITHDRAW: Rule(
        frozenset({Stage.REQUESTED}), Stage.WITHDRAWN, frozenset({Side.OFFICE}), "withdrawn"
    ),
    Action.DRAFT_AGREEMENT: Rule(
        frozenset({Stage.INTRODUCED, Stage.ENGAGED}),
        Stage.AGREEMENT_DRAFTED,
        frozenset({Side.OFFICE, Side.ADMIN}),
        "given an agreement",
    ),
    # The last signatory has no account: the signature completes it as the system.
    Action.SIGN_AGREEMENT: Rule(
        frozenset({Stage.INTRODUCED, Stage.ENGAGED, Stage.AGREEMENT_DRAFTED}),
        Stage.AGREEMENT_SIGNED,
        frozenset({Side.SYSTEM}),
        "marked signed",
    ),
}


class IntroductionChanged(Conflict):
    """Someone else moved the introduction first."""


class InvalidAnswer(DomainError):
    """A reason or message that is too long or holds control characters."""


@dataclass(frozen=True)
class Step:
    """What an effect gets: the introduction, who acts, their words, and now."""

    intro: Introduction
    actor: User | None
    reason: str
    now: datetime
    block: bool = False


def _suggestion(session: Session, step: Step, target: SuggestionStatus, why: str) -> None:
    row = session.get(Suggestion, step.intro.suggestion_id)
    follow_introduction(session, row, target, step.actor, why)


def _accept(session: Session, step: Step) -> str:
    intro = step.intro
    intro.answered_at, intro.answered_by_id = step.now, step.actor.id
    _suggestion(session, step, SuggestionStatus.INTRODUCED, "the company accepted the introduction")
    intro.stage = Stage.INTRODUCED  # the emails list the contacts of a connected introduction
    notices.accepted(session, intro)
    return step.reason or "accepted by the company"


def _decline(session: Session, step: Step) -> str:
    intro = step.intro
    intro.answered_at, intro.answered_by_id = step.now, step.actor.id
    intro.decline_reason = step.reason
    why = "the company declined the introduction" + (f": {step.reason}" if step.reason else "")
    _suggestion(session, step, SuggestionStatus.COMPANY_DECLINED, why)
    if step.block:
        blocks.add_block(session, intro.company_id, intro.office_id, step.actor)
    notices.declined(session, intro)
    suffix = " (no more introductions from this office)" if step.block else ""
    return (step.reason or "declined by the company") + suffix


def _remind(session: Session, step: Step) -> str:
    step.intro.reminded_at = step.now
    notices.requested(session, step.intro, reminder=True)
    return "reminder sent to the company"


def _expire(session: Session, step: Step) -> str:
    why = "no answer from the company within 30 days: back in the queue"
    _suggestion(session, step, SuggestionStatus.NO_ANSWER, why)
    notices.expired(session, step.intro)
    return why


def _engage(session: Session, step: Step) -> str:
    return step.reason or "first engagement logged"


def _activate(session: Session, step: Step) -> str:
    signed = followups.schedule(session, step.intro, step.now)
    return (step.reason or "active partnership") + f" (signed {signed:%Y-%m-%d})"


def _close(session: Session, step: Step) -> str:
    if not step.reason:
        raise InvalidAnswer("Say why the introduction is closed.", "reason")
    step.intro.close_reason = step.reason
    cancelled = cancel_planned(session, step.intro, step.actor, step.now)
    return step.reason + (f" ({cancelled} planned engagement(s) cancelled)" if cancelled else "")


def _withdraw(session: Session, step: Step) -> str:
    why = "the office withdrew the introduction request" + (
        f": {step.reason}" if step.reason else ""
    )
    _suggestion(session, step, SuggestionStatus.IN_REVIEW, why)
    notices.withdrawn(session, step.intro)
    return step.reason or "withdrawn by the office"


def _agreement_step(_session: Session, step: Step) -> str:
    return step.reason  # the agreement's own event and emails are services/agreements' work


EFFECTS: dict[Action, Callable[[Session, Step], str]] = {
    Action.ACCEPT: _accept,
    Action.DECLINE: _decline,
    Action.REMIND: _remind,
    Action.EXPIRE: _expire,
    Action.ENGAGE: _engage,
    Action.ACTIVATE: _activate,
    Action.CLOSE: _close,
    Action.WITHDRAW: _withdraw,
    Action.DRAFT_AGREEMENT: _agreement_step,
    Action.SIGN_AGREEMENT: _agreement_step,
}


def transition(
    session: Session,
    introduction_id: int,
    actor: User | None,
    action: str,
    expected_version: int,
    reason: str = "",
    *,
    block: bool = False,
    now: datetime | None = None,
) -> Introduction:
    """Apply one action to an introduction the actor takes part in, as of the version they saw.
    actor None is the daily run (reminders and expiry)."""
    intro = session.get(Introduction, introduction_id)
    side = side_of(actor, intro) if intro is not None else None
    if intro is None or side is None:
        raise NotFound("This introduction does not exist or is not yours to see.")
    if intro.version != expected_version:
        raise _conflict(session, introduction_id)
    try:
        act = Action(action)
    except ValueError as exc:
        raise InvalidTransition("There is no such action.") from exc
    rule = TRANSITIONS[act]
    if side not in rule.by:
        raise InvalidTransition(f"Only the {' or '.join(sorted(rule.by))} may do this.")
    if intro.stage not in rule.sources:
        raise InvalidTransition(
            f"This introduction is {intro.stage.label.lower()}: it cannot be {rule.past} now."
        )
    check_text({}, {"reason": reason})
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise InvalidAnswer(f"Keep the reason under {REASON_MAX} characters.", "reason")
    now = now or utcnow()
    before = intro.stage
    try:  # an effect's query may flush, so the version check can fail before the commit
        text = EFFECTS[act](session, Step(intro, actor, reason, now, block))
        intro.stage = rule.target or intro.stage
        intro.updated_at = now
        _event(session, intro, actor, before.value, text, now)
        session.commit()
    except StaleDataError as exc:  # the UPDATE ... WHERE version = expected matched nothing
        session.rollback()
        raise _conflict(session, introduction_id) from exc
    except DomainError:  # refused half-way (the suggestion moved): nothing of it stays
        session.rollback()
        raise
    return intro


def record_event(
    session: Session, intro: Introduction, actor: User | None, before: str | None, text: str, now
) -> None:
    """Append an event in the caller's transaction: a step within the stage (an engagement
    planned, rated ...) keeps from_stage == to_stage."""
    _event(session, intro, actor, before, text, now)


def _event(
    session: Session, intro: Introduction, actor: User | None, before: str | None, text: str, now
) -> None:
    milestones.event_recorded(intro, intro.stage.value, now)  # the row says what events say
    session.add(
        IntroductionEvent(
            introduction=intro,
            actor_id=actor.id if actor else None,
            at=now,
            from_stage=before,
            to_stage=intro.stage.value,
            reason=text[:4000],
        )
    )


def request_introduction(
    session: Session, suggestion: Suggestion, actor: User, note: str, now: datetime
) -> Introduction:
    """Open the request to the company for an accepted suggestion, in the caller's transaction
    (the suggestion's acceptance commits it): the introduction, its first event, the emails."""
    if blocks.is_blocked(session, suggestion.company_id, suggestion.routed_office_id):
        raise InvalidTransition(
            "The company asked for no more introductions from your office: decline instead."
        )
    intro = Introduction(
        suggestion_id=suggestion.id,
        office_id=suggestion.routed_office_id,
        company_id=suggestion.company_id,
        priority_id=suggestion.priority_id,
        requested_by_id=actor.id,
        note=note,
        stage=Stage.REQUESTED,
        requested_at=now,
        expires_at=now + EXPIRE_AFTER,
        updated_at=now,
    )
    session.add(intro)
    session.flush()  # the emails link to its id
    _event(session, intro, actor, None, note or "introduction requested", now)
    notices.requested(session, intro)
    return intro


def _conflict(session: Session, introduction_id: int) -> IntroductionChanged:
    """Conflict naming who last moved the introduction, and when."""
    session.expire_all()
    last = session.scalar(
        select(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == introduction_id)
        .order_by(IntroductionEvent.id.desc())
        .limit(1)
    )
    if last is None:
        return IntroductionChanged("This introduction changed meanwhile; reload it and try again.")
    who = (last.actor.name or last.actor.email) if last.actor else "Matchmaker"
    stage = Stage(last.to_stage).label.lower()
    return IntroductionChanged(
        f"{who} got there first: the introduction became “{stage}” at "
        f"{last.at:%Y-%m-%d %H:%M} UTC. Reload it to see the current state."
    )
