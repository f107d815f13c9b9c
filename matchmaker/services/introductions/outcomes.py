"""An active partnership's structured outcomes and its follow-ups, and closing an introduction.

agreement signed -> active records the first outcome in the same commit as the transition (and
schedules the 6- and 12-month follow-ups: followups.schedule, the transition's effect). A
follow-up records what actually happened against what was expected, version-checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.orm import (
    FollowUp,
    Introduction,
    IntroductionStage,
    Outcome,
    OutcomeKind,
    User,
    utcnow,
)
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.introductions import transitions
from matchmaker.services.introductions.people import Side, side_of, visible_introduction
from matchmaker.text import check_text

AMOUNT_MAX = Decimal("1e13")
JOBS_MAX = 1_000_000
TEXT_MAX = 5000
STAFF_SIDES = (Side.OFFICE, Side.ADMIN)


class InvalidOutcome(DomainError):
    """An outcome or follow-up the form cannot be saved as: the message names the field."""


class FollowUpChanged(Conflict):
    """Someone recorded the follow-up first."""


@dataclass(frozen=True)
class OutcomeInput:
    kind: str
    amount: Decimal | None = None
    currency: str = ""
    jobs_expected: int | None = None
    starts_on: date | None = None
    description: str = ""


@dataclass(frozen=True)
class FollowUpInput:
    actual_amount: Decimal | None = None
    actual_currency: str = ""
    actual_jobs: int | None = None
    notes: str = ""


def _money(amount: Decimal | None, currency: str, field: str) -> tuple[Decimal | None, str]:
    """An amount with its ISO 4217 currency, or neither."""
    currency = (currency or "").strip().upper()
    if amount is None and not currency:
        return None, ""
    if amount is None or not currency:
        raise InvalidOutcome("Give the amount and its currency together.", field)
    try:
        if not Decimal(0) <= amount < AMOUNT_MAX:
            raise InvalidOutcome("The amount is 0 or more, below 10 trillion.", field)
    except InvalidOperation as exc:
        raise InvalidOutcome("The amount is a number.", field) from exc
    if pycountry.currencies.get(alpha_3=currency) is None:
        raise InvalidOutcome(f"{currency} is not an ISO 4217 currency code (e.g. EUR, USD).", field)
    return amount.quantize(Decimal("0.01")), currency


def _jobs(jobs: int | None, field: str) -> int | None:
    if jobs is not None and not 0 <= jobs <= JOBS_MAX:
        raise InvalidOutcome(f"Jobs are 0 to {JOBS_MAX:,}.", field)
    return jobs


def _outcome(intro: Introduction, actor: User, data: OutcomeInput, now: datetime) -> Outcome:
    try:
        kind = OutcomeKind(data.kind)
    except ValueError as exc:
        raise InvalidOutcome("Choose the kind of outcome.", "kind") from exc
    check_text({"currency": data.currency}, {"description": data.description})
    if len(data.description or "") > TEXT_MAX:
        raise InvalidOutcome(f"Keep the description under {TEXT_MAX} characters.", "description")
    amount, currency = _money(data.amount, data.currency, "amount")
    return Outcome(
        introduction_id=intro.id,
        kind=kind,
        amount=amount,
        currency=currency,
        jobs_expected=_jobs(data.jobs_expected, "jobs_expected"),
        starts_on=data.starts_on,
        description=(data.description or "").strip(),
        recorded_by_id=actor.id,
        recorded_at=now,
    )


def describe(outcome: Outcome) -> str:
    parts = [outcome.kind.label]
    if outcome.amount is not None:
        parts.append(f"{outcome.amount:,.2f} {outcome.currency}")
    if outcome.jobs_expected is not None:
        parts.append(f"{outcome.jobs_expected} jobs expected")
    if outcome.starts_on:
        parts.append(f"from {outcome.starts_on:%Y-%m-%d}")
    return ", ".join(parts)


def _staff_intro(session: Session, introduction_id: int, actor: User) -> Introduction:
    intro = visible_introduction(session, introduction_id, actor)
    if side_of(actor, intro) not in STAFF_SIDES:
        raise NotFound("This introduction does not exist or is not yours to see.")
    return intro


def activate_partnership(
    session: Session,
    introduction_id: int,
    actor: User,
    first: OutcomeInput,
    expected_version: int,
    now: datetime | None = None,
) -> Introduction:
    """agreement signed -> active partnership, with its first expected outcome."""
    now = now or utcnow()
    intro = _staff_intro(session, introduction_id, actor)
    outcome = _outcome(intro, actor, first, now)
    session.add(outcome)
    try:  # the transition commits the outcome with it, or rolls both back
        return transitions.transition(
            session, intro.id, actor, "activate", expected_version, f"outcome: {describe(outcome)}"
        )
    except Exception:
        session.rollback()
        raise


def add_outcome(
    session: Session, introduction_id: int, actor: User, data: OutcomeInput, now=None
) -> Outcome:
    """Another expected outcome of an active partnership."""
    now = now or utcnow()
    intro = _staff_intro(session, introduction_id, actor)
    if intro.stage != IntroductionStage.ACTIVE:
        raise InvalidTransition("Outcomes are recorded on an active partnership.")
    outcome = _outcome(intro, actor, data, now)
    session.add(outcome)
    transitions.record_event(
        session, intro, actor, intro.stage.value, f"outcome added: {describe(outcome)}", now
    )
    session.commit()
    return outcome


def close_introduction(
    session: Session, introduction_id: int, actor: User, reason: str, expected_version: int
) -> Introduction:
    """Close an introduction with a reason (required)."""
    _staff_intro(session, introduction_id, actor)
    return transitions.transition(
        session, introduction_id, actor, "close", expected_version, reason
    )


def outcomes_of(session: Session, introduction_id: int) -> list[Outcome]:
    return list(
        session.scalars(
            select(Outcome).where(Outcome.introduction_id == introduction_id).order_by(Outcome.id)
        )
    )


def visible_follow_up(session: Session, follow_up_id: int, actor: User) -> FollowUp:
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound("This follow-up does not exist or is not yours to see.")
    _staff_intro(session, follow_up.introduction_id, actor)
    return follow_up


def record_follow_up(
    session: Session,
    follow_up_id: int,
    actor: User,
    data: FollowUpInput,
    expected_version: int,
    now: datetime | None = None,
) -> FollowUp:
    """What actually happened by the follow-up's date (it may be corrected later)."""
    now = now or utcnow()
    follow_up = visible_follow_up(session, follow_up_id, actor)
    if follow_up.version != expected_version:
        raise _changed(session, follow_up_id)
    check_text({"actual_currency": data.actual_currency}, {"notes": data.notes})
    if len(data.notes or "") > TEXT_MAX:
        raise InvalidOutcome(f"Keep the notes under {TEXT_MAX} characters.", "notes")
    amount, currency = _money(data.actual_amount, data.actual_currency, "actual_amount")
    jobs = _jobs(data.actual_jobs, "actual_jobs")
    follow_up.actual_amount, follow_up.actual_currency = amount, currency
    follow_up.actual_jobs = jobs
    follow_up.notes = (data.notes or "").strip()
    follow_up.done_at, follow_up.done_by_id = now, actor.id
    intro = follow_up.introduction
    text = f"{follow_up.months}-month follow-up recorded"
    try:
        transitions.record_event(session, intro, actor, intro.stage.value, text, now)
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise _changed(session, follow_up_id) from exc
    return follow_up


def _changed(session: Session, follow_up_id: int) -> FollowUpChanged:
    session.expire_all()
    follow_up = session.get(FollowUp, follow_up_id)
    who = follow_up.done_by.name or follow_up.done_by.email if follow_up.done_by else "Someone"
    return FollowUpChanged(f"{who} recorded this follow-up meanwhile. Reload it and try again.")
