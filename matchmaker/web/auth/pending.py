"""The short-lived marker between a right password and the MFA step.

Nothing but the user id, their session token (so a password change or a deactivation in between
voids it), the time and where to go afterwards: no session has begun yet.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from flask import current_app, session, url_for

from matchmaker.extensions import db
from matchmaker.orm import User

KEY = "mfa_pending"


def _now() -> float:
    return datetime.now(UTC).timestamp()


def hold(user: User, next_url: str) -> None:
    """Remember that this user gave the right password and owes the second step."""
    session[KEY] = {"uid": user.id, "token": user.session_token, "at": _now(), "next": next_url}


def user() -> User | None:
    """The user waiting for the second step, or None when there is no live marker."""
    marker = session.get(KEY)
    if not isinstance(marker, dict):
        return None
    fresh = _now() - float(marker.get("at", 0)) <= current_app.config["MFA_PENDING_MAX_AGE"]
    found = db.session.get(User, marker.get("uid")) if isinstance(marker.get("uid"), int) else None
    if (
        not fresh
        or found is None
        or not found.active
        or not hmac.compare_digest(found.session_token, str(marker.get("token", "")))
    ):
        drop()
        return None
    return found


def next_url() -> str:
    marker = session.get(KEY)
    target = marker.get("next") if isinstance(marker, dict) else None
    return target if isinstance(target, str) else url_for("main.dashboard")


def drop() -> None:
    session.pop(KEY, None)
