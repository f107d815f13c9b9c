"""Uploads and downloads of agreement PDFs: the larger request limit, the file's bytes, and a
PDF answer with a safe file name."""

from __future__ import annotations

from flask import Response, request

from matchmaker.services.agreements.documents import MAX_BYTES

# The form around the file, on top of the 10 MB the service accepts (it says "too large" itself
# for anything between; beyond this the request is cut off with the 413 page).
REQUEST_LIMIT = MAX_BYTES + 512 * 1024


def allow_large_upload() -> None:
    """Before an upload view: lift this request's limit above the app-wide 6 MB."""
    request.max_content_length = REQUEST_LIMIT


def uploaded(field) -> tuple[bytes, str]:
    """The file's bytes (one more than the limit at most, so "too large" can be told) and name."""
    storage = field.data
    return storage.read(MAX_BYTES + 1), storage.filename or ""


def pdf_response(sha256: str, number: int, content: bytes, download: bool) -> Response:
    """The PDF, inline (the browser's viewer) or as an attachment, named by its fingerprint."""
    disposition = "attachment" if download else "inline"
    name = f"agreement-v{number}-{sha256[:12]}.pdf"  # never the uploaded name: it is user text
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
