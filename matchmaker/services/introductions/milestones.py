"""An introduction's milestones, kept on its row: the furthest funnel step its events and
signed agreements show, and when it first reached each step (introduced, engaged, agreement
signed, active). The metrics' funnel reads these columns instead of grouping the events.

Written in the transaction that writes the event (transitions._event) or signs the agreement
(agreements/signing.py); `backfill` recomputes them from the events and agreements in one
UPDATE (records written by SQL or by hand, as the benchmark and the test worlds do). Whatever
writes them, they equal what the events and agreements say (tests/services/test_milestones.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, func, select, update
from sqlalchemy.orm import Session

from matchmaker.orm import Agreement, Introduction, IntroductionEvent, IntroductionStage

S = IntroductionStage
SIGNED_STEP = 4
# The funnel step an introduction at this stage reached (a closed one got at least introduced).
STEP_OF_STAGE = {
    S.REQUESTED: 1,
    S.DECLINED: 1,
    S.EXPIRED: 1,
    S.WITHDRAWN: 1,  # the office had accepted, then took its request back
    S.INTRODUCED: 2,
    S.CLOSED: 2,
    S.ENGAGED: 3,
    S.AGREEMENT_DRAFTED: 3,
    S.AGREEMENT_SIGNED: SIGNED_STEP,
    S.ACTIVE: 5,
}
# The column holding the first time an event reached the stage.
FIRST_AT = {
    S.INTRODUCED: "introduced_at",
    S.ENGAGED: "engaged_at",
    S.AGREEMENT_SIGNED: "signed_at",
    S.ACTIVE: "active_at",
}


def step_of(column: ColumnElement) -> ColumnElement:
    """SQL: the funnel step of a stage column (0 for anything else)."""
    return case({k.value: v for k, v in STEP_OF_STAGE.items()}, value=column, else_=0)


def event_recorded(intro: Introduction, to_stage: str, at: datetime) -> None:
    """An event moved (or kept) the introduction at `to_stage` at `at`."""
    stage = S(to_stage)
    intro.reached_step = max(intro.reached_step or 1, STEP_OF_STAGE[stage])
    column = FIRST_AT.get(stage)
    if column is None:
        return
    first = getattr(intro, column)
    if stage is S.AGREEMENT_SIGNED:
        # A signed agreement's own time wins over the event's (agreement_signed below).
        if first is None:
            intro.signed_at = at
    elif first is None or at < first:
        setattr(intro, column, at)


def agreement_signed(session: Session, intro: Introduction, agreement: Agreement, at: datetime):
    """One of the introduction's agreements was signed by everyone at `at`: the introduction
    was signed at its first signed agreement."""
    with session.no_autoflush:
        earlier = session.scalar(
            select(func.min(Agreement.signed_at)).where(
                Agreement.introduction_id == intro.id,
                Agreement.id != agreement.id,
                Agreement.signed_at.is_not(None),
            )
        )
    intro.signed_at = at if earlier is None else min(earlier, at)
    intro.reached_step = max(intro.reached_step or 1, SIGNED_STEP)


def backfill(session: Session) -> None:
    """Recompute every introduction's milestones from its events and agreements (one UPDATE
    with correlated aggregates; the index on introduction, stage, time serves the events).
    Loaded introductions are expired so they read the new values."""
    i, e, a = Introduction, IntroductionEvent, Agreement

    def first(stage: IntroductionStage):
        return (
            select(func.min(e.at))
            .where(e.introduction_id == i.id, e.to_stage == stage.value)
            .scalar_subquery()
        )

    by_event = func.coalesce(
        select(func.max(step_of(e.to_stage))).where(e.introduction_id == i.id).scalar_subquery(),
        1,
    )
    signed = select(func.min(a.signed_at)).where(
        a.introduction_id == i.id, a.signed_at.is_not(None)
    )
    has_signed = exists().where(a.introduction_id == i.id, a.signed_at.is_not(None))
    session.execute(
        update(i)
        .values(
            reached_step=case(
                (by_event >= SIGNED_STEP, by_event),
                (has_signed, SIGNED_STEP),
                (by_event < 1, 1),
                else_=by_event,
            ),
            introduced_at=first(S.INTRODUCED),
            engaged_at=first(S.ENGAGED),
            signed_at=func.coalesce(signed.scalar_subquery(), first(S.AGREEMENT_SIGNED)),
            active_at=first(S.ACTIVE),
        )
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
