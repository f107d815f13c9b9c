"""The funnel as plain figures (for the API): the same scope, period, funnel and small-number rule
as the metrics page, with each rate or median kept as a number, or marked suppressed where the
page shows only its count ("n=3")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from matchmaker.orm import User, utcnow
from matchmaker.services.metrics.funnel import funnel
from matchmaker.services.metrics.period import Period, resolve_period
from matchmaker.services.metrics.scope import Scope, resolve_scope

SMALL = 5  # a rate, average or median resting on fewer items is suppressed


@dataclass(frozen=True)
class Figure:
    """A rate or average resting on `count` items; `value` is None when there is none, or when
    `suppressed` because count is below SMALL."""

    count: int
    value: float | None
    suppressed: bool


def rate_figure(part: int, whole: int) -> Figure | None:
    """part of whole as a percentage (one decimal); None when whole is 0."""
    if whole == 0:
        return None
    if part < SMALL:
        return Figure(part, None, True)
    return Figure(part, round(100.0 * part / whole, 1), False)


def average_figure(value: float | None, n: int, digits: int = 1) -> Figure:
    """An average or median of n items (None when there is none)."""
    if n == 0 or value is None:
        return Figure(n, None, False)
    if n < SMALL:
        return Figure(n, None, True)
    return Figure(n, round(value, digits), False)


@dataclass(frozen=True)
class StepFigures:
    key: str
    label: str
    count: int
    from_previous: Figure | None  # None for the first step, or when the step before is empty
    of_suggested: Figure | None


@dataclass(frozen=True)
class TimingFigures:
    key: str  # the step reached; the time is from the step before
    label: str
    median_days: Figure


@dataclass(frozen=True)
class FunnelFigures:
    scope: Scope
    period: Period
    steps: list[StepFigures]
    timings: list[TimingFigures]


def resolve(
    session: Session,
    user: User,
    scope_key: str,
    preset: str,
    since: date | None,
    until: date | None,
    today: date | None,
) -> tuple[Scope, Period]:
    """The scope the user may see and the period asked for: what the page, its CSV and the API
    all start from (NotFound, InvalidPeriod)."""
    scope = resolve_scope(session, user, scope_key)
    return scope, resolve_period(preset, since, until, today or utcnow().date())


def funnel_figures(
    session: Session,
    user: User,
    scope_key: str,
    preset: str,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> FunnelFigures:
    """The funnel of a scope the user may see, for a period (NotFound, InvalidPeriod)."""
    scope, period = resolve(session, user, scope_key, preset, since, until, today)
    steps, medians = funnel(session, scope, period)
    rows = [
        StepFigures(
            step.key,
            step.label,
            step.count,
            rate_figure(step.count, steps[n - 1].count) if n else None,
            rate_figure(step.count, steps[0].count) if n else None,
        )
        for n, step in enumerate(steps)
    ]
    timings = [TimingFigures(m.key, m.label, average_figure(m.days, m.n)) for m in medians]
    return FunnelFigures(scope, period, rows, timings)
