"""The office's side of introductions (and the admins' view of all): the list by stage, one
introduction with its thread, and the admins' event log."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user

from matchmaker.authz import admin_required, staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.orm import IntroductionStage
from matchmaker.services.introductions import audit, queries
from matchmaker.web.introductions import thread
from matchmaker.web.introductions.forms import (
    EventFilterForm,
    MessageForm,
    OfficeIntroductionFilterForm,
)
from matchmaker.web.params import paginate

bp = Blueprint("introductions", __name__)
bp.add_app_template_global([(s.value, s.label) for s in IntroductionStage], "introduction_stages")


def _filter_form(form_cls):
    form = form_cls(request.args)
    form.office_id.choices = [(0, "Any office"), *queries.office_choices(db.session)]
    form.validate()
    return form


@bp.route("/introductions")
@staff_or_admin_required
def office_list():
    """The office's introductions by stage (admins: every office's), with filters."""
    form = _filter_form(OfficeIntroductionFilterForm)
    office_id = None if current_user.is_admin else current_user.office_id
    page = paginate(queries.office_introductions(office_id, form.filters()))
    counts = queries.stage_counts(db.session, office_id=office_id)
    return render_template("introductions/list.html", form=form, page=page, counts=counts)


@bp.route("/introductions/<int:introduction_id>")
@staff_or_admin_required
def detail(introduction_id: int):
    """One introduction: the request, the company's answer, contacts once both said yes."""
    context = queries.introduction_page(db.session, introduction_id, current_user)
    return render_template("introductions/detail.html", form=MessageForm(), **context)


@bp.route("/introductions/<int:introduction_id>/messages", methods=["POST"])
@staff_or_admin_required
def message(introduction_id: int):
    """Write to the company in the introduction's thread (emailed to its members)."""
    return thread.post_from_form(
        introduction_id, url_for("introductions.detail", introduction_id=introduction_id)
    )


@bp.route("/admin/introduction-events")
@admin_required
def audit_log():
    """Every introduction event: who, when, from, to and why."""
    form = _filter_form(EventFilterForm)
    page = paginate(audit.events_query(form.filters()), per_page=50)
    return render_template("introductions/audit.html", form=form, page=page)


@bp.route("/admin/introduction-events.csv")
@admin_required
def audit_csv():
    """The filtered introduction events as CSV."""
    body = "".join(audit.export_csv(db.session, _filter_form(EventFilterForm).filters()))
    disposition = "attachment; filename=introduction-events.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
