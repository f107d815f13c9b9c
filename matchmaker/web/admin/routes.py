"""Admin pages: the email outbox and failed jobs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from matchmaker.authz import admin_required
from matchmaker.extensions import db
from matchmaker.jobs.runner import listing as jobs_listing
from matchmaker.orm import EmailStatus, OutboxEmail
from matchmaker.services import mail
from matchmaker.services.errors import DomainError
from matchmaker.web.params import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(query):
    return paginate(query)


@bp.route("/outbox")
@admin_required
def outbox():
    """Every email the service sent or will send, newest first, filterable by status."""
    status, q = request.args.get("status", ""), request.args.get("q", "").strip()
    page = _page(mail.outbox_query(status, q))
    return render_template("admin/outbox.html", page=page, status=status, q=q, statuses=EmailStatus)


@bp.route("/outbox/<int:email_id>")
@admin_required
def outbox_email(email_id: int):
    """One email as it was sent."""
    email = db.get_or_404(OutboxEmail, email_id)
    # One-time links stay hidden even before sending: an admin must not be able to use them.
    body = mail.redact_links(email.body)
    return render_template("admin/outbox_email.html", email=email, body=body)


@bp.route("/outbox/<int:email_id>/retry", methods=["POST"])
@admin_required
def retry_email(email_id: int):
    """Queue a failed email for another round of tries."""
    db.get_or_404(OutboxEmail, email_id)
    try:
        mail.requeue_failed(db.session, email_id)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash("The email was queued again.", "success")
    return redirect(url_for("admin.outbox_email", email_id=email_id))


@bp.route("/jobs")
@admin_required
def failed_jobs():
    """Background jobs not done yet: failed, waiting for a retry, or queued."""
    return render_template("admin/failed_jobs.html", page=_page(jobs_listing()))
