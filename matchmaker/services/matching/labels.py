"""Decided suggestions as graded relevance labels: the one place that says which decisions count.

agreement signed (3) > introduction accepted by the company (2) > accepted by the office (1) >
declined as not fitting (0). A decline for another reason (the office is already engaged, the
pair is sensitive, a duplicate, ...) says nothing about fit and is no label; neither is a
suggestion nobody decided yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.orm import (
    Agreement,
    AgreementStatus,
    InterestProfile,
    Introduction,
    IntroductionStage,
    Office,
    Priority,
    Suggestion,
    SuggestionStatus,
)
from matchmaker.orm.introductions import CONNECTED  # both sides said yes
from matchmaker.ranking.learning import Label

S = SuggestionStatus
SIGNED, INTRODUCED, ACCEPTED, NOT_A_FIT = 3, 2, 1, 0
GRADE_NAMES = {
    SIGNED: "agreement signed",
    INTRODUCED: "introduction accepted",
    ACCEPTED: "accepted",
    NOT_A_FIT: "declined as not a fit",
}

# Every reason of services/review/decisions.DECLINE_REASONS is in exactly one of these (tested).
FIT_DECLINE_REASONS = frozenset({"not_a_fit", "company_too_small"})
OTHER_DECLINE_REASONS = frozenset({"already_engaged", "sensitive", "duplicate", "other"})
# The office said yes: what happened next only raises the grade. A company declining the
# introduction (COMPANY_DECLINED) leaves the office's yes, so it stays "accepted".
ACCEPTED_STATES = frozenset({S.ACCEPTED, S.INTRODUCED, S.ENGAGED, S.AGREEMENT, S.COMPANY_DECLINED})
DECIDED_STATES = ACCEPTED_STATES | {S.DECLINED}
SIGNED_STAGES = (IntroductionStage.AGREEMENT_SIGNED, IntroductionStage.ACTIVE)
SIGNED_AGREEMENTS = (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)


def grade_of(status: str, decline_reason: str | None, introduced: bool, signed: bool) -> int | None:
    """Return a decision's grade, or None when the suggestion is no label."""
    if status == S.DECLINED:
        return NOT_A_FIT if decline_reason in FIT_DECLINE_REASONS else None
    if status not in ACCEPTED_STATES:
        return None  # undecided: suggested, in review, snoozed, expired, back without answer
    if signed:
        return SIGNED
    return INTRODUCED if introduced else ACCEPTED


@dataclass(frozen=True)
class Decision:
    """A labelled suggestion with the rows an export or a fit needs."""

    label: Label
    priority_id: int
    profile_id: int


def decision_time():
    """When a suggestion was decided (older rows may lack decided_at: their last change)."""
    return func.coalesce(Suggestion.decided_at, Suggestion.updated_at)


def decisions(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[Decision]:
    """Every decided suggestion that is a label, oldest decision first; since <= t < until."""
    at = decision_time()
    introduced = exists().where(
        Introduction.suggestion_id == Suggestion.id, Introduction.stage.in_(sorted(CONNECTED))
    )
    signed = exists().where(
        Introduction.suggestion_id == Suggestion.id,
        Introduction.stage.in_(SIGNED_STAGES),
    ) | exists().where(
        Agreement.introduction_id == Introduction.id,
        Introduction.suggestion_id == Suggestion.id,
        Agreement.status.in_(SIGNED_AGREEMENTS),
    )
    query = select(
        Suggestion.id,
        Suggestion.priority_id,
        Suggestion.profile_id,
        Suggestion.status,
        Suggestion.decline_reason,
        at.label("at"),
        introduced.label("introduced"),
        signed.label("signed"),
    ).where(Suggestion.status.in_(DECIDED_STATES))
    if since is not None:
        query = query.where(at >= since)
    if until is not None:
        query = query.where(at < until)
    out = []
    for row in session.execute(query.order_by(at, Suggestion.id)):
        grade = grade_of(row.status, row.decline_reason, bool(row.introduced), bool(row.signed))
        if grade is not None:
            label = Label(row.priority_id, row.profile_id, grade, row.at)
            out.append(Decision(label, row.priority_id, row.profile_id))
    return out


def labelled_rows(
    session: Session, found: list[Decision]
) -> tuple[dict[int, Priority], dict[int, InterestProfile]]:
    """The priorities and profiles of the decisions, whatever their status is now."""
    p_ids = sorted({d.priority_id for d in found})
    c_ids = sorted({d.profile_id for d in found})
    priorities = session.scalars(
        select(Priority)
        .where(Priority.id.in_(p_ids))
        .options(joinedload(Priority.office).joinedload(Office.city))
    ).unique()
    profiles = session.scalars(
        select(InterestProfile)
        .where(InterestProfile.id.in_(c_ids))
        .options(joinedload(InterestProfile.company))
    ).unique()
    return {p.id: p for p in priorities}, {c.id: c for c in profiles}


def grade_counts(labels: list[Label]) -> dict[str, int]:
    """Labels per grade name, best grade first."""
    return {name: sum(x.grade == g for x in labels) for g, name in GRADE_NAMES.items()}
