"""Engagements of an introduction: the office plans, edits, cancels and records results; the
company rates the ones that took place from its introduction page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from matchmaker.authz import company_required, staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.introductions import engagement_queries as queries
from matchmaker.services.introductions import engagements
from matchmaker.web.conflict import ConflictWithLink
from matchmaker.web.forms import attach_error
from matchmaker.web.introductions.engagement_forms import (
    EngagementForm,
    RatingForm,
    ResultForm,
    VersionForm,
)

bp = Blueprint("engagements", __name__)


def _office_page(introduction_id: int) -> str:
    return url_for("introductions.detail", introduction_id=introduction_id)


@bp.route("/introductions/<int:introduction_id>/engagements/new", methods=["GET", "POST"])
@staff_or_admin_required
def new(introduction_id: int):
    """Plan an engagement (invitations by email) or log one that took place."""
    intro = queries.staff_introduction(db.session, introduction_id, current_user)
    form = EngagementForm(**queries.form_choices(db.session, intro))
    if not form.is_submitted():
        form.staff_ids.data = [current_user.id] if current_user.is_staff else []
    if form.validate_on_submit():
        try:
            engagements.plan_engagement(
                db.session, introduction_id, current_user, form.data_for_service()
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash("Engagement saved.", "success")
            return redirect(_office_page(introduction_id))
    return render_template("engagements/form.html", form=form, intro=intro, engagement=None)


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@staff_or_admin_required
def edit(engagement_id: int):
    """Change a planned engagement: participants get the updated invitation."""
    context = queries.staff_engagement(db.session, engagement_id, current_user)
    e = context["engagement"]
    form = EngagementForm(staff=context["staff"], members=context["members"], obj=None)
    if not form.is_submitted():
        _fill(form, context["view"])
    if form.validate_on_submit():
        here = url_for("engagements.edit", engagement_id=engagement_id)
        try:
            engagements.update_engagement(
                db.session, engagement_id, current_user, form.data_for_service(), form.version.data
            )
        except Conflict as exc:
            raise ConflictWithLink(str(exc), here, "Open the engagement as it is now") from exc
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash("Engagement updated: the participants get the new invitation.", "success")
            return redirect(_office_page(e.introduction_id))
    return render_template("engagements/form.html", form=form, **context)


def _fill(form: EngagementForm, view) -> None:
    e = view.engagement
    form.version.data = e.version
    form.kind.data, form.mode.data, form.time_zone.data = e.kind.value, e.mode.value, e.time_zone
    form.day.data, form.start.data = view.local_start.date(), view.local_start.time()
    form.duration_minutes.data, form.location.data = e.duration_minutes, e.location
    form.meeting_link.data, form.agenda.data, form.notes.data = e.meeting_link, e.agenda, e.notes
    form.staff_ids.data, form.member_ids.data = e.staff_ids, e.member_ids
    form.guests.data = "\n".join(e.guests)


@bp.route("/engagements/<int:engagement_id>/cancel", methods=["POST"])
@staff_or_admin_required
def cancel(engagement_id: int):
    """Call off a planned engagement: the participants' calendars remove it."""
    e = queries.staff_engagement(db.session, engagement_id, current_user)["engagement"]
    form = VersionForm()
    if form.validate_on_submit():
        try:
            engagements.cancel_engagement(
                db.session, engagement_id, current_user, form.version.data
            )
        except Conflict as exc:
            here = _office_page(e.introduction_id)
            raise ConflictWithLink(str(exc), here, "Open the introduction as it is now") from exc
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash("Engagement cancelled: the participants were told.", "success")
    return redirect(_office_page(e.introduction_id))


@bp.route("/engagements/<int:engagement_id>/result", methods=["GET", "POST"])
@staff_or_admin_required
def result(engagement_id: int):
    """After its date: what happened, your rating, next steps and staff hours."""
    context = queries.staff_engagement(db.session, engagement_id, current_user)
    e = context["engagement"]
    form = ResultForm(data={"version": e.version, "next_steps": e.next_steps})
    if form.validate_on_submit():
        try:
            data = form.data_for_service()
            engagements.record_result(db.session, e.id, current_user, data, form.version.data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash("Result recorded.", "success")
            return redirect(_office_page(e.introduction_id))
    return render_template("engagements/result.html", form=form, **context)


@bp.route("/company/engagements/<int:engagement_id>/rating", methods=["POST"])
@company_required
def rate(engagement_id: int):
    """The company's 1-5 rating of an engagement that took place (once)."""
    e = engagements.visible_engagement(db.session, engagement_id, current_user)
    form = RatingForm()
    if form.validate_on_submit():
        try:
            engagements.rate_as_company(
                db.session, engagement_id, current_user, int(form.rating.data), form.version.data
            )
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash("Thank you: your rating is recorded.", "success")
    else:
        flash("Choose a rating from 1 to 5.", "error")
    return redirect(url_for("company_introductions.detail", introduction_id=e.introduction_id))
