"""Engagements split by mode (virtual, in person, hybrid).

Two views, both over meetings that took place (status "happened"):
- per meeting, for meetings held in the period: how many, staff hours logged (the cost proxy),
  the office's and the company's average rating;
- per introduction, by the mode of its first meeting (held in the period): how many went on to a
  signed agreement (at any time), and how many meetings those introductions needed per signed
  agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from matchmaker.orm import Agreement, Engagement, EngagementMode, EngagementStatus
from matchmaker.services.metrics.period import Period
from matchmaker.services.metrics.scope import Scope
from matchmaker.services.metrics.sql import within

HELD = EngagementStatus.HAPPENED.value


@dataclass(frozen=True)
class ModeFigures:
    mode: EngagementMode
    meetings: int = 0  # held in the period
    staff_hours: float = 0.0  # logged on engagements of the period, whatever their result
    office_rating: float | None = None
    office_ratings: int = 0
    company_rating: float | None = None
    company_ratings: int = 0
    first_meetings: int = 0  # introductions whose first meeting was in this mode
    converted: int = 0  # ... of which reached a signed agreement
    agreements: int = 0  # signed agreements of those converted introductions
    meetings_of_converted: int = 0  # meetings held by those converted introductions

    @property
    def label(self) -> str:
        return self.mode.label


def by_mode(session: Session, scope: Scope, period: Period) -> list[ModeFigures]:
    """One ModeFigures per mode, in the modes' order, zeros where nothing happened."""
    e = Engagement
    in_scope = (scope.offices(e.office_id),)
    per_meeting = session.execute(
        select(
            e.mode,
            func.sum(case((e.status == HELD, 1), else_=0)),
            func.sum(e.staff_hours),
            func.avg(case((e.status == HELD, e.office_rating))),
            func.count(case((e.status == HELD, e.office_rating))),
            func.avg(case((e.status == HELD, e.company_rating))),
            func.count(case((e.status == HELD, e.company_rating))),
        )
        .where(*in_scope, within(e.starts_at, period.since, period.until))
        .group_by(e.mode)
    ).all()
    # Per introduction: its meetings held (the index on introduction, start serves the grouping),
    # kept when the first one falls in the period; then that first meeting's mode.
    held = (
        select(
            e.introduction_id.label("intro"),
            func.min(e.starts_at).label("first_at"),
            func.count().label("held"),
        )
        .where(*in_scope, e.status == HELD)
        .group_by(e.introduction_id)
        .having(within(func.min(e.starts_at), period.since, period.until))
        .subquery("held")
    )
    first = aliased(Engagement)
    first_mode = (
        select(first.mode)
        .where(first.introduction_id == held.c.intro, first.status == HELD)
        .order_by(first.starts_at, first.id)
        .limit(1)
        .scalar_subquery()
    )
    signed = (
        select(Agreement.introduction_id, func.count().label("n"))
        .where(Agreement.signed_at.is_not(None))
        .group_by(Agreement.introduction_id)
        .subquery("signed")
    )
    firsts_of = (
        select(
            first_mode.label("mode"),
            held.c.held,
            signed.c.n,
        )
        .select_from(held)
        .outerjoin(signed, signed.c.introduction_id == held.c.intro)
        .subquery("firsts")
    )
    per_intro = session.execute(
        select(
            firsts_of.c.mode,
            func.count(),
            func.count(firsts_of.c.n),
            func.coalesce(func.sum(firsts_of.c.n), 0),
            func.coalesce(func.sum(case((firsts_of.c.n.is_not(None), firsts_of.c.held))), 0),
        ).group_by(firsts_of.c.mode)
    ).all()
    meetings = {EngagementMode(m): row for m, *row in per_meeting}
    firsts = {EngagementMode(m): row for m, *row in per_intro}
    figures = []
    for mode in EngagementMode:
        n, hours, o_avg, o_n, c_avg, c_n = meetings.get(mode, (0, None, None, 0, None, 0))
        f_n, conv, agreements, conv_meetings = firsts.get(mode, (0, 0, 0, 0))
        figures.append(
            ModeFigures(
                mode,
                int(n or 0),
                float(hours or 0),
                None if o_avg is None else float(o_avg),
                int(o_n),
                None if c_avg is None else float(c_avg),
                int(c_n),
                int(f_n),
                int(conv),
                int(agreements),
                int(conv_meetings),
            )
        )
    return figures
