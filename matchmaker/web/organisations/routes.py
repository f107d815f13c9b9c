"""Admins manage cities, offices and office staff; invited staff set their password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker.authz import admin_required
from matchmaker.extensions import db
from matchmaker.orm import City, Office, OfficeKind
from matchmaker.security import start_session
from matchmaker.services.accounts import staff
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.organisations import offices as org
from matchmaker.tokens import InvalidToken
from matchmaker.web.fields import with_placeholder
from matchmaker.web.forms import attach_error
from matchmaker.web.organisations.forms import (
    AcceptInvitationForm,
    CityForm,
    InviteStaffForm,
    OfficeForm,
)
from matchmaker.web.params import id_arg, paginate

bp = Blueprint("organisations", __name__)


def _page(query):
    return paginate(query)


def _city_input(form: CityForm) -> org.CityInput:
    return org.CityInput(
        name=form.name.data, state=form.state.data or "", country=form.country.data
    )


def _office_input(form: OfficeForm) -> org.OfficeInput:
    return org.OfficeInput(
        city_id=form.city_id.data,
        name=form.name.data,
        kind=OfficeKind(form.kind.data),
        contact_email=form.contact_email.data,
        sectors=form.sectors.data or [],
        states=form.states.data or [],
    )


@bp.route("/admin/cities")
@admin_required
def cities():
    """Every city, searchable by name."""
    q = request.args.get("q", "")
    return render_template("organisations/cities.html", page=_page(org.cities_query(q)), q=q)


@bp.route("/admin/cities/new", methods=["GET", "POST"])
@admin_required
def new_city():
    """Add a city."""
    form = CityForm()
    if form.validate_on_submit():
        try:
            city = org.create_city(db.session, _city_input(form))
        except DomainError as exc:
            attach_error(form, exc, "name")
        else:
            flash(f"{city} was added.", "success")
            return redirect(url_for("organisations.cities"))
    return render_template("organisations/city_form.html", form=form, city=None)


@bp.route("/admin/cities/<int:city_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_city(city_id: int):
    """Rename or re-place a city; a concurrent edit by someone else answers 409."""
    city = db.get_or_404(City, city_id)
    form = CityForm(obj=city)
    if form.validate_on_submit():
        try:
            org.update_city(db.session, city.id, _city_input(form), _int(form.version.data))
        except Conflict as exc:
            attach_error(form, exc)
            return render_template("organisations/city_form.html", form=form, city=city), 409
        except DomainError as exc:
            attach_error(form, exc, "name")
        else:
            flash(f"{city} was saved.", "success")
            return redirect(url_for("organisations.cities"))
    return render_template("organisations/city_form.html", form=form, city=city)


@bp.route("/admin/offices")
@admin_required
def offices():
    """Every office, searchable by name or city and filtered by kind."""
    q, kind = request.args.get("q", ""), request.args.get("kind", "")
    page = _page(org.offices_query(q, kind, id_arg("city_id")))
    return render_template(
        "organisations/offices.html", page=page, q=q, kind=kind, kinds=OfficeKind
    )


@bp.route("/admin/offices/new", methods=["GET", "POST"])
@admin_required
def new_office():
    """Add an office to a city."""
    form = OfficeForm(city_id=id_arg("city_id"))
    form.city_id.choices = with_placeholder("Choose a city", org.city_choices(db.session))
    if form.validate_on_submit():
        try:
            office = org.create_office(db.session, _office_input(form))
        except DomainError as exc:
            attach_error(form, exc, "name")
        else:
            flash(f"{office.name} was added. Invite its staff below.", "success")
            return redirect(url_for("organisations.office", office_id=office.id))
    return render_template("organisations/office_form.html", form=form, office=None)


@bp.route("/admin/offices/<int:office_id>")
@admin_required
def office(office_id: int):
    """One office: its details, its staff and the invitation form."""
    office = db.get_or_404(Office, office_id)
    members = db.session.scalars(staff.staff_query(office.id)).all()
    return render_template(
        "organisations/office.html", office=office, staff=members, form=InviteStaffForm()
    )


@bp.route("/admin/offices/<int:office_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_office(office_id: int):
    """Edit an office; a concurrent edit by someone else answers 409."""
    office = db.get_or_404(Office, office_id)
    form = OfficeForm(obj=office)
    form.city_id.choices = with_placeholder("Choose a city", org.city_choices(db.session))
    if form.validate_on_submit():
        try:
            org.update_office(db.session, office.id, _office_input(form), _int(form.version.data))
        except Conflict as exc:
            attach_error(form, exc)
            return render_template("organisations/office_form.html", form=form, office=office), 409
        except DomainError as exc:
            attach_error(form, exc, "name")
        else:
            flash(f"{office.name} was saved.", "success")
            return redirect(url_for("organisations.office", office_id=office.id))
    return render_template("organisations/office_form.html", form=form, office=office)


@bp.route("/admin/offices/<int:office_id>/staff", methods=["POST"])
@admin_required
def invite_staff(office_id: int):
    """Invite a staff member to an office by email."""
    office = db.get_or_404(Office, office_id)
    form = InviteStaffForm()
    if form.validate_on_submit():
        try:
            user = staff.invite_staff(
                db.session, office.id, form.email.data, form.name.data or "", current_user
            )
        except DomainError as exc:
            attach_error(form, exc, "email")
        else:
            flash(f"An invitation was emailed to {user.email}.", "success")
            return redirect(url_for("organisations.office", office_id=office.id))
    members = db.session.scalars(staff.staff_query(office.id)).all()
    return render_template("organisations/office.html", office=office, staff=members, form=form)


@bp.route("/admin/staff/<int:user_id>/invite", methods=["POST"])
@admin_required
def resend_invitation(user_id: int):
    """Email a staff member who has not set a password a fresh invitation."""
    return _staff_action(
        lambda: staff.resend_invitation(db.session, user_id, current_user),
        "A new invitation was emailed to {}.",
    )


@bp.route("/admin/staff/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_staff(user_id: int):
    """Deactivate a staff member: they are logged out and cannot log in."""
    return _staff_action(
        lambda: staff.set_staff_active(db.session, user_id, False, current_user),
        "{} was deactivated and logged out.",
    )


@bp.route("/admin/staff/<int:user_id>/activate", methods=["POST"])
@admin_required
def activate_staff(user_id: int):
    """Reactivate a staff member."""
    return _staff_action(
        lambda: staff.set_staff_active(db.session, user_id, True, current_user),
        "{} was reactivated.",
    )


def _staff_action(action, message: str):
    """Run a staff service call, flash its outcome and go back to the office page."""
    try:
        user = action()
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("organisations.offices"))
    flash(message.format(user.email), "success")
    return redirect(url_for("organisations.office", office_id=user.office_id))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Set one's first password from an emailed staff invitation, then log in."""
    try:
        invited = staff.user_for_invitation(db.session, token)
    except InvalidToken as exc:
        flash(f"{exc} Ask an admin for a new invitation.", "error")
        return redirect(url_for("auth.login"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = staff.accept_invitation(db.session, token, form.password.data)
        except (InvalidToken, DomainError) as exc:
            attach_error(form, exc, "password")
        else:
            start_session(user, login="staff invitation link")
            flash(f"Welcome to {user.office.name}. Your password is set.", "success")
            return redirect(url_for("priorities.dashboard"))
    return render_template("organisations/accept_invitation.html", form=form, user=invited)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
