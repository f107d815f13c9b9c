"""The partnership stages the office moves: agreement signed -> active (with its first outcome),
more outcomes, closing with a reason, and recording the 6- and 12-month follow-ups."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from matchmaker.authz import staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.introductions import engagement_queries as queries
from matchmaker.services.introductions import outcomes, transitions
from matchmaker.web.conflict import ConflictWithLink
from matchmaker.web.forms import attach_error
from matchmaker.web.introductions.engagement_forms import (
    CloseForm,
    FollowUpForm,
    OutcomeForm,
    WithdrawForm,
)

bp = Blueprint("partnerships", __name__)
STEPS = {
    # action: (form, title, done)
    "activate": (OutcomeForm, "Active partnership: its expected outcome", "Active partnership."),
    "outcome": (OutcomeForm, "Add an expected outcome", "Outcome recorded."),
    "close": (CloseForm, "Close the introduction", "Introduction closed."),
    "withdraw": (
        WithdrawForm,
        "Withdraw the introduction request",
        "Request withdrawn: the company is told and the suggestion is back in review.",
    ),
}


def _run(action: str, intro, form) -> None:
    if action == "activate":
        outcomes.activate_partnership(
            db.session, intro.id, current_user, form.data_for_service(), form.version.data
        )
    elif action == "outcome":
        outcomes.add_outcome(db.session, intro.id, current_user, form.data_for_service())
    elif action == "withdraw":
        transitions.transition(
            db.session, intro.id, current_user, "withdraw", form.version.data, form.reason.data
        )
    else:
        outcomes.close_introduction(
            db.session, intro.id, current_user, form.reason.data, form.version.data
        )


@bp.route(
    "/introductions/<int:introduction_id>/<any(activate, outcome, close, withdraw):action>",
    methods=["GET", "POST"],
)
@staff_or_admin_required
def step(introduction_id: int, action: str):
    """Make the partnership active, add an outcome, close the introduction or withdraw its
    pending request."""
    intro = queries.staff_introduction(db.session, introduction_id, current_user)
    form_cls, title, done = STEPS[action]
    form = form_cls(data={"version": intro.version})
    here = url_for("introductions.detail", introduction_id=introduction_id)
    if form.validate_on_submit():
        try:
            _run(action, intro, form)
        except Conflict as exc:
            raise ConflictWithLink(str(exc), here, "Open the introduction as it is now") from exc
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash(done, "success")
            return redirect(here)
    return render_template("partnerships/step.html", form=form, intro=intro, title=title)


@bp.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
@staff_or_admin_required
def follow_up(follow_up_id: int):
    """Record what actually happened by a follow-up's date, against what was expected."""
    item = outcomes.visible_follow_up(db.session, follow_up_id, current_user)
    form = FollowUpForm(obj=item, data={"version": item.version})
    if form.validate_on_submit():
        try:
            data = form.data_for_service()
            outcomes.record_follow_up(db.session, item.id, current_user, data, form.version.data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash("Follow-up recorded.", "success")
            return redirect(url_for("introductions.detail", introduction_id=item.introduction_id))
    expected = outcomes.outcomes_of(db.session, item.introduction_id)
    return render_template("partnerships/follow_up.html", form=form, item=item, expected=expected)
