"""Every change of an agreement through one core: check who may act, the status (the rule table)
and the version; apply the change's effect; append an AgreementEvent; move the introduction's
stage when the change calls for it; commit. Two people acting at once: exactly one wins (the
version check in the UPDATE), the other gets a Conflict naming the winner.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.orm import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    IntroductionStage,
    Signatory,
    User,
    utcnow,
)
from matchmaker.orm.agreements import LOCKED
from matchmaker.orm.introductions import CONNECTED
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.introductions import transitions as introductions

Status = AgreementStatus
OPEN = frozenset({Status.DRAFT, Status.SIGNING, Status.DECLINED})  # neither signed nor dropped
LOCKED_STATUSES = LOCKED  # signed: no edit, no delete, no new version


class Who(enum.StrEnum):
    STAFF = "staff"  # the introduction's office, or an admin
    ADMIN = "admin"
    SIGNER = "signer"  # a signatory, through their link


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None  # None: the effect decides (or the status stays)
    by: Who
    past: str  # for the refusal: "cannot be edited now"


RULES: dict[str, Rule] = {
    "create": Rule(frozenset(), Status.DRAFT, Who.STAFF, "created"),
    "edit": Rule(OPEN, None, Who.STAFF, "edited"),
    "add_signatory": Rule(frozenset({Status.DRAFT}), None, Who.STAFF, "given new signatories"),
    "remove_signatory": Rule(frozenset({Status.DRAFT}), None, Who.STAFF, "changed"),
    "new_version": Rule(OPEN, None, Who.STAFF, "given a new version"),
    "send": Rule(frozenset({Status.DRAFT}), Status.SIGNING, Who.STAFF, "sent for signature"),
    "remind": Rule(frozenset({Status.SIGNING}), None, Who.STAFF, "reminded"),
    "withdraw": Rule(OPEN, Status.WITHDRAWN, Who.STAFF, "withdrawn"),
    "terminate": Rule(frozenset({Status.SIGNED}), Status.TERMINATED, Who.ADMIN, "terminated"),
    "sign": Rule(frozenset({Status.SIGNING}), None, Who.SIGNER, "signed"),
    "decline": Rule(frozenset({Status.SIGNING}), Status.DECLINED, Who.SIGNER, "declined"),
}


class AgreementChanged(Conflict):
    """Someone else changed the agreement first."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, or a signatory through their link (no account)."""

    user: User | None = None
    signatory: Signatory | None = None

    @property
    def label(self) -> str:
        if self.signatory is not None:
            return f"{self.signatory.name} <{self.signatory.email}>"
        return (self.user.name or self.user.email) if self.user else "Matchmaker"


def may_manage(user: User | None, agreement: Agreement) -> bool:
    """Staff of the introduction's office, or an admin."""
    if user is None:
        return False
    return user.is_admin or (user.is_staff and user.office_id == agreement.introduction.office_id)


def _check_who(agreement: Agreement, rule: Rule, actor: Actor) -> None:
    if rule.by is Who.SIGNER:
        if actor.signatory is None or actor.signatory.agreement_id != agreement.id:
            raise NotFound("This signing link is not valid.")
        return
    if not may_manage(actor.user, agreement):
        raise NotFound("This agreement does not exist or is not yours to see.")
    if rule.by is Who.ADMIN and not actor.user.is_admin:
        raise InvalidTransition(f"Only an admin may mark an agreement {rule.past}.")


def refusal(agreement: Agreement, rule: Rule) -> InvalidTransition:
    state = agreement.status.label.lower()
    locked = " and locked" if agreement.locked else ""
    return InvalidTransition(f"This agreement is {state}{locked}: it cannot be {rule.past} now.")


def apply(
    session: Session,
    agreement: Agreement,
    action: str,
    actor: Actor,
    expected_version: int | None,
    effect: Callable[[datetime], str],
    now: datetime | None = None,
) -> Agreement:
    """Run one change: the checks, `effect(now)` (returns the event's text; may set the status
    when the rule leaves it open), the event, the introduction's stage, the commit.
    expected_version None: a signatory, whose link and fingerprint are checked instead."""
    rule = RULES[action]
    _check_who(agreement, rule, actor)
    if expected_version is not None and agreement.version != expected_version:
        raise conflict(session, agreement.id)
    if action != "create" and agreement.status not in rule.sources:
        raise refusal(agreement, rule)
    now = now or utcnow()
    before = None if action == "create" else agreement.status.value
    try:
        text = effect(now)
        agreement.status = rule.target or agreement.status
        agreement.updated_at = now
        document = agreement.document
        session.add(
            AgreementEvent(
                agreement=agreement,
                actor_id=actor.user.id if actor.user else None,
                actor_label=actor.label[:400],
                at=now,
                action=action,
                from_status=before,
                to_status=agreement.status.value,
                sha256=document.sha256 if document else "",
                reason=text[:4000],
            )
        )
        session.flush()  # the agreement's own version check, before the introduction's
        if not _follow_introduction(session, agreement, action, actor):
            session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise conflict(session, agreement.id) from exc
    except (DomainError, NotFound):
        session.rollback()  # refused half-way: nothing of it stays
        raise
    return agreement


def _follow_introduction(session: Session, agreement: Agreement, action: str, actor) -> bool:
    """Move the introduction to "agreement drafted" (its first agreement) or "agreement signed"
    through the introductions' own transition, which commits; False when its stage stays."""
    intro = agreement.introduction
    if action == "create":
        # The company sees the introduction's history but not the office's drafts: no title.
        step, why = introductions.Action.DRAFT_AGREEMENT, "the office drafted an agreement"
    elif action == "sign" and agreement.status is Status.SIGNED:
        step, why = introductions.Action.SIGN_AGREEMENT, "an agreement was signed by everyone"
    else:
        return False
    if intro.stage not in introductions.TRANSITIONS[step].sources:
        return False  # e.g. a second agreement, or a partnership already active
    user = actor.user if step is introductions.Action.DRAFT_AGREEMENT else None
    introductions.transition(session, intro.id, user, step, intro.version, why)
    return True


def conflict(session: Session, agreement_id: int) -> AgreementChanged:
    """Conflict naming who last changed the agreement, and when."""
    session.expire_all()
    last = session.scalar(
        select(AgreementEvent)
        .where(AgreementEvent.agreement_id == agreement_id)
        .order_by(AgreementEvent.id.desc())
        .limit(1)
    )
    if last is None:
        return AgreementChanged("This agreement changed meanwhile; reload it and try again.")
    return AgreementChanged(
        f"{last.actor_label or 'Matchmaker'} got there first: the agreement was "
        f"{last.action.replace('_', ' ')} at {last.at:%Y-%m-%d %H:%M} UTC. "
        "Reload it to see the current state."
    )


def stage_allows_agreements(stage: IntroductionStage) -> bool:
    """Agreements belong to introductions both sides accepted and that are not closed."""
    return stage in CONNECTED and stage is not IntroductionStage.CLOSED


def get_agreement(session: Session, agreement_id: int) -> Agreement:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound("This agreement does not exist or is not yours to see.")
    return agreement
