"""RFC 9457 problem details: every error under /api answers in this one JSON shape, never HTML.

{"type": ".../api/v1/docs#problem-409", "title": "Conflict", "status": 409,
 "detail": "Ann got there first: ...", "errors": {"field": ["message", ...]}}
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Response, json, request, url_for
from werkzeug.exceptions import HTTPException

from matchmaker.extensions import db
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"

DETAILS = {
    400: "The request was not valid.",
    401: "Send a personal API token as “Authorization: Bearer <token>”.",
    403: "This token may not do this.",
    404: "There is nothing here, or it is not yours to see.",
    405: "This method is not allowed here.",
    409: "The record changed meanwhile; read it again and retry.",
    413: "The request body is larger than the service accepts.",
    415: "Send the body as JSON (Content-Type: application/json).",
    422: "Some fields are not valid; see `errors`.",
    429: "Too many requests with this token. Wait a minute and try again.",
    500: "Something went wrong on our side. The error was logged.",
}


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def problem(
    status: int,
    detail: str = "",
    *,
    errors: dict | None = None,
    headers: dict | None = None,
) -> Response:
    """A problem+json response."""
    body = {
        "type": f"{url_for('api_docs.docs')}#problem-{status}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or DETAILS.get(status, HTTPStatus(status).description),
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _field_errors(err: HTTPException) -> dict | None:
    """webargs' messages by location ({"json": {"title": ["..."]}}) as one {field: [..]} map."""
    messages = (getattr(err, "data", None) or {}).get("messages")
    if not isinstance(messages, dict):
        return None
    errors: dict = {}
    for location in messages.values():
        if isinstance(location, dict):
            errors.update({k: v if isinstance(v, list) else [v] for k, v in location.items()})
        else:
            errors.setdefault("_body", []).extend(location)
    return errors or None


def from_http_exception(err: HTTPException) -> Response:
    """Any werkzeug/Flask HTTP error (routing, size, limiter, CSRF, webargs) as a problem."""
    db.session.rollback()  # the failed request may have left the transaction aborted (PG)
    status = err.code or 500
    headers = {}
    if status == 405 and getattr(err, "valid_methods", None):
        headers["Allow"] = ", ".join(err.valid_methods)
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    detail = DETAILS.get(status, "")
    if status in (400, 401, 403, 409, 413, 415, 422) and _own_description(err):
        detail = err.description
    if status == 400 and err.__class__.__name__ == "CSRFError":
        detail = "Requests made with a browser session need a CSRF token; use an API token."
    return problem(status, detail, errors=_field_errors(err), headers=headers)


def _own_description(err: HTTPException) -> bool:
    """A description someone wrote for this error, not werkzeug's stock sentence."""
    return bool(err.description) and err.description != type(err).description


def from_service_error(err: Exception) -> Response:
    """A service error no view turned into a response: NotFound 404, Conflict and a refused
    transition 409, any other DomainError 422 with the field it names."""
    db.session.rollback()
    if isinstance(err, NotFound):
        return problem(404, str(err))
    if isinstance(err, Conflict | InvalidTransition):
        return problem(409, str(err))
    field = getattr(err, "field", None)
    return problem(422, str(err), errors={field or "_body": [str(err)]})


def register(blueprint) -> None:
    """Every error raised inside an API blueprint answers as a problem. By code as well: Flask
    prefers the app's handler for a code over a blueprint's for the HTTPException class."""
    for code in (*DETAILS, 503):
        blueprint.register_error_handler(code, from_http_exception)
    blueprint.register_error_handler(HTTPException, from_http_exception)
    blueprint.register_error_handler(NotFound, from_service_error)
    blueprint.register_error_handler(DomainError, from_service_error)
