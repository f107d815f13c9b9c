"""Company import by CSV for admins, as a job whose status can be polled
(services/companies/csv_import/queued.py over the page's import)."""

from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.api.common import Timestamp
from matchmaker.api.problems import problem
from matchmaker.extensions import db
from matchmaker.orm import ImportStatus, Role
from matchmaker.services.companies.csv_import import columns, queued
from matchmaker.services.errors import DomainError

MEDIA_TYPES = ("text/csv", "multipart/form-data")
# What the client polls: waiting or running, then succeeded or failed for good.
STATES = {
    ImportStatus.QUEUED: "queued",
    ImportStatus.RUNNING: "running",
    ImportStatus.PREVIEWED: "previewed",  # uploaded on the page, to be imported there
    ImportStatus.IMPORTED: "succeeded",
    ImportStatus.FAILED: "failed",
}


def _csv_body_checks():
    """A CSV (as the body, or a multipart file) within the size limit: 413 and 415 problems."""
    if request.method != "POST":
        return
    limit = current_app.config["API_MAX_IMPORT_BODY"]
    length = request.content_length
    if length is not None and length > limit:
        abort(413, description=f"A CSV import is at most {columns.MAX_BYTES // 2**20} MB.")
    if request.mimetype not in MEDIA_TYPES:
        abort(415, description="Send the CSV as text/csv, or as the file “file” of a form.")
    request.max_content_length = limit  # a body without a length stops reading there


blp = api_blueprint(
    "api_company_imports",
    url_prefix="/api/v1/companies/imports",
    description="Import companies from CSV (admins), as a job whose status can be polled",
    body_checks=_csv_body_checks,
)


class RowErrorSchema(Schema):
    row = fields.Integer(required=True, metadata={"description": "Spreadsheet row (header: 1)"})
    name = fields.String(required=True)
    errors = fields.List(fields.String(), required=True)


class ProgressSchema(Schema):
    rows = fields.Integer(required=True, metadata={"description": "Data rows in the file"})
    done = fields.Integer(required=True, metadata={"description": "Rows imported so far"})


class ResultSchema(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(
        required=True, metadata={"description": "Unchanged, or skipped (e.g. self-managed)"}
    )


class ImportSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(sorted(set(STATES.values()))))
    filename = fields.String(required=True)
    progress = fields.Nested(ProgressSchema, required=True)
    result = fields.Nested(
        ResultSchema, required=True, allow_none=True, metadata={"description": "When succeeded"}
    )
    failure = fields.String(required=True, allow_none=True, metadata={"description": "When failed"})
    row_errors = fields.List(fields.Nested(RowErrorSchema), required=True)
    created_at = Timestamp(required=True)
    imported_at = Timestamp(required=True, allow_none=True)


def _shown(batch) -> dict:
    state = STATES[batch.status]
    done = state == "succeeded"
    return {
        "id": batch.id,
        "status": state,
        "filename": batch.filename,
        "progress": {"rows": batch.row_count, "done": batch.row_count if done else 0},
        "result": {
            "created": batch.created_count,
            "updated": batch.updated_count,
            "unchanged": batch.unchanged_count,
        }
        if done
        else None,
        "failure": (batch.failure or None) if state == "failed" else None,
        "row_errors": batch.row_errors or [],
        "created_at": batch.created_at,
        "imported_at": batch.imported_at,
    }


def _upload() -> tuple[str, bytes]:
    """The CSV's file name and bytes, from the body or the form's file `file`."""
    if request.mimetype == "text/csv":
        return "api-upload.csv", request.get_data()
    upload = request.files.get("file")
    if upload is None:
        abort(422, description="Attach the CSV as the form's file “file”.")
    return upload.filename or "api-upload.csv", upload.read()


REQUEST_BODY = {
    "required": True,
    "description": "The CSV in the import format (README: Company CSV import), at most 5 MB.",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}


@blp.route("", methods=["POST"])
@access("write:companies", Role.ADMIN)
@blp.doc(requestBody=REQUEST_BODY)
@blp.response(202, ImportSchema, headers={"Location": {"schema": {"type": "string"}}})
def start_import():
    """Check the CSV and queue its import: 202 with a Location to poll. A file with any
    error answers 422 with every row's errors, and nothing is imported."""
    filename, data = _upload()
    if len(data) > columns.MAX_BYTES:
        abort(413, description=f"A CSV import is at most {columns.MAX_BYTES // 2**20} MB.")
    try:
        batch = queued.queue_import(db.session, current_user, filename, data)
    except queued.ImportRowErrors as exc:
        errors = {f"row {r['row']}": r["errors"] for r in exc.rows}
        return problem(422, str(exc), errors=errors)
    except DomainError as exc:
        return problem(422, str(exc), errors={"file": [str(exc)]})
    location = url_for("api_company_imports.get_import", import_id=batch.id)
    return _shown(batch), 202, {"Location": location}


@blp.route("/<int:import_id>")
@access("write:companies", Role.ADMIN)
@blp.response(200, ImportSchema)
def get_import(import_id: int):
    """An import's status: queued, running, succeeded (with its counts) or failed (why)."""
    return _shown(queued.queued_import(db.session, current_user, import_id))
