"""The office dashboard; staff post, read and edit their office's priorities."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker import codes, vocab
from matchmaker.authz import office_priorities, one_or_404, staff_or_admin_required, staff_required
from matchmaker.extensions import db
from matchmaker.orm import Priority, PriorityStatus
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.organisations import offices as org
from matchmaker.services.organisations import priorities
from matchmaker.web.forms import attach_error
from matchmaker.web.params import id_arg, paginate
from matchmaker.web.priorities.forms import EditPriorityForm, PostPriorityForm, prefill

bp = Blueprint("priorities", __name__)
bp.add_app_template_filter(codes.country_name, "country_name")
bp.add_app_template_filter(vocab.partnership_label, "partnership_label")
bp.add_app_template_global(codes.naics_title, "naics_title")


def _scope() -> int | None:
    """The office whose priorities the user may touch; None means every office (admins)."""
    return None if current_user.is_admin else current_user.office_id


def _input(form: PostPriorityForm) -> priorities.PriorityInput:
    return priorities.PriorityInput(
        title=form.title.data,
        description=form.description.data,
        naics_sectors=form.naics_sectors.data or [],
        partnership_types=form.partnership_types.data or [],
        target_countries=form.target_countries.data or [],
        horizon=form.horizon.data,
        status=PriorityStatus(form.status.data),
        visible_to_companies=bool(form.visible_to_companies.data),
    )


@bp.route("/office")
@staff_or_admin_required
def dashboard():
    """The office's priorities with their suggestion counts; search and filters."""
    filters = priorities.PriorityFilters(
        q=request.args.get("q", ""),
        status=request.args.get("status", ""),
        visible=request.args.get("visible", ""),
        office_id=id_arg("office_id") if current_user.is_admin else None,
    )
    query = priorities.filter_priorities(office_priorities(), filters)
    page = paginate(query)
    counts = priorities.suggestion_counts(db.session, [p.id for p in page.items])
    offices = org.office_choices(db.session) if current_user.is_admin else []
    return render_template(
        "priorities/dashboard.html",
        page=page,
        counts=counts,
        filters=filters,
        statuses=PriorityStatus,
        offices=offices,
    )


@bp.route("/office/priorities/new", methods=["GET", "POST"])
@staff_required
def new_priority():
    """Post a new priority for one's office (a link may prefill sectors, types, countries)."""
    form = PostPriorityForm(data=prefill(request.args))
    if form.validate_on_submit():
        try:
            priority = priorities.post_priority(
                db.session, current_user.office_id, current_user, _input(form)
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash(f"“{priority.title}” was posted as {priority.status.value}.", "success")
            return redirect(url_for("priorities.priority", priority_id=priority.id))
    return render_template("priorities/priority_form.html", form=form, priority=None)


@bp.route("/priorities/<int:priority_id>")
@staff_or_admin_required
def priority(priority_id: int):
    """One priority of the office, with its suggestion counts and ranked candidates."""
    priority = one_or_404(office_priorities(), priority_id, Priority)
    counts = priorities.suggestion_counts(db.session, [priority.id])[priority.id]
    candidates = priorities.ranked_candidates(db.session, priority.id)
    return render_template(
        "priorities/priority.html", priority=priority, counts=counts, candidates=candidates
    )


@bp.route("/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@staff_or_admin_required
def edit_priority(priority_id: int):
    """Edit a priority; if someone else saved it meanwhile, answer 409 and keep the input."""
    priority = one_or_404(office_priorities(), priority_id, Priority)
    form = EditPriorityForm(obj=priority)
    form.limit_statuses(priority.status)
    if form.validate_on_submit():
        try:
            saved = priorities.edit_priority(
                db.session,
                priority.id,
                _scope(),
                current_user,
                _input(form),
                _version(form.version.data),
            )
        except Conflict as exc:
            attach_error(form, exc)
            return render_template(
                "priorities/priority_form.html", form=form, priority=priority
            ), 409
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash(f"“{saved.title}” was saved.", "success")
            return redirect(url_for("priorities.priority", priority_id=saved.id))
    return render_template("priorities/priority_form.html", form=form, priority=priority)


def _version(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
