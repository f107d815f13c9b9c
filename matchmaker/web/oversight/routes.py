"""Admins: the flagged suggestions, every office's queue (read-only), the backlog, the audit log."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from matchmaker.authz import admin_required
from matchmaker.extensions import db
from matchmaker.orm import Office
from matchmaker.services.organisations import offices as org
from matchmaker.services.review import audit, oversight, queue
from matchmaker.web.oversight.forms import AuditFilterForm, FlaggedFilterForm
from matchmaker.web.params import paginate
from matchmaker.web.queue.routes import filter_form

bp = Blueprint("oversight", __name__, url_prefix="/admin")


@bp.route("/review")
@admin_required
def flagged():
    """Flagged suggestions with search, filters and a choice of order (oldest first by default)."""
    form = FlaggedFilterForm(request.args)
    form.office_id.choices = [(0, "Any office"), *org.office_choices(db.session)]
    form.validate()
    page = paginate(oversight.flagged_query(form.filters()))
    return render_template(
        "oversight/flagged.html", page=page, form=form, default_filters=oversight.FlaggedFilters()
    )


@bp.route("/queues")
@admin_required
def queues():
    """Every office with its waiting suggestions and the age of the oldest."""
    return render_template("oversight/queues.html", backlog=oversight.backlog_by_office(db.session))


@bp.route("/queues/<int:office_id>")
@admin_required
def office_queue(office_id: int):
    """One office's queue as its staff see it, read-only."""
    office = db.get_or_404(Office, office_id)
    form = filter_form(office_id)
    page = queue.office_queue(db.session, office_id, form.filters())
    return render_template(
        "queue/queue.html",
        form=form,
        page=page,
        office=office,
        readonly=True,
        bulk=None,
        endpoint="oversight.office_queue",
        url_args={"office_id": office_id},
    )


def audit_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.actor_id.choices = [(0, "Anyone"), *audit.actor_choices(db.session)]
    form.office_id.choices = [(0, "Any office"), *org.office_choices(db.session)]
    form.validate()
    return form


@bp.route("/audit")
@admin_required
def audit_log():
    """Every review event, newest first, with filters."""
    form = audit_form()
    page = paginate(audit.audit_query(form.filters()), per_page=50)
    return render_template("oversight/audit.html", form=form, page=page)


@bp.route("/audit.csv")
@admin_required
def audit_csv():
    """The filtered audit log as CSV."""
    body = "".join(audit.export_csv(db.session, audit_form().filters()))
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=audit.csv"}
    )
