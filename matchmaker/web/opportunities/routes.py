"""Companies browse the priorities offices made visible and express interest in them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker import vocab
from matchmaker.authz import company_required, own_company_id
from matchmaker.extensions import db
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.review import opportunities
from matchmaker.web.fields import choices
from matchmaker.web.forms import attach_error
from matchmaker.web.opportunities.forms import InterestForm
from matchmaker.web.params import paginate

bp = Blueprint("opportunities", __name__, url_prefix="/opportunities")


@bp.route("")
@company_required
def browse():
    """Open priorities visible to companies, with search, filters and pages."""
    filters = opportunities.OpportunityFilters(
        q=request.args.get("q", ""),
        sector=request.args.get("sector", ""),
        partnership_type=request.args.get("type", ""),
        country=request.args.get("country", ""),
        state=request.args.get("state", ""),
    )
    query = opportunities.opportunities_query(filters)
    page = paginate(query)
    return render_template("opportunities/browse.html", page=page, filters=filters, vocab=vocab)


@bp.route("/<int:priority_id>/interest", methods=["GET", "POST"])
@company_required
def interest(priority_id: int):
    """Read a visible priority and express interest in it with a short message."""
    priority = opportunities.visible_priority(db.session, priority_id)
    profiles = opportunities.active_profiles(db.session, own_company_id())
    form = InterestForm()
    form.profile_id.choices = choices((p.id, p.title) for p in profiles)
    if profiles and form.validate_on_submit():
        try:
            opportunities.express_interest(
                db.session,
                priority.id,
                own_company_id(),
                form.profile_id.data,
                current_user,
                form.message.data,
            )
        except Conflict as exc:
            attach_error(form, exc)
            return render_template(
                "opportunities/interest.html", form=form, priority=priority, profiles=profiles
            ), 409
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash(f"Your interest was sent to {priority.office.name}.", "success")
            return redirect(url_for("opportunities.browse"))
    return render_template(
        "opportunities/interest.html", form=form, priority=priority, profiles=profiles
    )
