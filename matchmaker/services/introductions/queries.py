"""Read side of introductions: the office's and the company's lists, the counts by stage, one
introduction's page (what each viewer may see of it) and the ones behind a suggestion."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from matchmaker.orm import (
    Agreement,
    Company,
    Engagement,
    EngagementStatus,
    Introduction,
    IntroductionEvent,
    IntroductionMessage,
    IntroductionStage,
    Office,
    User,
    utcnow,
)
from matchmaker.services.introductions import blocks, people
from matchmaker.services.introductions.engagement_queries import partnership_context
from matchmaker.services.introductions.people import visible_introduction


@dataclass(frozen=True)
class IntroductionFilters:
    stage: str = ""
    q: str = ""  # part of the company's name (office) or the office's name (company)
    office_id: int | None = None  # admins: one office


def _base() -> Select:
    return (
        select(Introduction)
        .join(Introduction.company)
        .join(Introduction.office)
        .join(Introduction.priority)
        .options(
            contains_eager(Introduction.company),
            contains_eager(Introduction.office),
            contains_eager(Introduction.priority),
        )
        .order_by(Introduction.requested_at.desc(), Introduction.id.desc())
    )


def _stage(query: Select, stage: str) -> Select:
    if stage in {s.value for s in IntroductionStage}:
        query = query.where(Introduction.stage == stage)
    return query


def office_introductions(office_id: int | None, f: IntroductionFilters) -> Select:
    """An office's introductions (None: every office, for admins), newest first."""
    query = _stage(_base(), f.stage)
    office = office_id or f.office_id
    if office:
        query = query.where(Introduction.office_id == office)
    if q := f.q.strip():
        query = query.where(Company.name.icontains(q, autoescape=True))
    return query


def company_introductions(company_id: int, f: IntroductionFilters) -> Select:
    """A company's own introductions, newest first."""
    query = _stage(_base(), f.stage).where(Introduction.company_id == company_id)
    if q := f.q.strip():
        query = query.where(Office.name.icontains(q, autoescape=True))
    return query


def stage_counts(
    session: Session, *, office_id: int | None = None, company_id: int | None = None
) -> dict[str, int]:
    """How many introductions are at each stage, for the list's tabs."""
    query = select(Introduction.stage, func.count()).group_by(Introduction.stage)
    if office_id:
        query = query.where(Introduction.office_id == office_id)
    if company_id:
        query = query.where(Introduction.company_id == company_id)
    return {stage.value: n for stage, n in session.execute(query)}


def for_suggestion(session: Session, suggestion_id: int) -> list[Introduction]:
    """The introductions requested for a suggestion (a lapsed one may be requested again)."""
    return list(
        session.scalars(
            select(Introduction)
            .where(Introduction.suggestion_id == suggestion_id)
            .order_by(Introduction.id.desc())
        )
    )


@dataclass(frozen=True)
class SuggestionIntroduction:
    """An introduction as the suggestion page sums it up."""

    intro: Introduction
    engagements: int
    next_engagement: Engagement | None  # the first planned one still to come
    agreements: list[Agreement]  # with their current document (its SHA-256 fingerprint)


def summaries_for_suggestion(session: Session, suggestion_id: int) -> list[SuggestionIntroduction]:
    """The suggestion's introductions with their engagements and agreements, for its page."""
    intros = for_suggestion(session, suggestion_id)
    ids = [i.id for i in intros]
    if not ids:
        return []
    engagements = session.scalars(
        select(Engagement)
        .where(Engagement.introduction_id.in_(ids))
        .order_by(Engagement.starts_at, Engagement.id)
    ).all()
    agreements = session.scalars(
        select(Agreement)
        .where(Agreement.introduction_id.in_(ids))
        .options(selectinload(Agreement.documents))
        .order_by(Agreement.id)
    ).all()
    now = utcnow()
    return [
        SuggestionIntroduction(
            intro,
            sum(1 for e in engagements if e.introduction_id == intro.id),
            next(
                (
                    e
                    for e in engagements
                    if e.introduction_id == intro.id
                    and e.status == EngagementStatus.PLANNED
                    and e.starts_at >= now
                ),
                None,
            ),
            [a for a in agreements if a.introduction_id == intro.id],
        )
        for intro in intros
    ]


def introduction_page(session: Session, introduction_id: int, viewer: User) -> dict:
    """One introduction as this viewer may see it: contacts only once both said yes, the
    priority's description only when the office made it visible to companies."""
    intro = visible_introduction(session, introduction_id, viewer)
    title, description = people.priority_for_company(intro.priority)
    events = session.scalars(
        select(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == intro.id)
        .options(joinedload(IntroductionEvent.actor))
        .order_by(IntroductionEvent.id)
    ).all()
    messages = session.scalars(
        select(IntroductionMessage)
        .where(IntroductionMessage.introduction_id == intro.id)
        .options(joinedload(IntroductionMessage.author))
        .order_by(IntroductionMessage.id)
    ).all()
    return {
        "intro": intro,
        "priority_title": title,
        "priority_description": description,
        "contacts": people.contacts_for(session, intro, viewer),
        "events": [(e, _who(e, intro, viewer)) for e in events],
        "messages": messages,
        "blocked": blocks.is_blocked(session, intro.company_id, intro.office_id),
        **partnership_context(session, intro, viewer),  # engagements, outcomes, follow-ups
    }


def _who(event: IntroductionEvent, intro: Introduction, viewer: User) -> str:
    """Who acted, as this viewer may know it: a person of the other side is named only once
    both said yes; before that, by their organisation."""
    actor = event.actor
    if actor is None:
        return "Matchmaker"
    same_side = (actor.is_company and viewer.is_company) or (actor.is_staff and viewer.is_staff)
    if intro.connected or viewer.is_admin or same_side:
        return actor.name or actor.email
    return intro.company.name if actor.is_company else intro.office.name


def office_choices(session: Session) -> list[tuple[int, str]]:
    """Offices that have introductions, for the admins' filter."""
    rows = session.execute(
        select(Office.id, Office.name)
        .where(Office.id.in_(select(Introduction.office_id)))
        .order_by(Office.name)
    )
    return [(i, n) for i, n in rows]
