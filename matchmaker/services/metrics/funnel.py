"""The funnel: suggestions created in the period (the cohort), followed to today.

Each suggestion counts once, at the furthest step it reached; it then counts in every step up
to that one, so a step never holds more than the step before (an introduction that skipped a
stage, say signed without a logged meeting, still counts as engaged). Where a step was reached
is told by the introduction's stage, its events, a signed agreement, or the suggestion's own
status (whichever goes furthest); when, by the first event of that step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, case, func, literal, select, union_all
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


def _greatest(*values) -> object:
    """The largest of a few non-null integers (SQLite's max() and PostgreSQL's GREATEST differ)."""
    best = values[0]
    for value in values[1:]:
        best = case((value > best, value), else_=best)
    return best


def _introductions(period: Period):
    """One row per introduction that may belong to the cohort: how far it went and when.

    The events are grouped per introduction once (the index on introduction, stage, time
    covers it), then joined to the introductions: no sort of the events, no per-row lookups.
    """
    i, e, a = Introduction, IntroductionEvent, Agreement

    def first(stage: IntroductionStage):
        return func.min(case((e.to_stage == stage.value, e.at)))

    events = (
        select(
            e.introduction_id.label("iid"),
            func.max(_rank(e.to_stage, STAGE_STEP)).label("by_event"),
            first(S.INTRODUCED).label("t2"),
            first(S.ENGAGED).label("t3"),
            first(S.AGREEMENT_SIGNED).label("signed_event"),
            first(S.ACTIVE).label("t5"),
        )
        .group_by(e.introduction_id)
        .subquery("events")
    )
    signed = (
        select(a.introduction_id.label("iid"), func.min(a.signed_at).label("signed_at"))
        .where(a.signed_at.is_not(None))
        .group_by(a.introduction_id)
        .subquery("signed")
    )
    return (
        select(
            i.suggestion_id.label("sid"),
            _rank(i.stage, STAGE_STEP).label("by_stage"),
            events.c.by_event,
            i.requested_at.label("t1"),
            events.c.t2,
            events.c.t3,
            func.coalesce(signed.c.signed_at, events.c.signed_event).label("t4"),
            events.c.t5,
        )
        .outerjoin(events, events.c.iid == i.id)
        .outerjoin(signed, signed.c.iid == i.id)
        # An introduction cannot be older than its suggestion: older ones cannot be in the cohort.
        .where(i.requested_at >= start_of(period.since))
        .subquery("intros")
    )


def progressed(scope: Scope, period: Period):
    """One row per suggestion of the cohort that went past "suggested": created (t0), the
    furthest step (level) and when each step was first reached (t1..t5). Every accepted
    suggestion has an introduction (the acceptance opens it in the same transaction)."""
    intros = _introductions(period)
    progress = (
        select(
            intros.c.sid,
            func.max(intros.c.by_stage).label("by_stage"),
            func.max(intros.c.by_event).label("by_event"),
            *(func.min(intros.c[f"t{k}"]).label(f"t{k}") for k in range(1, len(STEPS))),
        )
        .group_by(intros.c.sid)
        .subquery("progress")
    )
    s = Suggestion
    # From the few progressed suggestions to their suggestion row by primary key, never from
    # every suggestion of the period to a grouped subquery.
    return (
        select(
            s.created_at.label("t0"),
            # Each expression here is a plain column: repeating it in the CASEs costs nothing.
            _greatest(
                progress.c.by_stage,
                func.coalesce(progress.c.by_event, 0),
                case((progress.c.t4.is_not(None), 4), else_=0),
                case((progress.c.t5.is_not(None), 5), else_=0),
                _rank(s.status, STATUS_STEP),
            ).label("level"),
            *(progress.c[f"t{k}"] for k in range(1, len(STEPS))),
        )
        .select_from(progress)
        .join(s, s.id == progress.c.sid)
        .where(scope.offices(s.routed_office_id), within(s.created_at, period.since, period.until))
    )


def funnel(session: Session, scope: Scope, period: Period) -> tuple[list[Step], list[Median]]:
    """The steps with their counts, and the median days between consecutive steps."""
    s = Suggestion
    suggested = session.scalar(
        select(func.count()).where(
            scope.offices(s.routed_office_id), within(s.created_at, period.since, period.until)
        )
    )
    # One statement: the cohort is computed once (materialized), then counted per step and
    # read once per pair of steps for the medians.
    c = progressed(scope, period).cte("cohort").prefix_with("MATERIALIZED")
    times = [c.c[f"t{k}"] for k in range(len(STEPS))]
    gaps = union_all(
        *(
            select(literal(k, Integer).label("grp"), days_between(times[k - 1], times[k])).where(
                times[k - 1].is_not(None), times[k].is_not(None)
            )
            for k in range(1, len(STEPS))
        )
    )
    reached = (
        select(
            literal(-k, Integer),
            func.coalesce(func.sum(case((c.c.level >= k, 1), else_=0)), 0),
            literal(0, Integer),
        )
        for k in range(1, len(STEPS))
    )
    found, counts = {}, {}
    for k, figure, n in session.execute(union_all(medians(gaps), *reached)):
        if k < 0:
            counts[-k] = int(figure or 0)
        else:
            found[int(k)] = (float(figure), int(n))
    steps = [
        Step(key, label, suggested if k == 0 else counts.get(k, 0))
        for k, (key, label) in enumerate(STEPS)
    ]
    return steps, [
        Median(key, f"{STEPS[k - 1][1]} to {label.lower()}", *found.get(k, (None, 0)))
        for k, (key, label) in enumerate(STEPS)
        if k > 0
    ]
