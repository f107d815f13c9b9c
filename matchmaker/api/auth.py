"""Bearer-token authentication for /api/v1: the token's user acts with their role and tenant,
limited to the token's scopes; a rate limit per token."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, g, request
from flask_limiter.util import get_remote_address
from limits import parse

from matchmaker.api.problems import from_http_exception, problem
from matchmaker.database import SAFE_METHODS
from matchmaker.extensions import csrf, db, limiter
from matchmaker.orm import Role
from matchmaker.services.accounts import api_tokens

# Readable without a token: the description and its documentation page.
PUBLIC_ENDPOINTS = frozenset({"api-docs.openapi_json", "api_docs.docs"})


def _bearer() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def rate_key() -> str:
    """Count per token (its hash: the secret itself never reaches the limiter's storage)."""
    secret = _bearer()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "api-ip:" + (get_remote_address() or "")


FAILURES = "api-auth-failures"


def _failure_limit():
    """The allowance of failed bearer tokens per address, or None when limits are off."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return parse(current_app.config["API_AUTH_FAILURE_LIMIT"])


def _locked_out():
    """A 429 problem when this address sent too many invalid, expired or revoked tokens: each
    guess costs an attempt, so cycling random tokens stops there (a valid one waits too, else
    the answer would still tell which guess was right)."""
    item = _failure_limit()
    address = get_remote_address() or ""
    if item is None or limiter.limiter.test(item, FAILURES, address):
        return None
    reset = limiter.limiter.get_window_stats(item, FAILURES, address).reset_time
    wait = max(1, math.ceil(reset - time.time()))
    detail = "Too many invalid tokens from this address. Wait a minute and try again."
    return problem(429, detail, headers={"Retry-After": str(wait)})


def _count_failure() -> None:
    item = _failure_limit()
    if item is not None:
        limiter.limiter.hit(item, FAILURES, get_remote_address() or "")


def authenticate_api():
    """before_request for /api/v1: routing errors as problems, then the bearer token."""
    if not (request.path == "/api" or request.path.startswith("/api/")):
        return None
    error = request.routing_exception
    if error is not None and getattr(error, "code", 0) >= 400:
        return from_http_exception(error)  # 404 and 405 outside any blueprint's handlers
    if request.endpoint in PUBLIC_ENDPOINTS or error is not None:
        return None
    secret = _bearer()
    if secret is None:
        cookie = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        if cookie and request.method not in SAFE_METHODS and current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()  # a browser session never skips the CSRF check, even here
        return problem(401, headers={"WWW-Authenticate": "Bearer"})
    refused = _locked_out()
    if refused is not None:
        return refused
    token, why = api_tokens.authenticate(db.session, secret)
    if token is None:
        _count_failure()
        return problem(401, why, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    g.api_token = token
    g._login_user = token.user  # flask-login's current_user for this request
    return None


def access(scope: str, *roles: Role) -> Callable:
    """The token must hold `scope` and its user one of `roles`; else 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = g.get("api_token")
            if token is None:
                abort(401)
            if token.user.role not in roles:
                abort(403, description="Your account's role may not use this endpoint.")
            if scope not in token.scopes:
                abort(403, description=f"This token lacks the scope “{scope}”.")
            return view(*args, **kwargs)

        # In the OpenAPI description: the bearer token with this scope (3.1 allows role names).
        apidoc = dict(getattr(view, "_apidoc", {}))
        manual = dict(apidoc.get("manual_doc", {}))
        manual["security"] = [{"bearer": [scope]}]
        manual["x-roles"] = [r.value for r in roles]
        apidoc["manual_doc"] = manual
        wrapped._apidoc = apidoc
        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    """Register the authentication hook (before the session hooks read current_user)."""
    app.config.setdefault("API_RATE_LIMIT", "300 per minute")
    app.config.setdefault("API_AUTH_FAILURE_LIMIT", "20 per 10 minutes")
    app.before_request(authenticate_api)
