"""Staff and admin pages for companies: CSV import and export; admin verification."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from matchmaker.authz import admin_required, staff_or_admin_required
from matchmaker.extensions import db
from matchmaker.orm import CompanyStatus, ImportBatch
from matchmaker.services.companies import trust
from matchmaker.services.companies.csv_import import batches as company_import
from matchmaker.services.companies.csv_import import columns as company_csv
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.web.companies.forms import (
    CompanyDecisionForm,
    ImportRunForm,
    ImportUploadForm,
    MergeCompanyForm,
)
from matchmaker.web.conflict import ConflictWithLink
from matchmaker.web.params import paginate

bp = Blueprint("companies", __name__)
PREVIEW_ROWS = 100


def _csv(text: str, filename: str) -> Response:
    # A byte-order mark, so spreadsheets open the UTF-8 file with the right characters.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _own_batch(batch_id: int) -> ImportBatch:
    """An import uploaded by the current user; anyone else's answers 404."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.uploaded_by_id != current_user.id:
        abort(404)
    return batch


@bp.route("/companies/import", methods=["GET", "POST"])
@staff_or_admin_required
def import_upload():
    """Upload a CSV of companies for a preview."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            batch = company_import.upload_import(
                db.session, current_user, upload.filename or "", upload.read()
            )
        except DomainError as exc:
            form.file.errors = [*form.file.errors, str(exc)]
        else:
            return redirect(url_for("companies.import_preview", batch_id=batch.id))
    page = render_template("companies/import.html", form=form, columns=company_csv.COLUMNS)
    return page, 400 if form.errors else 200


@bp.route("/companies/import/template.csv")
@staff_or_admin_required
def import_template():
    """Download the import template: the columns and one example row."""
    return _csv(company_csv.template_csv(), "companies-template.csv")


@bp.route("/companies/import/<int:batch_id>")
@staff_or_admin_required
def import_preview(batch_id: int):
    """What importing the uploaded file would do, with every row-level error."""
    batch = _own_batch(batch_id)
    preview = company_import.preview_import(db.session, batch)
    return render_template(
        "companies/preview.html",
        batch=batch,
        preview=preview,
        form=ImportRunForm(),
        earlier=company_import.earlier_import(db.session, batch),
        limit=PREVIEW_ROWS,
    )


@bp.route("/companies/import/<int:batch_id>/run", methods=["POST"])
@staff_or_admin_required
def import_run(batch_id: int):
    """Import every row of the previewed file, or none."""
    _own_batch(batch_id)
    try:
        batch = company_import.run_import(db.session, batch_id, current_user)
    except Conflict as exc:
        here = url_for("companies.import_preview", batch_id=batch_id)
        raise ConflictWithLink(str(exc), here, "Preview the file again") from exc
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"Imported: {batch.created_count} new, {batch.updated_count} updated, "
            f"{batch.unchanged_count} unchanged.",
            "success",
        )
    return redirect(url_for("companies.import_preview", batch_id=batch_id))


@bp.route("/companies/export.csv")
@staff_or_admin_required
def export_csv():
    """Download companies as CSV in the import format (admins: contacts, and a status filter)."""
    statuses = (CompanyStatus.ACTIVE,)
    wanted = request.args.get("status", "")
    if current_user.is_admin and wanted in {s.value for s in CompanyStatus}:
        statuses = (CompanyStatus(wanted),)
    text = company_csv.export_companies(db.session, statuses, current_user.is_admin)
    return _csv(text, "companies.csv")


@bp.route("/admin/companies")
@admin_required
def admin_companies():
    """Companies by status; those waiting for verification first."""
    status = request.args.get("status", CompanyStatus.PENDING_VERIFICATION.value)
    q = request.args.get("q", "").strip()[:100]
    query = trust.company_list(status, q)
    page = paginate(query)
    return render_template(
        "companies/admin_list.html", page=page, q=q, status=status, statuses=CompanyStatus
    )


@bp.route("/admin/companies/<int:company_id>")
@admin_required
def admin_company(company_id: int):
    """One company with its look-alikes, and the verify, suspend and merge actions."""
    company = trust.company_for_admin(db.session, company_id)
    if company is None:
        abort(404)
    return render_template(
        "companies/admin_company.html",
        company=company,
        duplicates=trust.find_duplicates(db.session, company),
        verify_form=CompanyDecisionForm(prefix="verify"),
        suspend_form=CompanyDecisionForm(prefix="suspend"),
        merge=MergeCompanyForm(),
    )


def _decide(company_id: int, action, prefix: str, done: str):
    form = CompanyDecisionForm(prefix=prefix)
    if not form.validate_on_submit():
        flash("The note is too long (1,000 characters at most).", "error")
        return redirect(url_for("companies.admin_company", company_id=company_id))
    try:
        company = action(db.session, company_id, current_user, form.note.data or "")
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{company.name} was {done}.", "success")
    return redirect(url_for("companies.admin_company", company_id=company_id))


@bp.route("/admin/companies/<int:company_id>/verify", methods=["POST"])
@admin_required
def verify(company_id: int):
    """Publish a company that waits for verification."""
    return _decide(company_id, trust.verify_company, "verify", "verified and published")


@bp.route("/admin/companies/<int:company_id>/suspend", methods=["POST"])
@admin_required
def suspend(company_id: int):
    """Hide a company from offices."""
    return _decide(company_id, trust.suspend_company, "suspend", "suspended")


@bp.route("/admin/companies/<int:company_id>/merge", methods=["POST"])
@admin_required
def merge(company_id: int):
    """Fold a duplicate company into another."""
    form = MergeCompanyForm()
    if form.validate_on_submit():
        try:
            target = trust.merge_company(
                db.session, company_id, form.target_id.data, current_user, form.note.data or ""
            )
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Merged into {target.name}.", "success")
            return redirect(url_for("companies.admin_company", company_id=target.id))
    else:
        flash("Give the number of the company to merge into.", "error")
    return redirect(url_for("companies.admin_company", company_id=company_id))
