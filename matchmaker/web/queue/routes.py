"""The office queue and a suggestion's page; every review action goes through one service."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker.authz import office_suggestions, one_or_404, staff_or_admin_required, staff_required
from matchmaker.extensions import db
from matchmaker.orm import Suggestion
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.organisations import offices as org
from matchmaker.services.review import bulk, oversight, queue
from matchmaker.services.review import decisions as review
from matchmaker.web.conflict import ConflictWithLink
from matchmaker.web.fields import with_placeholder
from matchmaker.web.queue.forms import BulkDeclineForm, QueueFilterForm, form_for, option_pairs

bp = Blueprint("queue", __name__)
bp.add_app_template_global(option_pairs, "option_pairs")

DONE = {
    "claim": "You claimed this suggestion.",
    "accept": "Accepted: an introduction is proposed.",
    "decline": "Declined.",
    "snooze": "Snoozed.",
    "reassign": "Handed to the other office.",
    "clear": "Cleared: the office may now act.",
}


def filter_form(office_id: int) -> QueueFilterForm:
    """The queue's filter form, its priority choices limited to the office's priorities."""
    form = QueueFilterForm(request.args)
    form.priority_id.choices = [(0, "Any"), *queue.priority_choices(db.session, office_id)]
    form.validate()
    return form


@bp.route("/queue")
@staff_required
def office_queue():
    """The suggestions routed to the user's office, best score first, 50 a page."""
    form = filter_form(current_user.office_id)
    page = queue.office_queue(db.session, current_user.office_id, form.filters())
    return render_template(
        "queue/queue.html",
        form=form,
        page=page,
        readonly=False,
        office=queue.office_with_city(db.session, current_user.office_id),
        bulk=BulkDeclineForm(prefix="bulk"),
        endpoint="queue.office_queue",
        url_args={},
    )


def action_forms(row: Suggestion) -> SimpleNamespace:
    """The forms the suggestion page offers, each pre-filled with the version on screen.

    A namespace, not a dict: in Jinja `forms.clear` on a dict would be the dict's method.
    """
    forms = SimpleNamespace(
        **{
            a: form_for(a, current_user.is_admin)(prefix=a, formdata=None, version=row.version)
            for a in ("claim", "accept", "decline", "snooze", "reassign", "clear")
        }
    )
    forms.reassign.office_id.choices = _offices(row)
    return forms


def _offices(row: Suggestion) -> list:
    offices = [(i, n) for i, n in org.office_choices(db.session) if i != row.routed_office_id]
    return with_placeholder("Choose an office", offices)


@bp.route("/suggestions/<int:suggestion_id>")
@staff_or_admin_required
def suggestion(suggestion_id: int):
    """A suggestion: the priority and the company side by side, why, its history, who else."""
    row = one_or_404(office_suggestions(), suggestion_id, Suggestion)
    context = oversight.suggestion_context(db.session, row)
    return render_template(
        "queue/suggestion.html",
        s=row,
        forms=action_forms(row),
        reasons=review.DECLINE_REASONS,
        **context,
    )


@bp.route("/suggestions/<int:suggestion_id>/<action>", methods=["POST"])
@staff_or_admin_required
def act(suggestion_id: int, action: str):
    """Claim, accept, decline, snooze, reassign or clear; 409 when someone else was first."""
    row = one_or_404(office_suggestions(), suggestion_id, Suggestion)
    form_cls = form_for(action, current_user.is_admin) or abort(404)
    form = form_cls(prefix=action)
    if hasattr(form, "office_id"):
        form.office_id.choices = _offices(row)
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return redirect(url_for("queue.suggestion", suggestion_id=suggestion_id))
    try:
        review.decide_suggestion(
            db.session, suggestion_id, current_user, action, form.version.data, **form.details()
        )
    except Conflict as exc:
        here = url_for("queue.suggestion", suggestion_id=suggestion_id)
        raise ConflictWithLink(str(exc), here, "Open the suggestion as it is now") from exc
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(DONE[action], "success")
    return redirect(url_for("queue.suggestion", suggestion_id=suggestion_id))


@bp.route("/queue/decline", methods=["POST"])
@staff_required
def bulk_decline():
    """Decline the selected suggestions with one reason; the ones already decided are listed."""
    form = BulkDeclineForm(prefix="bulk")
    if not form.validate_on_submit():
        flash("Select suggestions and a reason to decline them.", "error")
        return redirect(url_for("queue.office_queue"))
    try:
        outcome = bulk.bulk_decline(
            db.session, current_user, form.pairs(), form.reason.data, form.note.data or ""
        )
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("queue.office_queue"))
    flash(f"Declined {outcome.declined} suggestion(s).", "success")
    for message in outcome.refused:
        flash(message, "warning")
    return redirect(url_for("queue.office_queue"))


def _first_error(form) -> str:
    for name, errors in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        return f"{label}: {errors[0]}"
    return "The form was not valid."
