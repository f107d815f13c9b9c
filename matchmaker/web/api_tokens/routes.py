"""Personal API tokens on the account settings: create (shown once), list, revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from matchmaker.extensions import db
from matchmaker.services.accounts import api_tokens
from matchmaker.services.errors import DomainError
from matchmaker.web.api_tokens.forms import NewTokenForm
from matchmaker.web.fields import choices
from matchmaker.web.forms import attach_error

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


def _form() -> NewTokenForm:
    form = NewTokenForm()
    form.scopes.choices = choices(api_tokens.scopes_for(current_user.role))
    return form


def _page(form: NewTokenForm, secret: str | None = None, status: int = 200):
    return render_template(
        "api_tokens/tokens.html",
        form=form,
        secret=secret,
        tokens=api_tokens.user_tokens(db.session, current_user),
        now=api_tokens.utcnow(),
    ), status


@bp.route("")
@login_required
def tokens_page():
    """The user's API tokens (name, scopes, last used, expiry) and the form for a new one."""
    return _page(_form())


@bp.route("", methods=["POST"])
@login_required
def create():
    """Make a token and show its secret this once."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        new = api_tokens.create_token(
            db.session, current_user, form.name.data, form.scopes.data, form.days.data
        )
    except DomainError as exc:
        attach_error(form, exc)
        return _page(form, status=422)
    flash("Token created. Copy it now: it will not be shown again.", "success")
    return _page(_form(), secret=new.secret)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of the user's tokens: it stops working at once."""
    try:
        token = api_tokens.revoke_token(db.session, current_user, token_id)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Token “{token.name}” revoked.", "success")
    return redirect(url_for("api_tokens.tokens_page"))
