"""Guessing tokens is limited per address (429 problem), and a password change or reset revokes
the user's API tokens, with an authentication audit event."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.orm import ApiToken, AuthEvent, AuthEventKind
from matchmaker.services.accounts import credentials
from tests import factories as f
from tests.api.helpers import bearer, token_for

NEW_PASSWORD = "a new and rather long passphrase 7"  # noqa: S105 - test credential


def _guess() -> dict:
    return bearer(f"mm_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}")


def test_cycling_random_tokens_from_one_address_is_stopped(app_config):
    app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "API_AUTH_FAILURE_LIMIT": "3 per minute"}
    )
    with app.app_context():
        f.bind(db.session)
        good = bearer(token_for(f.StaffFactory()))
        client = app.test_client()
        guesser = {"REMOTE_ADDR": "203.0.113.7"}
        for _ in range(3):
            response = client.get("/api/v1/priorities", headers=_guess(), environ_base=guesser)
            assert response.status_code == 401
        refused = client.get("/api/v1/priorities", headers=_guess(), environ_base=guesser)
        assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
        assert "Too many invalid tokens" in refused.get_json()["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        # a valid token from that address waits too (else the answer would tell a right guess)
        same = client.get("/api/v1/priorities", headers=good, environ_base=guesser)
        assert same.status_code == 429
        other = client.get(
            "/api/v1/priorities", headers=good, environ_base={"REMOTE_ADDR": "198.51.100.2"}
        )
        assert other.status_code == 200
        # valid requests do not count as failures
        for _ in range(5):
            assert (
                client.get(
                    "/api/v1/priorities", headers=good, environ_base={"REMOTE_ADDR": "198.51.100.2"}
                ).status_code
                == 200
            )
        db.session.remove()
        db.engine.dispose()  # this second app's pool: no connection left for the collector


def _revoked(user) -> list[ApiToken]:
    db.session.expire_all()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    return [t for t in tokens if t.revoked_at is not None]


def test_a_password_change_revokes_every_token_with_an_audit_event(client):
    staff, other = f.StaffFactory(), f.StaffFactory()
    first, second, kept = token_for(staff), token_for(staff), token_for(other)
    assert client.get("/api/v1/priorities", headers=bearer(first)).status_code == 200
    credentials.change_password(db.session, staff, f.PASSWORD, NEW_PASSWORD)
    assert len(_revoked(staff)) == 2 and _revoked(other) == []
    for secret in (first, second):
        response = client.get("/api/v1/priorities", headers=bearer(secret))
        assert (
            response.status_code == 401
            and response.get_json()["detail"] == "The token was revoked."
        )
    assert client.get("/api/v1/priorities", headers=bearer(kept)).status_code == 200
    event = db.session.scalar(
        select(AuthEvent).where(
            AuthEvent.kind == AuthEventKind.API_TOKEN_REVOKED, AuthEvent.user_id == staff.id
        )
    )
    assert event.detail.startswith("password changed: mm_")


def test_a_wrong_current_password_revokes_nothing(client):
    staff = f.StaffFactory()
    secret = token_for(staff)
    with pytest.raises(credentials.WrongPassword):
        credentials.change_password(db.session, staff, "not the password", NEW_PASSWORD)
    assert _revoked(staff) == []
    assert client.get("/api/v1/priorities", headers=bearer(secret)).status_code == 200


def test_a_password_reset_revokes_the_tokens_too(client, mailbox):
    member = f.CompanyMemberFactory()
    secret = token_for(member)
    credentials.send_password_reset(db.session, member.email)
    link = mailbox.last_link(member.email, "/reset/")
    credentials.reset_password(db.session, link.rsplit("/", 1)[1], NEW_PASSWORD)
    assert len(_revoked(member)) == 1
    assert client.get("/api/v1/profiles", headers=bearer(secret)).status_code == 401
    kinds = db.session.scalars(
        select(AuthEvent.detail).where(AuthEvent.kind == AuthEventKind.API_TOKEN_REVOKED)
    ).all()
    assert any(d.startswith("password reset: ") for d in kinds)
