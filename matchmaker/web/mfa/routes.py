"""Two-step verification settings for everyone, and the admins' user list with MFA reset."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from matchmaker.authz import admin_required
from matchmaker.extensions import db
from matchmaker.orm import Role
from matchmaker.services.accounts import mfa
from matchmaker.services.errors import DomainError
from matchmaker.web.forms import attach_error
from matchmaker.web.mfa.forms import CodeForm, EnrolForm
from matchmaker.web.mfa.views import enrolment_page
from matchmaker.web.params import paginate

bp = Blueprint("mfa", __name__)

# What an admin without MFA may still reach: setting it up, logging out, the stylesheet.
ENROLMENT_ENDPOINTS = frozenset({"mfa.enrol", "auth.logout", "static", "main.health"})


@bp.before_app_request
def admins_enrol_first():
    """An admin session without MFA (e.g. begun before MFA existed) gets only the set-up page."""
    if not current_user.is_authenticated or current_user.role != Role.ADMIN:
        return None
    if request.endpoint in ENROLMENT_ENDPOINTS or not mfa.must_enrol(db.session, current_user):
        return None
    flash("Admins must set up two-step verification before anything else.", "info")
    return redirect(url_for("mfa.enrol"))


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "no-store"  # secrets and recovery codes
    return response


def _settings_page(off: CodeForm | None = None, renew: CodeForm | None = None):
    return render_template(
        "mfa/settings.html",
        state=mfa.status(db.session, current_user),
        off=off or CodeForm(prefix="off"),
        renew=renew or CodeForm(prefix="renew"),
    )


@bp.route("/settings/mfa")
@login_required
def settings():
    """Two-step verification: whether it is on, recovery codes left, turn it on or off."""
    return _settings_page()


@bp.route("/settings/mfa/enrol", methods=["GET", "POST"])
@login_required
def enrol():
    """Set up an authenticator app: scan the QR code, then confirm with a first code."""
    if mfa.is_enrolled(db.session, current_user):
        flash("Two-step verification is already on.", "info")
        return redirect(url_for("mfa.settings"))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = mfa.confirm_enrolment(db.session, current_user, form.token.data, form.code.data)
        except DomainError as exc:
            attach_error(form, exc, "code")
        else:
            flash("Two-step verification is on.", "success")
            return render_template("mfa/recovery_codes.html", codes=codes, next=None)
    return enrolment_page(form, current_user, required=current_user.role == Role.ADMIN)


@bp.route("/settings/mfa/off", methods=["POST"])
@login_required
def turn_off():
    """Turn two-step verification off with a current code (office staff and companies)."""
    form = CodeForm(prefix="off")
    if form.validate_on_submit():
        try:
            mfa.turn_off(db.session, current_user, form.code.data)
        except DomainError as exc:
            attach_error(form, exc, "code")
        else:
            flash("Two-step verification is off.", "success")
            return redirect(url_for("mfa.settings"))
    return _settings_page(off=form)


@bp.route("/settings/mfa/recovery-codes", methods=["POST"])
@login_required
def recovery_codes():
    """Replace the recovery codes after a current code; the new ones are shown once."""
    form = CodeForm(prefix="renew")
    if form.validate_on_submit():
        try:
            codes = mfa.regenerate_recovery_codes(db.session, current_user, form.code.data)
        except DomainError as exc:
            attach_error(form, exc, "code")
        else:
            flash("New recovery codes were made; the old ones no longer work.", "success")
            return render_template("mfa/recovery_codes.html", codes=codes, next=None)
    return _settings_page(renew=form)


@bp.route("/admin/users")
@admin_required
def users():
    """Every account with its two-step verification state; search, role filter, reset."""
    q, role = request.args.get("q", "").strip()[:100], request.args.get("role", "")
    page = paginate(mfa.users_query(q, role))
    enrolled = mfa.enrolled_among(db.session, [u.id for u in page.items])
    return render_template(
        "mfa/users.html", page=page, enrolled=enrolled, q=q, role=role, roles=list(Role)
    )


@bp.route("/admin/users/<int:user_id>/mfa/reset", methods=["POST"])
@admin_required
def reset(user_id: int):
    """Reset a user's two-step verification (a lost phone); audited, their sessions end."""
    try:
        user = mfa.reset_mfa(db.session, user_id, current_user._get_current_object())
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Two-step verification of {user.email} was reset; they were logged out.", "success")
    return redirect(url_for("mfa.users", q=request.form.get("q", "")[:100]))
