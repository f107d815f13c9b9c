"""Log in, log out, change and reset passwords."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, logout_user

from matchmaker.extensions import db, limiter
from matchmaker.orm import User
from matchmaker.security import current_session_id, start_session
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.accounts import mfa, sessions
from matchmaker.services.errors import DomainError
from matchmaker.tokens import InvalidToken
from matchmaker.web.auth import pending
from matchmaker.web.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _account_key() -> str:
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))


def _locked_out(scope: str):
    """An on_breach hook recording that the login limit for an address or an account tripped."""

    def hook(limit: RequestLimit) -> None:
        accounts.record_lockout(
            db.session,
            request.form.get("email", ""),
            ip=request.remote_addr or "",
            detail=f"{limit.limit} per {scope}",
            window=limit.limit.get_expiry(),
        )

    return hook


def _safe_next(target: str | None) -> str:
    """Only follow a same-site relative path after login, never an absolute URL."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.dashboard")


def complete_login(user: User, how: str) -> None:
    """THE place where a login ends and the session begins: after the password and any MFA.

    `how` names the proof given ("password", "password+totp", "password+recovery code",
    "password+mfa enrolment"); start_session records it with the LOGIN_SUCCEEDED event."""
    start_session(user, login=how)
    flash(f"Welcome, {user.name or user.email}.", "success")


def _after_password(user: User, next_url: str):
    """Begin the session, or first ask for the MFA code (admins without MFA: set it up)."""
    if not mfa.needs_second_step(db.session, user):
        complete_login(user, "password")
        return redirect(next_url)
    pending.hold(user, next_url)
    step = "auth.mfa_enrol" if mfa.must_enrol(db.session, user) else "auth.mfa_code"
    return redirect(url_for(step))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"],
    methods=["POST"],
    on_breach=_locked_out("address"),
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    on_breach=_locked_out("account"),
)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            return _after_password(user, _safe_next(request.args.get("next")))
        form.password.errors.append("The email or password is not correct.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out: the session ends on the server too, so a copy of its cookie stops working."""
    sessions.log_out(db.session, current_user, current_session_id())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session, current_user, form.current_password.data, form.new_password.data
            )
        except DomainError as exc:
            getattr(form, exc.field or "new_password").errors.append(str(exc))
        else:
            # Every session ended: this browser gets a new one (the real user, not the proxy).
            start_session(current_user._get_current_object(), login=None)
            flash("Your password was changed. Other sessions were logged out.", "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_reset():
    """Ask for a password reset link by email."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(db.session, form.email.data)
        flash("If an account exists for that address, a reset link is on its way.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from an emailed link."""
    try:
        accounts.user_for_reset(db.session, token)
    except InvalidToken as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.request_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(db.session, token, form.password.data)
        except InvalidToken:
            abort(400)
        except DomainError as exc:
            form.password.errors.append(str(exc))
        else:
            flash("Your password is set. You can log in now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


from matchmaker.web.auth import mfa_step  # noqa: E402, F401 - adds the MFA step's views to bp
