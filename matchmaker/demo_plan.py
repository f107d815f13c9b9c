"""What the demo history (matchmaker/demo_history.py) plays: the suggestions, their days and
how far each goes; drawn from the seeded random generator it is given."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.orm import Office, Suggestion, SuggestionStatus, User

OTHER_OFFICES = 3  # besides the demo staff's office
DECISIONS = {"home": 20, "other": 14}
SIGNED = 6
ACTIVE = 4


@dataclass
class Plan:
    """What happens to one suggestion: decided `days` ago, and how far it goes."""

    suggestion: Suggestion
    days: int
    accept: bool
    answer: str = ""  # "accept", "decline" or "" (no answer yet)
    engagements: int = 0
    sign: bool = False
    activate: bool = False
    feature: bool = False


def open_suggestions(session: Session, office_id: int, exclude: int) -> list[Suggestion]:
    """The office's undecided suggestions (but the demo company's), flagged ones left out."""
    rows = session.scalars(
        select(Suggestion)
        .where(
            Suggestion.routed_office_id == office_id,
            Suggestion.status == SuggestionStatus.SUGGESTED,
            Suggestion.company_id != exclude,
        )
        .order_by(Suggestion.priority_id, Suggestion.profile_id)
    )
    return [s for s in rows if not s.awaiting_admin]


def make_plans(
    session: Session, rng: random.Random, home: Office, member: User, today: datetime
) -> list[Plan]:
    """Which suggestions the history plays, when, and how far each goes."""
    counts = (
        select(Suggestion.routed_office_id, func.count().label("n"))
        .where(Suggestion.routed_office_id != home.id)
        .group_by(Suggestion.routed_office_id)
        .subquery()
    )
    others = session.scalars(
        select(Office.id)
        .join(counts, counts.c.routed_office_id == Office.id)
        .order_by(counts.c.n.desc(), Office.name)
        .limit(OTHER_OFFICES)
    ).all()
    chosen = open_suggestions(session, home.id, member.company_id)[: DECISIONS["home"]]
    for office_id in others:
        chosen += open_suggestions(session, office_id, member.company_id)[: DECISIONS["other"]]
    # A third in the last 90 days (the metrics page's default period), the rest over the year.
    plans = [
        Plan(s, rng.randint(5, 90 if k % 3 == 0 else 355), rng.random() < 0.5)
        for k, s in enumerate(chosen)
    ]
    # One signed partnership of the home office falls in the last full quarter (the briefing).
    quarter_end = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    middle = quarter_end - timedelta(days=45)
    featured = plans[0]
    featured.days, featured.accept = (today.date() - middle).days + 45, True
    for plan in plans:
        if not plan.accept:
            continue
        if plan.days < 25:
            continue  # the company has not answered yet
        plan.answer = "decline" if rng.random() < 0.2 else "accept"
        if plan.answer == "accept":
            plan.engagements = 1 + (plan.days > 60) + (rng.random() < 0.3)
    featured.answer, featured.engagements = "accept", 2
    eligible = [p for p in plans if p.answer == "accept" and p.days >= 70 and p is not featured]
    eligible.sort(key=lambda p: -p.days)  # the oldest are active long enough for follow-ups
    signed = [featured] + eligible[: SIGNED - 1]
    for k, plan in enumerate(signed):
        plan.sign, plan.activate = True, k < ACTIVE
    featured.feature = True
    return sorted(plans, key=lambda p: -p.days)
