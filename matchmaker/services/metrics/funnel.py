"""The funnel: suggestions created in the period (the cohort), followed to today.

Each suggestion counts once, at the furthest step it reached; it then counts in every step up
to that one, so a step never holds more than the step before (an introduction that skipped a
stage, say signed without a logged meeting, still counts as engaged). Where a step was reached
is told by the introduction's stage, its events, a signed agreement, or the suggestion's own
status (whichever goes furthest); when, by the first event of that step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, case, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from matchmaker.orm import (
    Agreement,
    Introduction,
    IntroductionEvent,
    IntroductionStage,
    Suggestion,
    SuggestionStatus,
)
from matchmaker.services.metrics.period import Period
from matchmaker.services.metrics.scope import Scope
from matchmaker.services.metrics.sql import days_between, medians, start_of, within

STEPS = (
    ("suggested", "Suggested"),
    ("accepted", "Accepted by the office"),
    ("introduced", "Introduction accepted"),
    ("engaged", "Engaged"),
    ("signed", "Agreement signed"),
    ("active", "Active partnership"),
)
S = IntroductionStage
# How far an introduction's stage shows it went (a closed one got at least introduced).
STAGE_STEP = {
    S.REQUESTED: 1,
    S.DECLINED: 1,
    S.EXPIRED: 1,
    S.INTRODUCED: 2,
    S.CLOSED: 2,
    S.ENGAGED: 3,
    S.AGREEMENT_DRAFTED: 3,
    S.AGREEMENT_SIGNED: 4,
    S.ACTIVE: 5,
}
# Events whose time is the time a step was reached.
EVENT_STEP = {S.INTRODUCED: 2, S.ENGAGED: 3, S.AGREEMENT_SIGNED: 4, S.ACTIVE: 5}
ST = SuggestionStatus
STATUS_STEP = {
    ST.ACCEPTED: 1,
    ST.COMPANY_DECLINED: 1,
    ST.NO_ANSWER: 1,
    ST.INTRODUCED: 2,
    ST.ENGAGED: 3,
    ST.AGREEMENT: 4,
}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Median:
    """Median days from the step before to this one, over `n` suggestions that did both."""

    key: str
    label: str
    days: float | None
    n: int


def _rank(column, table: dict) -> object:
    return case({k.value: v for k, v in table.items()}, value=column, else_=0)


def _marks(period: Period):
    """(suggestion id, step, when) for every sign of progress: one UNION ALL, no Python loop."""
    i, e, a = Introduction, IntroductionEvent, Agreement
    # An introduction cannot be older than its suggestion: older ones cannot be in the cohort.
    recent = i.requested_at >= start_of(period.since)
    no_time = null().cast(DateTime)
    timed = case({k.value: e.at for k in EVENT_STEP}, value=e.to_stage, else_=no_time)
    return union_all(
        select(
            i.suggestion_id.label("sid"), literal(1, Integer).label("step"), i.requested_at
        ).where(recent),
        select(i.suggestion_id, _rank(i.stage, STAGE_STEP), no_time).where(recent),
        select(i.suggestion_id, _rank(e.to_stage, EVENT_STEP | STAGE_STEP), timed)
        .join(i, i.id == e.introduction_id)
        .where(recent),
        select(i.suggestion_id, literal(4, Integer), a.signed_at)
        .join(i, i.id == a.introduction_id)
        .where(recent, a.signed_at.is_not(None)),
    ).subquery("marks")


def cohort(scope: Scope, period: Period):
    """One row per suggestion of the cohort: created (t0), furthest step, when each was reached."""
    marks = _marks(period)
    mark_at = marks.c.requested_at  # the union's third column keeps the first select's name
    progress = (
        select(
            marks.c.sid,
            func.max(marks.c.step).label("level"),
            *(
                func.min(case((marks.c.step == k, mark_at))).label(f"t{k}")
                for k in range(1, len(STEPS))
            ),
        )
        .group_by(marks.c.sid)
        .subquery("progress")
    )
    s = Suggestion
    reached = func.coalesce(progress.c.level, 0)
    by_status = _rank(s.status, STATUS_STEP)
    return (
        select(
            s.id,
            s.created_at.label("t0"),
            case((reached >= by_status, reached), else_=by_status).label("level"),
            *(progress.c[f"t{k}"] for k in range(1, len(STEPS))),
        )
        .outerjoin(progress, progress.c.sid == s.id)
        .where(scope.offices(s.routed_office_id), within(s.created_at, period.since, period.until))
        .cte("cohort")
    )


def funnel(session: Session, scope: Scope, period: Period) -> tuple[list[Step], list[Median]]:
    """The steps with their counts, and the median days between consecutive steps."""
    c = cohort(scope, period)
    counts = session.execute(
        select(
            func.count(),
            *(func.coalesce(func.sum(case((c.c.level >= k, 1), else_=0)), 0) for k in range(1, 6)),
        )
    ).one()
    steps = [Step(key, label, int(n or 0)) for (key, label), n in zip(STEPS, counts, strict=True)]
    gaps = union_all(
        *(
            select(
                literal(k, Integer).label("grp"),
                days_between(c.c[f"t{k - 1}"], c.c[f"t{k}"]).label("value"),
            )
            for k in range(1, len(STEPS))
        )
    )
    found = {int(k): (float(d), int(n)) for k, d, n in session.execute(medians(gaps))}
    return steps, [
        Median(key, f"{STEPS[k - 1][1]} to {label.lower()}", *found.get(k, (None, 0)))
        for k, (key, label) in enumerate(STEPS)
        if k > 0
    ]
