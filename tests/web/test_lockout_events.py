"""The login rate limit tripping is an authentication event (limits switched on here)."""

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import AuthEvent, AuthEventKind
from tests import factories as f


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


def _kinds(kind: AuthEventKind) -> list[AuthEvent]:
    return list(db.session.scalars(select(AuthEvent).where(AuthEvent.kind == kind)))


def test_the_login_limit_tripping_is_recorded_once_per_window(client):
    user = f.AdminFactory(email="admin@example.org")
    data = {"email": "Admin@example.org", "password": "wrong wrong wrong"}
    statuses = [client.post("/auth/login", data=data).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    (lockout,) = _kinds(AuthEventKind.LOCKED_OUT)  # not one per refused attempt
    assert (lockout.user_id, lockout.email) == (user.id, "admin@example.org")
    assert lockout.detail == "5 per 1 minute per account"
    assert len(_kinds(AuthEventKind.LOGIN_FAILED)) == 5


def test_the_address_limit_tripping_is_recorded_for_unknown_accounts_too(client):
    for i in range(21):
        client.post("/auth/login", data={"email": f"guess{i}@example.org", "password": "x"})
    (lockout,) = _kinds(AuthEventKind.LOCKED_OUT)
    assert (lockout.user_id, lockout.email) == (None, "guess20@example.org")
    assert lockout.detail == "20 per 1 minute per address" and lockout.ip == "127.0.0.1"
