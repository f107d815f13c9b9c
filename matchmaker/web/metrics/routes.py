"""Staff and admins: the metrics of an office, a city or all cities, and their CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from matchmaker.authz import staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.services.errors import DomainError
from matchmaker.services.metrics.report import Report, metrics_report, report_csv
from matchmaker.services.metrics.scope import scope_choices
from matchmaker.web.fields import choices
from matchmaker.web.metrics.forms import MetricsForm

bp = Blueprint("metrics", __name__)


def _report() -> tuple[MetricsForm, Report | None]:
    """The chooser from the query string and, when it is valid, the report it asks for."""
    form = MetricsForm(request.args)
    scopes = scope_choices(db.session, current_user)
    form.scope.choices = choices((s.key, s.label) for s in scopes)
    if not form.validate():
        return form, None
    try:
        d = form.data
        return form, metrics_report(
            db.session, current_user, d["scope"] or "", d["preset"], d["since"], d["until"]
        )
    except DomainError as exc:
        form[exc.field or "preset"].errors.append(str(exc))
        return form, None


@bp.route("/metrics")
@staff_or_admin_required
def page():
    """The funnel, timings, modes and outcomes as charts with their tables."""
    form, report = _report()
    html = render_template("metrics/page.html", form=form, report=report)
    return html, 200 if report else 400


@bp.route("/metrics.csv")
@staff_or_admin_required
def csv():
    """Exactly the rows the page charts and tabulates, as CSV."""
    form, report = _report()
    if report is None:
        problems = "; ".join(e for errors in form.errors.values() for e in errors)
        return Response(f"The period is not valid: {problems}\n", 400, mimetype="text/plain")
    return Response(
        "".join(report_csv(report)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={report.filename}"},
    )
