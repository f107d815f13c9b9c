"""The "feature in briefing" mark: staff of the introduction's office (or an admin) choose an
introduction or partnership for their city's briefing and write its one-paragraph summary.

Create, edit and remove are version-checked and each appends an IntroductionEvent (without the
summary: the history says that it was featured, the briefing says why)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.orm import BriefingFeature, Introduction, IntroductionStage, User, utcnow
from matchmaker.orm.introductions import CONNECTED
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.introductions import transitions
from matchmaker.services.introductions.people import Side, side_of, visible_introduction
from matchmaker.text import check_text

SUMMARY_MIN = 40
SUMMARY_MAX = 1200
# Featured from the moment both sides said yes: a request or a refusal is no achievement.
FEATURABLE = CONNECTED - {IntroductionStage.DECLINED}


class InvalidSummary(DomainError):
    """The summary is not one paragraph of the allowed length."""


class FeatureChanged(Conflict):
    """Someone marked, edited or removed the feature first."""


def clean_summary(text: str | None) -> str:
    """One paragraph: single line breaks become spaces, a blank line (a second paragraph) is
    refused, and the length is checked on the result."""
    text = (text or "").replace("\r\n", "\n").strip()
    check_text({}, {"summary": text})
    if re.search(r"\n\s*\n", text):
        raise InvalidSummary("Keep the summary to one paragraph (no blank lines).", "summary")
    text = " ".join(text.split())
    if len(text) < SUMMARY_MIN:
        raise InvalidSummary(
            f"Write at least {SUMMARY_MIN} characters: what was achieved, for whom.", "summary"
        )
    if len(text) > SUMMARY_MAX:
        raise InvalidSummary(
            f"Keep the summary under {SUMMARY_MAX} characters (it has {len(text)}).", "summary"
        )
    return text


def staff_introduction(session: Session, introduction_id: int, actor: User) -> Introduction:
    """The introduction if the actor is of its office or an admin; NotFound otherwise (a
    company, or another office, even of the same city)."""
    intro = visible_introduction(session, introduction_id, actor)
    if side_of(actor, intro) not in (Side.OFFICE, Side.ADMIN):
        raise NotFound("This introduction does not exist or is not yours to see.")
    return intro


def feature_of(session: Session, introduction_id: int) -> BriefingFeature | None:
    return session.scalars(
        select(BriefingFeature).where(BriefingFeature.introduction_id == introduction_id)
    ).first()


def _changed(session: Session, introduction_id: int) -> FeatureChanged:
    session.rollback()
    session.expire_all()
    feature = feature_of(session, introduction_id)
    if feature is None:
        return FeatureChanged("Someone removed this feature meanwhile. Reload and try again.")
    who = feature.updated_by.name or feature.updated_by.email if feature.updated_by else "Someone"
    return FeatureChanged(f"{who} changed this feature meanwhile. Reload it and try again.")


def _event(session: Session, intro: Introduction, actor: User, text: str, now: datetime) -> None:
    transitions.record_event(session, intro, actor, intro.stage.value, text, now)


def mark_feature(
    session: Session, introduction_id: int, actor: User, summary: str, now: datetime | None = None
) -> BriefingFeature:
    """Feature an introduction in its city's briefing, with its summary."""
    now = now or utcnow()
    intro = staff_introduction(session, introduction_id, actor)
    if intro.stage not in FEATURABLE:
        raise InvalidTransition(
            "Only an introduction the company accepted (or a partnership) can be featured."
        )
    text = clean_summary(summary)
    if feature_of(session, intro.id) is not None:
        raise FeatureChanged("This introduction is already featured: edit its summary instead.")
    feature = BriefingFeature(
        introduction_id=intro.id,
        office_id=intro.office_id,
        summary=text,
        marked_by_id=actor.id,
        marked_at=now,
        updated_by_id=actor.id,
        updated_at=now,
    )
    session.add(feature)
    _event(session, intro, actor, "featured in the city briefing", now)
    try:
        session.commit()
    except IntegrityError as exc:  # two people marked it at once: the unique introduction_id
        raise _changed(session, introduction_id) from exc
    return feature


def _current(session: Session, intro: Introduction, expected_version: int) -> BriefingFeature:
    feature = feature_of(session, intro.id)
    if feature is None:
        raise FeatureChanged("This introduction is no longer featured. Reload and try again.")
    if feature.version != expected_version:
        raise _changed(session, intro.id)
    return feature


def edit_feature(
    session: Session,
    introduction_id: int,
    actor: User,
    summary: str,
    expected_version: int,
    now: datetime | None = None,
) -> BriefingFeature:
    """Rewrite the summary of a featured introduction."""
    now = now or utcnow()
    intro = staff_introduction(session, introduction_id, actor)
    text = clean_summary(summary)
    feature = _current(session, intro, expected_version)
    feature.summary, feature.updated_by_id, feature.updated_at = text, actor.id, now
    _event(session, intro, actor, "briefing summary edited", now)
    try:
        session.commit()
    except StaleDataError as exc:
        raise _changed(session, introduction_id) from exc
    return feature


def remove_feature(
    session: Session,
    introduction_id: int,
    actor: User,
    expected_version: int,
    now: datetime | None = None,
) -> None:
    """Take an introduction out of the briefing."""
    now = now or utcnow()
    intro = staff_introduction(session, introduction_id, actor)
    feature = _current(session, intro, expected_version)
    session.delete(feature)
    _event(session, intro, actor, "removed from the city briefing", now)
    try:
        session.commit()
    except StaleDataError as exc:
        raise _changed(session, introduction_id) from exc


def save_feature(
    session: Session, introduction_id: int, actor: User, summary: str, expected_version: int
) -> BriefingFeature:
    """The form's use case: version 0 marks a new feature, any other edits that version (a
    feature removed or re-marked meanwhile is a conflict, never silently re-created)."""
    if expected_version == 0:
        return mark_feature(session, introduction_id, actor, summary)
    return edit_feature(session, introduction_id, actor, summary, expected_version)
