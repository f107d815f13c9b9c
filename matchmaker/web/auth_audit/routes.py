"""Admins read the authentication events: filters, pages, CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from matchmaker.authz import admin_required
from matchmaker.extensions import db
from matchmaker.services.accounts import auth_audit
from matchmaker.services.accounts.sessions import describe_agent
from matchmaker.web.auth_audit.forms import AuthEventFilterForm
from matchmaker.web.params import paginate

bp = Blueprint("auth_audit", __name__, url_prefix="/admin")


def _form() -> AuthEventFilterForm:
    form = AuthEventFilterForm(request.args)
    form.validate()
    return form


@bp.route("/auth-events")
@admin_required
def events():
    """Authentication events, newest first, with filters."""
    form = _form()
    query = auth_audit.auth_events_query(form.filters())
    page = paginate(query, per_page=50)
    return render_template("auth_audit/events.html", form=form, page=page, describe=describe_agent)


@bp.route("/auth-events.csv")
@admin_required
def events_csv():
    """The filtered authentication events as CSV."""
    body = "".join(auth_audit.export_csv(db.session, _form().filters()))
    disposition = "attachment; filename=auth-events.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
