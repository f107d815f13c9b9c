"""The JSON API under /api/v1: flask-smorest blueprints over the same services as the pages,
bearer tokens (auth.py), problem details (problems.py), OpenAPI 3.1 at /api/v1/openapi.json."""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from matchmaker.api import problems
from matchmaker.api.common import ProblemSchema
from matchmaker.services.companies.csv_import import columns as csv_columns

SPEC_OPTIONS = {
    "info": {
        "description": (
            "Matchmaker's JSON API. Authenticate with a personal API token (made on the "
            "account's API tokens page) sent as `Authorization: Bearer <token>`. A token acts "
            "with its user's role and tenant, limited to its scopes. Errors are RFC 9457 "
            "problem details (application/problem+json). Lists paginate by cursor."
        )
    },
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
}


class MatchmakerApi(Api):
    """flask-smorest's Api with problem details as the error shape and media type."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        """App-wide fallback: a problem under /api, Flask's own page elsewhere."""
        if problems.is_api_request():
            return problems.from_http_exception(error)
        return error


def register(app: Flask) -> None:
    """Configure flask-smorest and attach every API blueprint."""
    from matchmaker.api import (
        companies,
        company_imports,
        docs,
        introductions,
        metrics,
        priorities,
        profiles,
        suggestions,
    )

    app.config.update(
        API_TITLE="Matchmaker API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS=SPEC_OPTIONS,
    )
    app.config.setdefault("API_MAX_BODY", 64 * 1024)
    # A CSV import: the file's own limit, and room for a multipart form around it.
    app.config.setdefault("API_MAX_IMPORT_BODY", csv_columns.MAX_BYTES + 64 * 1024)
    api = MatchmakerApi(app)
    app.register_blueprint(docs.bp)
    for module in (
        priorities,
        profiles,
        suggestions,
        introductions,
        companies,
        company_imports,
        metrics,
    ):
        api.register_blueprint(module.blp)
    app.extensions["matchmaker_api"] = api
