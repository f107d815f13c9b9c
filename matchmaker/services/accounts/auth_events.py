"""Record authentication events in the caller's transaction, and read them back for admins."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy.orm import Session

from matchmaker.orm import AuthEvent, AuthEventKind, User


def record_auth_event(
    session: Session,
    kind: AuthEventKind,
    *,
    user: User | None = None,
    email: str = "",
    actor: User | None = None,
    detail: str = "",
) -> AuthEvent:
    """Append an event; the caller commits. Never pass a password, token or code in `detail`."""
    event = AuthEvent(
        kind=kind,
        user_id=user.id if user is not None else None,
        email=(email or (user.email if user is not None else ""))[:254],
        actor_id=actor.id if actor is not None else None,
        detail=detail[:300],
    )
    if has_request_context():
        event.ip = (request.remote_addr or "")[:45]
        event.user_agent = request.headers.get("User-Agent", "")[:200]
    session.add(event)
    return event
