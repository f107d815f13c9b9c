"""Personal API tokens: create (the secret shown once), list, revoke, and recognise one.

A token is "mm_<8 hex>_<43 url-safe characters>" (256 random bits); only its SHA-256 is stored,
so a copy of the database cannot be replayed against the API. A token acts as its user, with
the user's role and tenant, limited to the scopes chosen for it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import ApiToken, AuthEventKind, Role, User, utcnow
from matchmaker.services.accounts.auth_events import record_auth_event
from matchmaker.services.errors import DomainError, InvalidTransition, NotFound
from matchmaker.text import check_text

NAME_MAX = 80
MAX_LIVE_TOKENS = 20
EXPIRY_DAYS = (7, 30, 90, 365)
# last_used_at is written at most this often, so that reading the API does not write each time.
TOUCH_INTERVAL = timedelta(minutes=1)

SCOPES = {
    "read:queue": "Read the office's suggestion queue and suggestions",
    "write:decisions": "Claim, accept, decline, snooze and reassign suggestions",
    "read:priorities": "Read the office's priorities",
    "write:priorities": "Post and edit the office's priorities",
    "read:profiles": "Read the company's interest profiles",
    "write:profiles": "Create, edit and pause the company's interest profiles",
    "read:introductions": "Read introductions, engagements and agreements",
    "read:companies": "Search companies",
    "read:metrics": "Read the funnel figures of the metrics page",
    "write:companies": "Import companies from CSV (admins)",
}
# What each role may grant a token: never more than the user may do on the pages.
ROLE_SCOPES: dict[Role, tuple[str, ...]] = {
    Role.OFFICE_STAFF: (
        "read:queue",
        "write:decisions",
        "read:priorities",
        "write:priorities",
        "read:introductions",
        "read:companies",
        "read:metrics",
    ),
    Role.COMPANY_MEMBER: ("read:profiles", "write:profiles", "read:introductions"),
    Role.ADMIN: (
        "read:queue",
        "write:decisions",
        "read:priorities",
        "read:introductions",
        "read:companies",
        "read:metrics",
        "write:companies",
    ),
}


class InvalidToken(DomainError):
    """A name, scope or expiry the form sent is not acceptable; `field` names it."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scopes_for(role: Role) -> list[tuple[str, str]]:
    """The (scope, description) pairs a user of this role may grant."""
    return [(s, SCOPES[s]) for s in ROLE_SCOPES[role]]


def create_token(session: Session, user: User, name: str, scopes: list[str], days: int) -> NewToken:
    """Make a token for the user; the returned secret is the only copy there will ever be."""
    check_text({"name": name}, {})
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise InvalidToken(f"Give the token a name of 1 to {NAME_MAX} characters.", "name")
    chosen = list(dict.fromkeys(scopes))
    if not chosen:
        raise InvalidToken("Choose at least one scope.", "scopes")
    if bad := [s for s in chosen if s not in ROLE_SCOPES[user.role]]:
        raise InvalidToken(f"Your account may not grant: {', '.join(bad)}.", "scopes")
    if days not in EXPIRY_DAYS:
        raise InvalidToken("Choose one of the offered lifetimes.", "days")
    if len(live_tokens(session, user)) >= MAX_LIVE_TOKENS:
        raise InvalidToken(
            f"You have {MAX_LIVE_TOKENS} live tokens: revoke one before making another.", "name"
        )
    prefix = f"mm_{secrets.token_hex(4)}"
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=prefix,
        token_hash=hash_secret(secret),
        scopes=chosen,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    record_auth_event(
        session,
        AuthEventKind.API_TOKEN_CREATED,
        user=user,
        detail=f"{prefix} “{name}”: {', '.join(chosen)}; expires {token.expires_at:%Y-%m-%d}",
    )
    session.commit()
    return NewToken(token, secret)


def user_tokens(session: Session, user: User) -> list[ApiToken]:
    """Every token of the user, newest first (revoked and expired ones too, for the record)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
            .limit(100)
        )
    )


def live_tokens(session: Session, user: User) -> list[ApiToken]:
    now = utcnow()
    return [t for t in user_tokens(session, user) if t.revoked_at is None and t.expires_at > now]


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; another user's id is NotFound."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is not None:
        raise InvalidTransition("This token was already revoked.")
    token.revoked_at = utcnow()
    record_auth_event(
        session, AuthEventKind.API_TOKEN_REVOKED, user=user, detail=f"{token.prefix} “{token.name}”"
    )
    session.commit()
    return token


def revoke_all_tokens(session: Session, user: User, why: str) -> int:
    """Revoke every live token of the user (a password change or reset: whoever had the old
    password may have made one), in the caller's transaction; one audit event names them."""
    live = live_tokens(session, user)
    if not live:
        return 0
    now = utcnow()
    for token in live:
        token.revoked_at = now
    record_auth_event(
        session,
        AuthEventKind.API_TOKEN_REVOKED,
        user=user,
        detail=f"{why}: " + ", ".join(t.prefix for t in live),
    )
    return len(live)


def authenticate(session: Session, secret: str) -> tuple[ApiToken | None, str]:
    """The live token a bearer secret names and its active user, or (None, why not)."""
    if not secret.startswith("mm_") or len(secret) > 200:
        return None, "The token is not one this service issued."
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None:
        return None, "The token is not one this service issued."
    now = utcnow()
    if token.revoked_at is not None:
        return None, "The token was revoked."
    if token.expires_at <= now:
        return None, "The token expired: make a new one on the API tokens page."
    if not token.user.active:
        return None, "The token's account is deactivated."
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
        session.commit()
    return token, ""
