"""Session handling, the user loader and response security headers."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from matchmaker.extensions import db, login_manager
from matchmaker.orm import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Find the user for a session id of the form '<id>:<session token>'."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not token or user.session_token != token or not user.active:
        return None
    return user


def _now() -> float:
    return datetime.now(UTC).timestamp()


def init_app(app: Flask) -> None:
    """Register the user loader settings, timeouts and security headers."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.before_request
    def enforce_session_timeouts():
        if not current_user.is_authenticated:
            return None
        started = session.get("login_at", 0)
        absolute = app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
        if _now() - started > absolute:
            logout_user()
            session.clear()
            flash("Your session has ended. Please log in again.", "info")
            return redirect(url_for("auth.login", next=request.full_path))
        session.permanent = True  # refreshes the idle timeout (PERMANENT_SESSION_LIFETIME)
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


def start_session(user: User) -> None:
    """Begin a fresh session for a user who just proved who they are."""
    from flask_login import login_user

    session.clear()  # a new session at login: nothing carried over from before
    login_user(user)
    session["login_at"] = _now()
    session.permanent = True
