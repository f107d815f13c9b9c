"""A company member's own pages: the company, its interest profiles, members, data rights."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from matchmaker.authz import company_profiles, company_required, one_or_404, own_company
from matchmaker.extensions import db, limiter
from matchmaker.orm import InterestProfile, ProfileStatus
from matchmaker.services.accounts import members
from matchmaker.services.companies import data_rights
from matchmaker.services.companies import registration as companies
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.introductions.company_overview import company_partnerships
from matchmaker.web.my_company.forms import (
    CompanyForm,
    DeleteCompanyForm,
    InviteMemberForm,
    ProfileForm,
)
from matchmaker.web.params import paginate

bp = Blueprint("my_company", __name__, url_prefix="/company")


def details_from(form) -> companies.CompanyDetails:
    """The company fields of a sign-up or edit form."""
    return companies.CompanyDetails(
        name=form.company_name.data,
        website=form.website.data,
        hq_country=form.hq_country.data,
        size=form.size.data,
        naics_sectors=form.naics_sectors.data,
        description=form.description.data,
        contact_name=form.contact_name.data,
    )


def _profile_from(form: ProfileForm) -> companies.ProfileData:
    return companies.ProfileData(
        title=form.title.data,
        partnership_types=form.partnership_types.data,
        naics_sectors=form.naics_sectors.data,
        states=form.states.data,
        interests=form.interests.data,
        status=ProfileStatus(form.status.data),
    )


def _version(form) -> int | None:
    return int(form.version.data) if (form.version.data or "").isdigit() else None


def _form_error(form, exc: DomainError, default: str) -> int:
    """Put a service error next to its field; a stale edit answers 409."""
    if isinstance(exc, Conflict):
        form.form_errors.append(str(exc))  # no field is wrong: the record changed meanwhile
        return 409
    field = getattr(form, exc.field or "", None) or getattr(form, default)
    field.errors = [*field.errors, str(exc)]
    return 200


@bp.route("")
@company_required
def overview():
    """The company's own profile as offices see it, and its introductions, engagements and
    agreements to sign."""
    company = own_company()
    partnerships = company_partnerships(db.session, company.id)
    return render_template("my_company/overview.html", company=company, partnerships=partnerships)


@bp.route("/edit", methods=["GET", "POST"])
@company_required
def edit():
    """Edit the company's own profile."""
    company = own_company()
    form = CompanyForm(obj=company, company_name=company.name)
    status = 200
    if form.validate_on_submit():
        try:
            companies.update_company(db.session, company.id, details_from(form), _version(form))
        except DomainError as exc:
            status = _form_error(form, exc, "company_name")
        else:
            flash("The company profile was saved.", "success")
            return redirect(url_for("my_company.overview"))
    return render_template("my_company/edit.html", form=form, company=company), status


@bp.route("/profiles")
@company_required
def profiles():
    """The company's interest profiles, with search and a status filter."""
    q, status = request.args.get("q", "").strip()[:100], request.args.get("status", "")
    query = companies.profile_list(own_company().id, q, status)
    page = paginate(query)
    return render_template(
        "my_company/profiles.html", page=page, q=q, status=status, statuses=ProfileStatus
    )


@bp.route("/profiles/new", methods=["GET", "POST"])
@company_required
def new_profile():
    """Add an interest profile."""
    company = own_company()
    form = ProfileForm(naics_sectors=company.naics_sectors)
    if form.validate_on_submit():
        try:
            profile = companies.create_profile(db.session, company.id, _profile_from(form))
        except DomainError as exc:
            _form_error(form, exc, "title")
        else:
            flash(f"The interest profile “{profile.title}” was saved.", "success")
            return redirect(url_for("my_company.profiles"))
    return render_template("my_company/profile_form.html", form=form, profile=None)


@bp.route("/profiles/<int:profile_id>/edit", methods=["GET", "POST"])
@company_required
def edit_profile(profile_id: int):
    """Edit one of the company's interest profiles."""
    profile = one_or_404(company_profiles(), profile_id, InterestProfile)
    form = ProfileForm(obj=profile)
    status = 200
    if form.validate_on_submit():
        try:
            companies.update_profile(
                db.session,
                profile.company_id,
                profile.id,
                _profile_from(form),
                _version(form),
                actor=current_user,
            )
        except DomainError as exc:
            status = _form_error(form, exc, "title")
        else:
            flash("The interest profile was saved.", "success")
            return redirect(url_for("my_company.profiles"))
    return render_template("my_company/profile_form.html", form=form, profile=profile), status


def _member_key() -> str:
    """Invitations are limited per member (per address before the login check answers)."""
    who = current_user.id if current_user.is_authenticated else get_remote_address()
    return f"company-invite:{who}"


@bp.route("/members", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config.get("COMPANY_INVITE_RATE_LIMIT", "20 per hour"),
    key_func=_member_key,
    methods=["POST"],
)
@company_required
def members_page():
    """The company's members, and an invitation for a colleague."""
    company = own_company()
    form = InviteMemberForm()
    if form.validate_on_submit():
        try:
            members.invite_member(
                db.session, company.id, current_user, form.name.data, form.email.data
            )
        except DomainError as exc:
            _form_error(form, exc, "email")
        else:
            flash(f"An invitation was sent to {form.email.data}.", "success")
            return redirect(url_for("my_company.members_page"))
    people = db.session.scalars(members.member_list(company.id)).all()
    return render_template("my_company/members.html", form=form, people=people, company=company)


@bp.route("/members/<int:member_id>/remove", methods=["POST"])
@company_required
def remove_member(member_id: int):
    """Remove a colleague's access to the company."""
    try:
        member = members.remove_member(db.session, own_company().id, member_id, current_user)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{member.email} can no longer use the company's account.", "success")
    return redirect(url_for("my_company.members_page"))


@bp.route("/export.json")
@company_required
def export_data():
    """Download everything held about the company as JSON."""
    data = data_rights.export_company(db.session, own_company().id)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=matchmaker-company-data.json"},
    )


@bp.route("/delete", methods=["GET", "POST"])
@company_required
def delete_account():
    """Delete the company account; past suggestions stay, anonymised."""
    company = own_company()
    form = DeleteCompanyForm()
    if form.validate_on_submit():
        try:
            data_rights.delete_company(db.session, company.id, current_user, form.password.data)
        except DomainError as exc:
            _form_error(form, exc, "password")
        else:
            logout_user()
            flash("The company account was deleted. Thank you for using Matchmaker.", "success")
            return redirect(url_for("main.index"))
    return render_template("my_company/delete.html", form=form, company=company)
