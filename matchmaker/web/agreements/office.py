"""The office's side of agreements (and the admins'): draft one on an introduction, its page
with the signatories and versions, the actions, the PDF, and the admins' event log. Company
members see the page of their agreements (once sent) without the actions."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from matchmaker.authz import admin_required, staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.services.agreements import audit, drafting, queries
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.services.introductions.people import visible_introduction
from matchmaker.web.agreements import files
from matchmaker.web.agreements.forms import (
    ActionForm,
    EditAgreementForm,
    EventFilterForm,
    NewAgreementForm,
    SignatoryForm,
    VersionForm,
)
from matchmaker.web.conflict import ConflictWithLink
from matchmaker.web.fields import choices
from matchmaker.web.forms import attach_error
from matchmaker.web.params import paginate

bp = Blueprint("agreements", __name__)
ACTION_RULE = "/agreements/<int:agreement_id>/<any(send, withdraw, terminate):action>"
UPLOADS = {"agreements.new", "agreements.upload_version"}
ACTIONS = {
    "send": (drafting.send_for_signature, "Sent: the signatories are invited by email."),
    "withdraw": (drafting.withdraw, "The agreement is withdrawn."),
    "terminate": (drafting.terminate, "The agreement is marked terminated."),
}


@bp.url_value_preprocessor  # runs before every before_request, which may read the form
def _upload_limit(endpoint, _values):
    if endpoint in UPLOADS:
        files.allow_large_upload()


@bp.app_template_global("agreements_of")
def agreements_of(intro):
    """The introduction's agreements the signed-in user may see (its pages list them)."""
    return queries.for_introduction(db.session, intro, current_user)


@bp.route("/introductions/<int:introduction_id>/agreements/new", methods=["GET", "POST"])
@staff_or_admin_required
def new(introduction_id: int):
    """Draft an agreement on an introduction, with its first PDF."""
    intro = visible_introduction(db.session, introduction_id, current_user)
    form = NewAgreementForm()
    if form.validate_on_submit():
        try:
            agreement = drafting.create_agreement(
                db.session, intro.id, current_user, form.details(), *files.uploaded(form.document)
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash("Agreement drafted: name its signatories, then send it.", "success")
            return redirect(url_for(".detail", agreement_id=agreement.id))
    return render_template("agreements/new.html", form=form, intro=intro)


def _forms(agreement) -> dict:
    version = agreement.version
    edit = EditAgreementForm(formdata=None, obj=agreement, version=version)
    edit.kind.data, edit.signing_order.data = agreement.kind.value, agreement.signing_order.value
    signatory = SignatoryForm(formdata=None, version=version)
    signatory.party.choices = choices((p, p) for p in drafting.party_choices(agreement))
    return {
        "edit_form": edit,
        "signatory_form": signatory,
        "version_form": VersionForm(formdata=None, version=version),
        "action_form": ActionForm(formdata=None, version=version),
    }


@bp.route("/agreements/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    """One agreement: its fingerprint, versions, signatories and who is still to sign."""
    context = queries.agreement_page(db.session, agreement_id, current_user)
    forms = _forms(context["agreement"]) if context["manage"] else {}
    return render_template("agreements/detail.html", **context, **forms)


@bp.route("/agreements/<int:agreement_id>/document")
@login_required
def document(agreement_id: int):
    """The current PDF, inline or (?download=1) as a file."""
    agreement = queries.visible_agreement(db.session, agreement_id, current_user)
    doc, content = queries.document_file(db.session, agreement)
    return files.pdf_response(doc.sha256, doc.number, content, bool(request.args.get("download")))


def _run(agreement_id: int, form, call, done: str):
    """Validate a form of the agreement's page, run one service call, say how it went."""
    queries.managed_agreement(db.session, agreement_id, current_user)  # else 404
    here = url_for(".detail", agreement_id=agreement_id)
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash(errors[0] if errors else "The form was not valid; reload and try again.", "error")
        return redirect(here)
    try:
        call()
    except Conflict as exc:
        raise ConflictWithLink(str(exc), here, "Open the agreement as it is now") from exc
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    return redirect(here)


@bp.route("/agreements/<int:agreement_id>/edit", methods=["POST"])
@staff_or_admin_required
def edit(agreement_id: int):
    """Change the title, kind, parties (and the order, while a draft)."""
    form = EditAgreementForm()
    return _run(
        agreement_id,
        form,
        lambda: drafting.edit_agreement(
            db.session, agreement_id, current_user, form.version.data, form.details()
        ),
        "Saved.",
    )


@bp.route("/agreements/<int:agreement_id>/signatories", methods=["POST"])
@staff_or_admin_required
def add_signatory(agreement_id: int):
    """Name a signatory (a draft only)."""
    form = SignatoryForm()
    form.party.choices = choices((p, p) for p in queries.party_choices(db.session, agreement_id))
    return _run(
        agreement_id,
        form,
        lambda: drafting.add_signatory(
            db.session,
            agreement_id,
            current_user,
            form.version.data,
            form.name.data,
            form.email.data,
            form.party.data,
        ),  # fmt: skip
        "Signatory added.",
    )


@bp.route(
    "/agreements/<int:agreement_id>/signatories/<int:signatory_id>/<any(remove, remind):action>",
    methods=["POST"],
)
@staff_or_admin_required
def signatory_action(agreement_id: int, signatory_id: int, action: str):
    """Remove a signatory (a draft), or send an invited one a fresh link."""
    form = ActionForm()
    call = drafting.remove_signatory if action == "remove" else drafting.remind_signatory
    done = "Signatory removed." if action == "remove" else "A new link was emailed."
    return _run(
        agreement_id,
        form,
        lambda: call(db.session, agreement_id, signatory_id, current_user, form.version.data),
        done,
    )


@bp.route("/agreements/<int:agreement_id>/versions", methods=["POST"])
@staff_or_admin_required
def upload_version(agreement_id: int):
    """Upload a new PDF version: earlier signatures are void, signatories are asked again."""
    form = VersionForm()
    return _run(
        agreement_id,
        form,
        lambda: drafting.new_version(
            db.session,
            agreement_id,
            current_user,
            form.version.data,
            *files.uploaded(form.document),
        ),  # fmt: skip
        "New version uploaded.",
    )


@bp.route(
    "/agreements/<int:agreement_id>/<any(send, withdraw, terminate):action>", methods=["POST"]
)
@staff_or_admin_required
def act(agreement_id: int, action: str):
    """Send for signature, withdraw, or (admins, a signed one) terminate."""
    form = ActionForm()
    call, done = ACTIONS[action]
    extra = () if action == "send" else (form.reason.data or "",)
    return _run(
        agreement_id,
        form,
        lambda: call(db.session, agreement_id, current_user, form.version.data, *extra),
        done,
    )


def _filters() -> EventFilterForm:
    form = EventFilterForm(request.args)
    actions = ((a, a.replace("_", " ")) for a in audit.ACTIONS)
    form.action.choices = choices([("", "Any action"), *actions])
    form.validate()
    return form


@bp.route("/admin/agreement-events")
@admin_required
def audit_log():
    """Every agreement and signature event: who, when, what, over which fingerprint."""
    form = _filters()
    page = paginate(audit.events_query(form.action.data or "", form.q.data or ""), per_page=50)
    return render_template("agreements/audit.html", form=form, page=page)


@bp.route("/admin/agreement-events.csv")
@admin_required
def audit_csv():
    """The filtered agreement events as CSV."""
    form = _filters()
    body = "".join(audit.export_csv(db.session, form.action.data or "", form.q.data or ""))
    disposition = "attachment; filename=agreement-events.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
