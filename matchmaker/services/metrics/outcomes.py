"""What partnerships brought: outcomes recorded in the period (investment by currency, jobs
expected, pilots, offices opened) and follow-ups completed in the period (what actually
happened). Amounts are never converted between currencies."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.orm import FollowUp, Introduction, Outcome, OutcomeKind
from matchmaker.services.metrics.period import Period
from matchmaker.services.metrics.scope import Scope
from matchmaker.services.metrics.sql import within


@dataclass
class Outcomes:
    investment: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount expected
    invested: dict[str, Decimal] = field(default_factory=dict)  # currency -> reported
    jobs_expected: int = 0
    jobs_reported: int = 0
    follow_ups: int = 0
    by_kind: dict[OutcomeKind, int] = field(default_factory=dict)

    @property
    def pilots(self) -> int:
        return self.by_kind.get(OutcomeKind.PILOT, 0)

    @property
    def offices_opened(self) -> int:
        return self.by_kind.get(OutcomeKind.OFFICE_OPENING, 0)


def outcomes(session: Session, scope: Scope, period: Period) -> Outcomes:
    """The outcome and follow-up totals of the scope's partnerships in the period."""
    o, i, fu = Outcome, Introduction, FollowUp
    result = Outcomes()
    recorded = (
        select()
        .select_from(o)
        .join(i, i.id == o.introduction_id)
        .where(scope.offices(i.office_id), within(o.recorded_at, period.since, period.until))
    )
    for kind, n, jobs in session.execute(
        recorded.add_columns(o.kind, func.count(), func.sum(o.jobs_expected)).group_by(o.kind)
    ):
        result.by_kind[OutcomeKind(kind)] = int(n)
        result.jobs_expected += int(jobs or 0)
    money = (o.kind == OutcomeKind.INVESTMENT.value, o.amount.is_not(None), o.currency != "")
    for currency, amount in session.execute(
        recorded.add_columns(o.currency, func.sum(o.amount)).where(*money).group_by(o.currency)
    ):
        result.investment[currency] = Decimal(amount)
    done = (
        select()
        .select_from(fu)
        .where(
            scope.offices(fu.office_id),
            fu.done_at.is_not(None),
            within(fu.done_at, period.since, period.until),
        )
    )
    n, jobs = session.execute(done.add_columns(func.count(), func.sum(fu.actual_jobs))).one()
    result.follow_ups, result.jobs_reported = int(n), int(jobs or 0)
    reported = (fu.actual_amount.is_not(None), fu.actual_currency != "")
    for currency, amount in session.execute(
        done.add_columns(fu.actual_currency, func.sum(fu.actual_amount))
        .where(*reported)
        .group_by(fu.actual_currency)
    ):
        result.invested[currency] = Decimal(amount)
    return result
