"""One way to make an API blueprint: problems for every error, JSON bodies within the size
limit, no CSRF for bearer requests (auth.py checks cookie ones), a rate limit per token.

Done once, when the module is imported: blueprints are shared by every app the process builds.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, request
from flask_smorest import Blueprint

from matchmaker.api import problems
from matchmaker.api.auth import rate_key
from matchmaker.extensions import csrf, limiter


def _body_checks():
    """Bodies are JSON and small: 413 and 415 problems before any parsing."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    limit = current_app.config["API_MAX_BODY"]
    length = request.content_length
    if length is not None and length > limit:
        abort(413)
    if (length or request.headers.get("Transfer-Encoding")) and not request.is_json:
        abort(415)
    request.max_content_length = limit  # a body without a length stops reading there


def api_blueprint(
    name: str, url_prefix: str, description: str, body_checks: Callable = _body_checks
) -> Blueprint:
    """`body_checks` runs before every view (JSON within API_MAX_BODY unless told otherwise)."""
    bp = Blueprint(name, __name__, url_prefix=url_prefix, description=description)
    problems.register(bp)
    bp.before_request(body_checks)
    csrf.exempt(bp)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(bp)
    return bp
