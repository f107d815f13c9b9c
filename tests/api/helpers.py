"""Bearer tokens for API tests: one per matrix role, with every scope the role may grant."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.services.accounts import api_tokens


def token_for(user, scopes: list[str] | None = None, days: int = 30) -> str:
    """A live token of the user (all the role's scopes unless told), its secret."""
    chosen = scopes if scopes is not None else list(api_tokens.ROLE_SCOPES[user.role])
    return api_tokens.create_token(db.session, user, "test", chosen, days).secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
