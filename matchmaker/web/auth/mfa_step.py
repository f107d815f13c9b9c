"""The second login step: a TOTP or recovery code, or (admins without MFA) setting it up."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.orm import User
from matchmaker.services.accounts import mfa
from matchmaker.services.errors import DomainError
from matchmaker.web.auth import pending
from matchmaker.web.auth.routes import bp, complete_login
from matchmaker.web.forms import attach_error
from matchmaker.web.mfa.forms import CodeForm, EnrolForm
from matchmaker.web.mfa.views import enrolment_page


@bp.after_request
def never_cache(response):
    # Login, reset and MFA pages may hold a secret, a code or a reset token.
    response.headers["Cache-Control"] = "no-store"
    return response


def _start_again():
    """No live marker: back to the password, which is where every login starts."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    pending.drop()
    flash("Please log in again: the code step expired or was not started.", "info")
    return redirect(url_for("auth.login"))


def _finish(user: User, method: str):
    target = pending.next_url()
    pending.drop()
    complete_login(user, "password+totp" if method == "totp" else "password+recovery code")
    if method == "recovery":
        flash("You used a recovery code; each works once. New ones: Two-step settings.", "info")
    return redirect(target)


@bp.route("/mfa", methods=["GET", "POST"])
def mfa_code():
    """Second login step: the code from the authenticator app, or a recovery code."""
    user = pending.user()
    if user is None or current_user.is_authenticated:
        return _start_again()
    if mfa.must_enrol(db.session, user):
        return redirect(url_for("auth.mfa_enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            method = mfa.verify(db.session, user, form.code.data)
        except DomainError as exc:
            attach_error(form, exc, "code")
        else:
            return _finish(user, method)
    return render_template("auth/mfa_code.html", form=form)


@bp.route("/mfa/enrol", methods=["GET", "POST"])
def mfa_enrol():
    """Second login step of an admin without MFA: set it up before any other page."""
    user = pending.user()
    if user is None or current_user.is_authenticated:
        return _start_again()
    if not mfa.must_enrol(db.session, user):
        return redirect(url_for("auth.mfa_code"))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = mfa.confirm_enrolment(db.session, user, form.token.data, form.code.data)
        except DomainError as exc:
            attach_error(form, exc, "code")
        else:
            target = pending.next_url()
            pending.drop()
            complete_login(user, "password+mfa enrolment")
            return render_template("mfa/recovery_codes.html", codes=codes, next=target)
    return enrolment_page(form, user, required=True)
