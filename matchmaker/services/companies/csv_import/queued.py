"""Company imports run as a job (the API's): the file is checked at once, every row as the
preview checks it, then imported by the page's all-or-nothing import in a background job whose
progress the batch records (queued, running, imported or failed)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from matchmaker.jobs import enqueue
from matchmaker.orm import ImportBatch, ImportStatus, User
from matchmaker.services.companies.csv_import.batches import (
    Preview,
    new_batch,
    preview_import,
    run_import,
)
from matchmaker.services.errors import DomainError, NotFound


class ImportRowErrors(DomainError):
    """Rows of the file have errors: nothing is imported. `rows` lists them."""

    field = "file"

    def __init__(self, rows: list[dict]):
        super().__init__(f"{len(rows)} row(s) have errors; nothing was imported.", "file")
        self.rows = rows


def row_errors(preview: Preview) -> list[dict]:
    """The preview's rows with errors: spreadsheet row number, company name, messages."""
    return [{"row": r.number, "name": r.name, "errors": list(r.errors)} for r in preview.errors]


def queue_import(session: Session, user: User, filename: str, data: bytes) -> ImportBatch:
    """Check an uploaded CSV and queue its import; a file that cannot be read (CsvFileError) or
    with any row in error (ImportRowErrors) is refused and nothing is stored."""
    batch = new_batch(user, filename, data)
    errors = row_errors(preview_import(session, batch))
    if errors:
        session.rollback()
        raise ImportRowErrors(errors)
    batch.status = ImportStatus.QUEUED
    session.add(batch)
    session.flush()
    enqueue("import_companies", batch.id)
    session.commit()
    return batch


def queued_import(session: Session, user: User, batch_id: int) -> ImportBatch:
    """An import the user uploaded; anyone else's is NotFound."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.uploaded_by_id != user.id:
        raise NotFound("No such import.")
    return batch


def run_queued_import(session: Session, batch_id: int) -> None:
    """The job: import the batch as its uploader (the page's run_import). Errors found now (the
    database changed since the check) fail the batch with its rows; nothing is imported then."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return  # imported already (by a retry, or from the preview page)
    batch.status = ImportStatus.RUNNING
    session.commit()
    uploader = session.get(User, batch.uploaded_by_id)
    try:
        run_import(session, batch_id, uploader)
    except DomainError as exc:  # run_import rolled its transaction back
        batch = session.get(ImportBatch, batch_id)
        if batch.status != ImportStatus.RUNNING:
            return
        batch.status, batch.failure = ImportStatus.FAILED, str(exc)
        batch.row_errors = row_errors(preview_import(session, batch))
        session.commit()
