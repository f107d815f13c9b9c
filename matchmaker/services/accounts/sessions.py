"""Server-side sessions: begin one at login, recognise a live one, list and end them.

The cookie carries "<record id>:<secret>"; the record keeps only the secret's hash. A session is
live while it has not ended and neither the idle nor the absolute timeout has passed, so a copied
cookie stops working the moment its session ends (logout, password change, deactivation).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from matchmaker.database import immediate_transactions
from matchmaker.orm import AuthEventKind, SessionEnd, User, UserSession, utcnow
from matchmaker.services.accounts.auth_events import record_auth_event
from matchmaker.services.errors import InvalidTransition, NotFound
from matchmaker.text import one_line

# last_seen_at is written at most this often: a page view must not write every time (SQLite).
TOUCH_INTERVAL = timedelta(minutes=5)
# Ended and timed-out records are kept this long (the sessions page, investigations), then purged.
KEEP_ENDED = timedelta(days=30)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    # The idle limit allows for last_seen_at lagging up to TOUCH_INTERVAL behind the last request.
    idle = config["PERMANENT_SESSION_LIFETIME"] + TOUCH_INTERVAL
    return idle, config["SESSION_ABSOLUTE_LIFETIME"]


def _live():
    idle, absolute = _limits()
    now = utcnow()
    return (
        UserSession.ended_at.is_(None),
        UserSession.last_seen_at > now - idle,
        UserSession.created_at > now - absolute,
    )


def begin_session(
    session: Session, user: User, *, ip: str, user_agent: str, login: str | None
) -> tuple[UserSession, str]:
    """Record a new session and return it with the cookie value; `login` (how the user proved
    who they are) is recorded as a successful login, None when a session is only renewed."""
    now = utcnow()
    session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.ended_at < now - KEEP_ENDED, UserSession.created_at < now - KEEP_ENDED),
        )
    )
    secret = secrets.token_urlsafe(32)
    record = UserSession(
        user_id=user.id,
        secret_hash=_hash(secret),
        created_at=now,
        last_seen_at=now,
        ip=ip[:45],
        user_agent=one_line(user_agent)[:200],
    )
    session.add(record)
    if login is not None:
        record_auth_event(session, AuthEventKind.LOGIN_SUCCEEDED, user=user, detail=login)
    session.commit()
    return record, f"{record.id}:{secret}"


def live_session(session: Session, user_id: int, cookie_value: str) -> UserSession | None:
    """The live session the cookie names for this user, or None."""
    ident, _, secret = (cookie_value or "").partition(":")
    if not ident.isdigit() or not secret or len(ident) > 18:
        return None
    record = session.scalar(select(UserSession).where(UserSession.id == int(ident), *_live()))
    if record is None or record.user_id != user_id:
        return None
    if not hmac.compare_digest(record.secret_hash, _hash(secret)):
        return None
    return record


def touch(session: Session, record: UserSession, *, read_only: bool) -> None:
    """Note that the session is in use, at most once per TOUCH_INTERVAL.

    A read-only request writes in a short transaction of its own (its own stays a reader); a
    writing request carries the change in its transaction (on SQLite it already holds the write
    lock, which a second connection would wait on forever)."""
    now = utcnow()
    if now - record.last_seen_at < TOUCH_INTERVAL:
        return
    if not read_only:
        record.last_seen_at = now
        return
    with immediate_transactions(), session.get_bind().begin() as conn:
        conn.execute(
            update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now)
        )
    set_committed_value(record, "last_seen_at", now)


def live_sessions(session: Session, user: User) -> list[UserSession]:
    """The user's live sessions, the most recently used first."""
    query = select(UserSession).where(UserSession.user_id == user.id, *_live())
    return list(session.scalars(query.order_by(UserSession.last_seen_at.desc(), UserSession.id)))


def _end(
    session: Session, record: UserSession, reason: SessionEnd, actor: User | None = None
) -> None:
    record.ended_at = utcnow()
    record.end_reason = reason.value
    record_auth_event(
        session,
        AuthEventKind.SESSION_ENDED,
        user=record.user,
        actor=actor,
        detail=f"session #{record.id} ({reason.label})",
    )


def end_all_sessions(
    session: Session, user: User, reason: SessionEnd, *, actor: User | None = None
) -> int:
    """End every live session of the user in the caller's transaction; how many ended."""
    records = live_sessions(session, user)
    for record in records:
        _end(session, record, reason, actor)
    return len(records)


def end_session(session: Session, user: User, session_id: int, current_id: int | None) -> None:
    """End one of the user's own other live sessions (this one ends by logging out)."""
    record = session.get(UserSession, session_id)
    live = {r.id for r in live_sessions(session, user)}
    if record is None or record.user_id != user.id or record.id not in live:
        raise NotFound("No such session.")
    if record.id == current_id:
        raise InvalidTransition("This is the session you are using: log out to end it.")
    _end(session, record, SessionEnd.ENDED_BY_USER)
    session.commit()


def end_other_sessions(session: Session, user: User, current_id: int | None) -> int:
    """End every live session of the user except the current one; how many ended."""
    records = [r for r in live_sessions(session, user) if r.id != current_id]
    for record in records:
        _end(session, record, SessionEnd.ENDED_BY_USER)
    session.commit()
    return len(records)


def log_out(session: Session, user: User, current_id: int | None) -> None:
    """End the current session at logout."""
    record = session.get(UserSession, current_id) if current_id else None
    record_auth_event(session, AuthEventKind.LOGOUT, user=user)
    if record is not None and record.user_id == user.id and record.ended_at is None:
        record.ended_at = utcnow()
        record.end_reason = SessionEnd.LOGOUT.value
    session.commit()


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    (r"iPhone|iPad", "iOS"),
    ("Mac OS X|Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_agent(user_agent: str) -> str:
    """'Firefox on Linux' from a User-Agent header; the raw text when nothing is recognised."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if re.search(mark, user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or (user_agent[:60] or "Unknown device")
