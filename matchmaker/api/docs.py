"""/api/v1/docs: the OpenAPI description rendered on the server as a plain page (no script, no
CDN: within the CSP), with the problem types the API answers."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from matchmaker.api import problems
from matchmaker.api.problems import DETAILS

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
problems.register(bp)
METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


@bp.route("/docs")
def docs():
    """The API's documentation, generated from the same description as openapi.json."""
    spec = current_app.extensions["matchmaker_api"].spec.to_dict()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                operations.append((path, method.upper(), item[method]))
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=operations,
        problems=sorted(DETAILS.items()),
        ref_name=_ref_name,
    )
