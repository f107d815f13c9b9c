"""Staff and admins read the company demand: tables by dimension, trend, gaps, CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from matchmaker.authz import staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.services.demand import report
from matchmaker.services.demand.chart import bar_chart
from matchmaker.web.demand.forms import DemandFilterForm
from matchmaker.web.params import page_number

bp = Blueprint("demand", __name__)
PER_PAGE = 25


def _form() -> DemandFilterForm:
    form = DemandFilterForm(request.args)
    form.validate()
    return form


def _csv(lines, name: str) -> Response:
    disposition = f"attachment; filename={name}"
    return Response(
        "".join(lines), mimetype="text/csv", headers={"Content-Disposition": disposition}
    )


@bp.route("/demand")
@staff_or_admin_required
def overview():
    """Demand by the chosen dimension, with covering cities, gaps and the monthly trend."""
    form = _form()
    data = report.demand_report(db.session, form.filters())
    page = report.page_of(data.rows, page_number(), PER_PAGE)
    return render_template(
        "demand/overview.html", form=form, data=data, page=page, chart=bar_chart(data.trend)
    )


@bp.route("/demand.csv")
@staff_or_admin_required
def table_csv():
    """The demand table of the chosen dimension and filters, every row, as CSV."""
    f = _form().filters()
    return _csv(report.table_csv(report.demand_rows(db.session, f)), f"demand-{f.dimension}.csv")


@bp.route("/demand/trend.csv")
@staff_or_admin_required
def trend_csv():
    """The monthly trend drawn on the page, as CSV."""
    f = _form().filters()
    return _csv(
        report.trend_csv(report.demand_trend(db.session, f.months, f.country)), "demand-trend.csv"
    )
