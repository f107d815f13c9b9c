"""Staff choose their notification emails; any email's link unsubscribes in one click."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from matchmaker.authz import staff_required
from matchmaker.extensions import csrf, db
from matchmaker.services.errors import DomainError
from matchmaker.services.review import notifications
from matchmaker.tokens import InvalidToken
from matchmaker.web.forms import attach_error
from matchmaker.web.notifications.forms import NotificationForm, UnsubscribeForm

bp = Blueprint("notifications", __name__)


@bp.route("/settings/notifications", methods=["GET", "POST"])
@staff_required
def settings():
    """Choose email for newly routed suggestions: immediately, a daily digest, or off."""
    form = NotificationForm(mode=current_user.notify_mode)
    if form.validate_on_submit():
        try:
            notifications.set_mode(db.session, current_user.id, form.mode.data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash("Your notification settings were saved.", "success")
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # one-click unsubscribe (RFC 8058): mail clients POST without a form token
def unsubscribe(token: str):
    """GET asks to confirm; POST (the button, or a mail client's one click) turns email off."""
    form = UnsubscribeForm()
    try:
        if form.validate_on_submit():
            user = notifications.unsubscribe_user(db.session, token)
            return render_template(
                "notifications/unsubscribe.html", user=user, done=True, form=None
            )
        user = notifications.unsubscribe_owner(db.session, token)
    except InvalidToken as exc:
        return render_template("notifications/unsubscribe.html", error=str(exc), form=None), 400
    return render_template("notifications/unsubscribe.html", user=user, done=False, form=form)
