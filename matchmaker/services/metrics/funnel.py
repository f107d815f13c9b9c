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

from matchmaker.orm import Introduction, Suggestion, SuggestionStatus
from matchmaker.services.introductions.milestones import step_of
from matchmaker.services.metrics.period import Period
from matchmaker.services.metrics.scope import Scope
from matchmaker.services.metrics.sql import day_number, greatest, median, start_of, within

STEPS = (
    ("suggested", "Suggested"),
    ("accepted", "Accepted by the office"),
    ("introduced", "Introduction accepted"),
    ("engaged", "Engaged"),
    ("signed", "Agreement signed"),
    ("active", "Active partnership"),
)
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


def progressed(scope: Scope, period: Period):
    """One row per suggestion of the cohort that went past "suggested": created (t0), the
    furthest step (level) and when each step was first reached (t1..t5), as day numbers
    (sql.day_number: their differences are days). Every accepted
    suggestion has an introduction (the acceptance opens it in the same transaction).

    How far each introduction went and when are columns of its row (kept by services/
    introductions/milestones.py from its events and signed agreements): the introductions are
    grouped per suggestion from one covering index, then joined to their suggestion by key.
    """
    i = Introduction
    progress = (
        select(
            i.suggestion_id.label("sid"),
            func.max(step_of(i.stage)).label("by_stage"),
            func.max(i.reached_step).label("reached"),
            func.min(i.requested_at).label("t1"),
            func.min(i.introduced_at).label("t2"),
            func.min(i.engaged_at).label("t3"),
            func.min(i.signed_at).label("t4"),
            func.min(i.active_at).label("t5"),
        )
        # An introduction cannot be older than its suggestion: older ones cannot be in the cohort.
        .where(i.requested_at >= start_of(period.since))
        .group_by(i.suggestion_id)
        .subquery("progress")
    )
    s = Suggestion
    return (
        select(
            day_number(s.created_at).label("t0"),
            greatest(progress.c.by_stage, progress.c.reached, _rank(s.status, STATUS_STEP)).label(
                "level"
            ),
            *(day_number(progress.c[f"t{k}"]).label(f"t{k}") for k in range(1, len(STEPS))),
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
    gaps = (
        select(
            literal(k, Integer),
            *median(c, times[k] - times[k - 1], times[k - 1].is_not(None), times[k].is_not(None)),
        )
        for k in range(1, len(STEPS))
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
    for k, figure, n in session.execute(union_all(*gaps, *reached)):
        if k < 0:
            counts[-k] = int(figure or 0)
        elif n:
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
