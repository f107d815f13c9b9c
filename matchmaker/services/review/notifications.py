"""Email to staff about newly routed suggestions: immediately (one email per staff member per
ranking run), as a daily digest, or not at all; every email carries a one-click unsubscribe."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from matchmaker.orm import Role, Suggestion, SuggestionStatus, User, utcnow
from matchmaker.services.errors import DomainError
from matchmaker.services.mail import queue_email
from matchmaker.tokens import InvalidToken, make_token, read_token
from matchmaker.urls import external_url

MODES = {
    "immediate": "Immediately (one email per ranking run)",
    "daily": "A daily digest",
    "off": "Off",
}
UNSUBSCRIBE_MAX_AGE = 366 * 24 * 3600
DIGEST_GAP = timedelta(hours=20)  # cron may run hourly: still one digest a day
LISTED = 20  # suggestions listed in one email; the rest are counted
_ROUTED = "notifications.routed"
WORKABLE = (SuggestionStatus.SUGGESTED, SuggestionStatus.IN_REVIEW)


class InvalidMode(DomainError):
    field = "mode"


def set_mode(session: Session, user_id: int, mode: str) -> User:
    """Choose how a staff member hears about newly routed suggestions."""
    if mode not in MODES:
        raise InvalidMode("Choose one of the options.")
    user = session.get(User, user_id)
    user.notify_mode = mode
    session.commit()
    return user


def unsubscribe_token(user: User) -> str:
    return make_token("unsubscribe", {"u": user.id})


def unsubscribe_user(session: Session, token: str) -> User:
    """Turn a user's notifications off, authenticated by the signed link (idempotent)."""
    user = unsubscribe_owner(session, token)
    user.notify_mode = "off"
    session.commit()
    return user


def unsubscribe_owner(session: Session, token: str) -> User:
    """The user an unsubscribe link belongs to, or InvalidToken."""
    payload = read_token("unsubscribe", token, UNSUBSCRIBE_MAX_AGE)
    user = session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None:
        raise InvalidToken("This link is not valid.")
    return user


# --- immediate emails: collected while a transaction routes suggestions, queued at its commit ---


def note_routed(session: Session, row: Suggestion | int) -> None:
    """Remember a suggestion routed in this transaction (a row, or the id of a stored one)."""
    session.info.setdefault(_ROUTED, []).append(row)


@event.listens_for(Session, "before_commit")
def _queue_immediate(session: Session) -> None:
    noted = session.info.pop(_ROUTED, None)
    if not noted:
        return
    session.flush()
    ids = [r if isinstance(r, int) else r.id for r in noted]
    rows = [r for r in _workable(session, ids) if not r.awaiting_admin]
    by_office: dict[int, list[Suggestion]] = defaultdict(list)
    for row in rows:
        by_office[row.routed_office_id].append(row)
    if not by_office:
        return
    staff = session.scalars(
        select(User).where(
            User.role == Role.OFFICE_STAFF,
            User.active.is_(True),
            User.notify_mode == "immediate",
            User.office_id.in_(by_office),
        )
    )
    for user in staff:
        _queue(session, user, by_office[user.office_id], len(by_office[user.office_id]), "new")


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_ROUTED, None)
    session.info.pop("routing.cache", None)


@event.listens_for(Session, "after_commit")
def _forget_cache(session: Session) -> None:
    session.info.pop("routing.cache", None)


_IDS_PER_QUERY = 10_000  # a full re-rank routes 10^5 rows; PostgreSQL binds 65,535 at most


def _workable(session: Session, ids: list[int]) -> list[Suggestion]:
    rows = [
        row
        for a in range(0, len(ids), _IDS_PER_QUERY)
        for row in session.scalars(
            select(Suggestion).where(
                Suggestion.id.in_(ids[a : a + _IDS_PER_QUERY]), Suggestion.status.in_(WORKABLE)
            )
        )
    ]
    return sorted(rows, key=lambda row: (-row.score, row.id))


def _queue(session: Session, user: User, rows: list[Suggestion], total: int, kind: str) -> None:
    token = unsubscribe_token(user)
    unsubscribe = external_url("notifications.unsubscribe", token=token)
    body = render_template(
        "email/suggestions_routed.txt",
        user=user,
        rows=rows[:LISTED],
        total=total,
        kind=kind,
        link=lambda s: external_url("queue.suggestion", suggestion_id=s.id),
        queue_url=external_url("queue.office_queue"),
        settings_url=external_url("notifications.settings"),
        unsubscribe_url=unsubscribe,
    )
    noun = "suggestion" if total == 1 else "suggestions"
    subject = (
        f"{total} new {noun} for {user.office.name}"
        if kind == "new"
        else f"Daily digest: {total} new {noun} for {user.office.name}"
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    queue_email(session, user.email, subject, body, headers)


# --- the daily digest ---------------------------------------------------------------------------


def send_digests(session: Session, now: datetime | None = None) -> int:
    """Queue one digest per staff member on the daily setting with anything new; returns the
    number queued. Safe to run more often than daily: a digest goes out at most every 20 h."""
    now = now or utcnow()
    users = session.scalars(
        select(User)
        .where(User.role == Role.OFFICE_STAFF, User.active.is_(True), User.notify_mode == "daily")
        .order_by(User.id)
    ).all()
    queued = 0
    for user in users:
        if user.digest_sent_at is not None and now - user.digest_sent_at < DIGEST_GAP:
            continue
        since = user.digest_sent_at or now - timedelta(days=1)
        routed = (
            Suggestion.routed_office_id == user.office_id,
            Suggestion.routed_at > since,
            Suggestion.routed_at <= now,
            Suggestion.status.in_(WORKABLE),
            (Suggestion.flagged.is_(False)) | (Suggestion.flag_rationale != ""),
        )
        rows = session.scalars(
            select(Suggestion)
            .where(*routed)
            .order_by(Suggestion.score.desc(), Suggestion.id)
            .limit(LISTED)
        ).all()
        if rows:
            total = session.scalar(select(func.count()).select_from(Suggestion).where(*routed))
            _queue(session, user, list(rows), total, "digest")
            queued += 1
        user.digest_sent_at = now
    session.commit()
    return queued
