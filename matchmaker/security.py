"""Session handling, the user loader and response security headers."""

from __future__ import annotations

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_login import current_user

from matchmaker.database import SAFE_METHODS
from matchmaker.extensions import db, login_manager
from matchmaker.orm import User
from matchmaker.services.accounts import sessions

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


# The session cookie's key for "<server-side session id>:<secret>" (see services/sessions.py).
SESSION_KEY = "sid"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session id '<id>:<session token>', if the cookie's server session is live."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not token or user.session_token != token or not user.active:
        return None
    record = sessions.live_session(db.session, user.id, session.get(SESSION_KEY, ""))
    if record is None:
        return None  # logged out, ended from another device, timed out, or never recorded
    g.user_session = record
    return user


def current_session_id() -> int | None:
    """The id of the server-side session of this request, if someone is logged in."""
    record = g.get("user_session") if current_user.is_authenticated else None
    return record.id if record is not None else None


def init_app(app: Flask) -> None:
    """Register the user loader settings, timeouts and security headers."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.before_request
    def enforce_session_timeouts():
        if g.get("api_token") is not None:
            return None  # a bearer-token request of /api: no browser session involved
        if current_user.is_authenticated:
            sessions.touch(db.session, g.user_session, read_only=request.method in SAFE_METHODS)
            session.permanent = True  # refreshes the cookie's idle timeout
            return None
        if "_user_id" not in session:
            return None
        # The cookie names a session that is over: timed out, logged out or ended elsewhere.
        session.clear()
        flash("Your session has ended. Please log in again.", "info")
        if request.method == "GET" and request.endpoint not in ("auth.login", "static"):
            return redirect(url_for("auth.login", next=request.full_path))
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


def start_session(user: User, *, login: str | None = "password") -> None:
    """Begin a fresh session for a user who just proved who they are.

    `login` says how (recorded as a successful login); None when a session is only renewed, as
    after a password change, which ended every session of the user including this one."""
    from flask_login import login_user

    session.clear()  # a new session at login: nothing carried over from before
    record, cookie_value = sessions.begin_session(
        db.session,
        user,
        ip=request.remote_addr or "",
        user_agent=request.headers.get("User-Agent", ""),
        login=login,
    )
    login_user(user)
    session[SESSION_KEY] = cookie_value
    session.permanent = True
    g.user_session = record
