"""A user's active sessions: see where they are signed in and end the other sessions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from matchmaker.extensions import db
from matchmaker.security import current_session_id
from matchmaker.services.accounts import sessions
from matchmaker.services.errors import InvalidTransition

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/sessions")
@login_required
def sessions_page():
    """The user's live sessions: device, address, started, last seen."""
    return render_template(
        "account/sessions.html",
        records=sessions.live_sessions(db.session, current_user),
        current_id=current_session_id(),
        describe=sessions.describe_agent,
    )


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    """End one of the user's other sessions."""
    try:
        sessions.end_session(db.session, current_user, session_id, current_session_id())
    except InvalidTransition as exc:
        flash(str(exc), "error")
    else:
        flash("The session was ended: that device is logged out.", "success")
    return redirect(url_for("account.sessions_page"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """End every session of the user but this one."""
    ended = sessions.end_other_sessions(db.session, current_user, current_session_id())
    flash(f"{ended} other session{'s' if ended != 1 else ''} ended.", "success")
    return redirect(url_for("account.sessions_page"))
