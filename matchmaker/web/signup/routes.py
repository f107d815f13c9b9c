"""Public pages: company sign-up and its confirmation, invitations, the NAICS search."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker import naics
from matchmaker.extensions import db, limiter
from matchmaker.orm import CompanyStatus
from matchmaker.security import start_session
from matchmaker.services.accounts import members
from matchmaker.services.companies import registration as companies
from matchmaker.services.errors import DomainError
from matchmaker.tokens import InvalidToken
from matchmaker.web.my_company.routes import details_from
from matchmaker.web.signup.forms import AcceptInvitationForm, ConfirmSignupForm, SignupForm

bp = Blueprint("signup", __name__)
PENDING_MESSAGE = (
    "Your email is confirmed. An admin checks new companies that look like existing ones before "
    "offices can see them; you can prepare your interest profiles meanwhile."
)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def signup():
    """Register a company and its first member."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            companies.register_company(
                db.session, details_from(form), form.email.data, form.password.data
            )
        except DomainError as exc:
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            return redirect(url_for("signup.sent"))
    return render_template("signup/signup.html", form=form)


@bp.route("/signup/sent")
def sent():
    """Ask the new company to open the confirmation email."""
    return render_template("signup/sent.html", days=companies.signup_max_age() // 86400)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Show the emailed link's confirm button (a GET changes nothing); its POST confirms."""
    try:
        company, _ = companies.signup_for_token(db.session, token)
        form = ConfirmSignupForm()
        if not form.validate_on_submit():
            return render_template("signup/confirm.html", form=form, company=company)
        user = companies.confirm_signup(db.session, token)
    except InvalidToken as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.login"))
    start_session(user, login="sign-up link")
    if user.company.status == CompanyStatus.ACTIVE:
        flash("Your email is confirmed. Now tell cities what you look for.", "success")
    else:
        flash(PENDING_MESSAGE, "info")
    return redirect(url_for("my_company.profiles"))


@bp.route("/signup/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Join a company's account from an emailed invitation."""
    try:
        user = members.invited_user(db.session, token)
    except InvalidToken as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.login"))
    form = AcceptInvitationForm(name=user.name)
    if form.validate_on_submit():
        try:
            user = members.accept_invitation(db.session, token, form.name.data, form.password.data)
        except DomainError as exc:
            getattr(form, exc.field or "password").errors.append(str(exc))
        else:
            start_session(user, login="company invitation link")
            flash(f"Welcome to {user.company.name} on Matchmaker.", "success")
            return redirect(url_for("my_company.overview"))
    return render_template("signup/accept_invitation.html", form=form, user=user)


@bp.route("/naics/search")
def naics_search():
    """NAICS 2022 codes matching a code prefix or title words, as JSON for the picker."""
    hits = naics.search(request.args.get("q", "")[:100], limit=30)
    return jsonify([{"code": code, "title": title} for code, title in hits])
