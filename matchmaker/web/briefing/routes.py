"""The city briefing: choose a city (admins) and a period, read it as a printable page or
download it as a PDF; and the "feature in briefing" mark on an introduction."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker.authz import staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.orm import utcnow
from matchmaker.services.briefing import features, report
from matchmaker.services.briefing.pdf import render_pdf
from matchmaker.services.briefing.period import default_period
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.web.briefing.forms import BriefingForm, FeatureForm, RemoveFeatureForm
from matchmaker.web.conflict import ConflictWithLink
from matchmaker.web.forms import attach_error
from matchmaker.web.params import id_arg

bp = Blueprint("briefing", __name__)


def _form(data=None) -> BriefingForm:
    cities = report.city_choices(db.session) if current_user.is_admin else None
    return BriefingForm(data, cities=cities)


def _briefing() -> tuple[BriefingForm, report.Briefing | None]:
    """The briefing the query string asks for, or the form with its errors."""
    form = _form(request.args)
    if not form.validate():
        return form, None
    # Staff choose no city, but an address naming another city's must not show their own.
    city_id = form.chosen_city() if current_user.is_admin else id_arg("city_id")
    try:
        b = report.briefing_for(db.session, current_user, city_id, form.start.data, form.end.data)
    except DomainError as exc:
        attach_error(form, exc)
        return form, None
    return form, b


def _start_page(form: BriefingForm, status: int = 200):
    city = None if current_user.is_admin else current_user.office.city
    return render_template("briefing/start.html", form=form, city=city), status


@bp.route("/briefing")
@staff_or_admin_required
def start():
    """Choose the city (admins) and the period of a briefing."""
    period = default_period(utcnow().date())
    form = _form()
    form.start.data, form.end.data = period.start, period.end
    return _start_page(form)


@bp.route("/briefing/document")
@staff_or_admin_required
def document():
    """A city's achievements over a period, as a page laid out for printing."""
    form, briefing = _briefing()
    if briefing is None:
        return _start_page(form, 400)
    return render_template("briefing/document.html", b=briefing, query=form.query())


@bp.route("/briefing/briefing.pdf")
@staff_or_admin_required
def pdf():
    """The same briefing as a PDF download."""
    form, briefing = _briefing()
    if briefing is None:
        return _start_page(form, 400)
    name = f"briefing-{briefing.period.start:%Y%m%d}-{briefing.period.end:%Y%m%d}.pdf"
    return Response(
        render_pdf(briefing),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.route("/introductions/<int:introduction_id>/briefing", methods=["GET", "POST"])
@staff_or_admin_required
def feature(introduction_id: int):
    """Feature an introduction in the city briefing, or edit its summary."""
    intro = features.staff_introduction(db.session, introduction_id, current_user)
    current = features.feature_of(db.session, intro.id)
    form = FeatureForm(obj=current)
    here = url_for("briefing.feature", introduction_id=intro.id)
    if form.validate_on_submit():
        try:
            features.save_feature(
                db.session, intro.id, current_user, form.summary.data, form.version.data or 0
            )
        except Conflict as exc:
            raise ConflictWithLink(str(exc), here, "Open the feature as it is now") from exc
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash("Saved: it appears in the city briefing.", "success")
            return redirect(url_for("introductions.detail", introduction_id=intro.id))
    remove = RemoveFeatureForm(data={"version": current.version}) if current else None
    return render_template(
        "briefing/feature.html", form=form, intro=intro, current=current, remove=remove
    )


@bp.route("/introductions/<int:introduction_id>/briefing/remove", methods=["POST"])
@staff_or_admin_required
def unfeature(introduction_id: int):
    """Take an introduction out of the city briefing."""
    intro = features.staff_introduction(db.session, introduction_id, current_user)
    here = url_for("briefing.feature", introduction_id=intro.id)
    form = RemoveFeatureForm()
    if not form.validate_on_submit():
        flash("Open the feature's page to remove it.", "error")
        return redirect(here)
    try:
        features.remove_feature(db.session, intro.id, current_user, form.version.data)
    except Conflict as exc:
        raise ConflictWithLink(str(exc), here, "Open the feature as it is now") from exc
    flash("Removed from the city briefing.", "success")
    return redirect(url_for("introductions.detail", introduction_id=intro.id))


@bp.app_template_global("briefing_feature_of")
def briefing_feature_of(intro):
    """The introduction's "feature in briefing" mark, for its page (None when not featured)."""
    return features.feature_of(db.session, intro.id)


bp.add_app_template_global(report.money, "briefing_money")
bp.add_app_template_global(report.amount, "briefing_amount")
bp.add_app_template_global(report.MODES, "briefing_modes")
bp.add_app_template_global(report.KINDS, "briefing_kinds")
