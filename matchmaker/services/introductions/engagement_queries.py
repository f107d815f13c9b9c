"""Read side of engagements, outcomes and follow-ups: what each viewer may see of them on an
introduction's page, the forms' choices, and the office dashboard's week and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.orm import Engagement, Introduction, User, utcnow
from matchmaker.services.errors import NotFound
from matchmaker.services.introductions import followups, outcomes
from matchmaker.services.introductions.engagements import visible_engagement
from matchmaker.services.introductions.people import (
    Side,
    active_members,
    active_staff,
    side_of,
    visible_introduction,
)


@dataclass(frozen=True)
class EngagementView:
    engagement: Engagement
    local_start: datetime  # in the engagement's own zone
    staff: list[str]
    members: list[str]
    guests: list[str]
    internal: bool  # the viewer may see notes, staff hours and the office's rating

    @property
    def needs_result(self) -> bool:
        return self.engagement.status == "planned" and self.engagement.starts_at <= utcnow()


def _names(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.name or u.email for u in session.scalars(select(User).where(User.id.in_(ids)))}


def views(session: Session, engagements: list[Engagement], viewer: User) -> list[EngagementView]:
    names = _names(session, [i for e in engagements for i in (*e.staff_ids, *e.member_ids)])
    return [
        EngagementView(
            e,
            e.starts_at.astimezone(ZoneInfo(e.time_zone)),
            [names[i] for i in e.staff_ids if i in names],
            [names[i] for i in e.member_ids if i in names],
            list(e.guests),
            not viewer.is_company,
        )
        for e in engagements
    ]


def partnership_context(session: Session, intro: Introduction, viewer: User) -> dict:
    """The introduction page's engagements (every viewer who sees the page) and, for the office
    and admins, the outcomes and follow-ups."""
    rows = session.scalars(
        select(Engagement)
        .where(Engagement.introduction_id == intro.id)
        .order_by(Engagement.starts_at.desc(), Engagement.id.desc())
    ).all()
    context = {"engagements": views(session, list(rows), viewer)}
    if not viewer.is_company:
        context["outcomes"] = outcomes.outcomes_of(session, intro.id)
        context["follow_ups"] = followups.for_introduction(session, intro.id)
    return context


def staff_introduction(session: Session, introduction_id: int, actor: User) -> Introduction:
    intro = visible_introduction(session, introduction_id, actor)
    if side_of(actor, intro) not in (Side.OFFICE, Side.ADMIN):
        raise NotFound("This introduction does not exist or is not yours to see.")
    return intro


def form_choices(session: Session, intro: Introduction) -> dict:
    """The two sides' people who can take part."""
    return {
        "staff": active_staff(session, intro.office_id),
        "members": active_members(session, intro.company_id),
    }


def staff_engagement(session: Session, engagement_id: int, actor: User) -> dict:
    """An engagement for the office's forms, with the introduction and the choices."""
    engagement = visible_engagement(session, engagement_id, actor)
    intro = staff_introduction(session, engagement.introduction_id, actor)
    (view,) = views(session, [engagement], actor)
    return {"engagement": engagement, "view": view, "intro": intro, **form_choices(session, intro)}


def office_dashboard(session: Session, office_id: int | None, now: datetime | None = None) -> dict:
    """This week's engagements (Monday to Sunday, UTC) and the follow-ups due or overdue."""
    now = now or utcnow()
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    query = (
        select(Engagement)
        .where(Engagement.starts_at >= monday, Engagement.starts_at < monday + timedelta(days=7))
        .options(joinedload(Engagement.introduction).joinedload(Introduction.company))
        .order_by(Engagement.starts_at)
        .limit(50)
    )
    if office_id:
        query = query.where(Engagement.office_id == office_id)
    week = [(e, e.starts_at.astimezone(ZoneInfo(e.time_zone))) for e in session.scalars(query)]
    return {
        "engagements_week": week,
        "follow_up_tasks": followups.open_tasks(session, office_id, now.date()),
    }


def visible_engagements(viewer: User) -> Select:
    """The engagements of the introductions the viewer takes part in (admins: all), as a query
    (the API's list; one engagement is checked by visible_engagement)."""
    query = select(Engagement).join(Introduction, Introduction.id == Engagement.introduction_id)
    if viewer.is_admin:
        return query
    if viewer.is_staff:
        return query.where(Introduction.office_id == viewer.office_id)
    return query.where(Introduction.company_id == viewer.company_id)
