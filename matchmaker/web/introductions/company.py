"""A company member's side of introductions: the requests, answering them, the thread, and
"no more introductions from this office"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker.authz import company_required
from matchmaker.extensions import db
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.introductions import blocks, people, queries, transitions
from matchmaker.web.conflict import ConflictWithLink
from matchmaker.web.introductions import thread
from matchmaker.web.introductions.forms import (
    AcceptForm,
    BlockForm,
    DeclineForm,
    IntroductionFilterForm,
    MessageForm,
)
from matchmaker.web.params import paginate

bp = Blueprint("company_introductions", __name__, url_prefix="/company/introductions")
ANSWERS = {
    "accept": (AcceptForm, "Accepted: you are introduced."),
    "decline": (DeclineForm, "Declined."),
}


@bp.route("")
@company_required
def company_list():
    """The company's introduction requests and introductions, with filters."""
    form = IntroductionFilterForm(request.args)
    form.validate()
    company_id = current_user.company_id
    page = paginate(queries.company_introductions(company_id, form.filters()))
    return render_template(
        "company_introductions/list.html",
        form=form,
        page=page,
        counts=queries.stage_counts(db.session, company_id=company_id),
        blocks=blocks.company_blocks(db.session, company_id),
        unblock=BlockForm(),
    )


@bp.route("/<int:introduction_id>")
@company_required
def detail(introduction_id: int):
    """One request: the office, the priority, its note; contacts and thread once accepted."""
    context = queries.introduction_page(db.session, introduction_id, current_user)
    version = context["intro"].version
    return render_template(
        "company_introductions/detail.html",
        accept=AcceptForm(formdata=None, version=version),
        decline=DeclineForm(formdata=None, version=version, prefix="decline"),
        form=MessageForm(),
        block_form=BlockForm(),
        **context,
    )


@bp.route("/<int:introduction_id>/<any(accept, decline):action>", methods=["POST"])
@company_required
def answer(introduction_id: int, action: str):
    """Accept or decline a request; 409 when a colleague answered first."""
    people.visible_introduction(db.session, introduction_id, current_user)  # else 404
    form_cls, done = ANSWERS[action]
    form = form_cls(prefix="decline" if action == "decline" else "")
    here = url_for("company_introductions.detail", introduction_id=introduction_id)
    if not form.validate_on_submit():
        flash("The form was not valid; reload the page and try again.", "error")
        return redirect(here)
    details = (
        {"reason": form.reason.data or "", "block": form.block.data} if action == "decline" else {}
    )
    try:
        transitions.transition(
            db.session, introduction_id, current_user, action, form.version.data, **details
        )
    except Conflict as exc:
        raise ConflictWithLink(str(exc), here, "Open the introduction as it is now") from exc
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(here)


@bp.route("/<int:introduction_id>/messages", methods=["POST"])
@company_required
def message(introduction_id: int):
    """Write to the office in the introduction's thread (emailed to it)."""
    return thread.post_from_form(
        introduction_id, url_for("company_introductions.detail", introduction_id=introduction_id)
    )


@bp.route("/<int:introduction_id>/block", methods=["POST"])
@company_required
def block(introduction_id: int):
    """No more introductions from this introduction's office."""
    if BlockForm().validate_on_submit():
        blocks.block_introducing_office(db.session, introduction_id, current_user)
        flash("No more introductions will come from this office.", "success")
    return redirect(url_for("company_introductions.detail", introduction_id=introduction_id))


@bp.route("/blocks/<int:block_id>/delete", methods=["POST"])
@company_required
def unblock(block_id: int):
    """Allow introductions from an office again."""
    if BlockForm().validate_on_submit():
        blocks.unblock_office(db.session, current_user.company_id, block_id)
        flash("Introductions from this office are allowed again.", "success")
    return redirect(url_for("company_introductions.company_list"))
