"""Record authentication events in the caller's transaction, and read them back for admins."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy.orm import Session

from matchmaker.orm import AuthEvent, AuthEventKind, User
from matchmaker.text import one_line

NOT_AN_ADDRESS = "(not an email address)"


def _address(typed: str) -> str:
    """The address as typed, unless it cannot be one: a password typed into the email field
    must not end up in the sign-in events an admin reads."""
    typed = one_line(typed)
    if len(typed) > 254 or " " in typed or typed.count("@") != 1:
        return NOT_AN_ADDRESS
    local, _, domain = typed.partition("@")
    return typed if local and "." in domain else NOT_AN_ADDRESS


def request_origin() -> tuple[str, str]:
    """The current request's address and browser, cleaned ("" outside a request). Headers come
    from anyone: no control characters (PostgreSQL refuses NUL in text)."""
    if not has_request_context():
        return "", ""
    return one_line(request.remote_addr)[:45], one_line(request.headers.get("User-Agent"))[:200]


def record_auth_event(
    session: Session,
    kind: AuthEventKind,
    *,
    user: User | None = None,
    email: str = "",
    actor: User | None = None,
    detail: str = "",
    ip: str | None = None,
    user_agent: str | None = None,
) -> AuthEvent:
    """Append an event; the caller commits. Never pass a password, token or code in `detail`.

    `ip` and `user_agent` default to the current request's; a job recording an event for a
    request passes the ones that request had (request_origin())."""
    event = AuthEvent(
        kind=kind,
        user_id=user.id if user is not None else None,
        email=_address(email or (user.email if user is not None else "")),
        actor_id=actor.id if actor is not None else None,
        detail=detail[:300],
    )
    origin = request_origin()
    event.ip = one_line(origin[0] if ip is None else ip)[:45]
    event.user_agent = one_line(origin[1] if user_agent is None else user_agent)[:200]
    session.add(event)
    return event
