"""Personal API tokens: the settings page (shown once, listed, revoked), hashing, expiry, scopes
and the authentication audit."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import ApiToken, AuthEvent, AuthEventKind, utcnow
from tests import factories as f
from tests.api.helpers import bearer, token_for


def _create(client, **data):
    form = {"name": "CRM sync", "scopes": ["read:queue", "write:decisions"], "days": "30"}
    form.update(data)
    return client.post("/account/tokens", data=form)


def test_token_is_shown_once_stored_hashed_and_listed(client, auth):
    staff = f.StaffFactory()
    auth.login(staff.email)
    response = _create(client)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    secret = re.search(r'id="new-token">(mm_[A-Za-z0-9_-]+)<', html).group(1)
    assert "it is shown only this once" in html
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.prefix, row.name) and secret.startswith(row.prefix)
    assert row.scopes == ["read:queue", "write:decisions"]
    assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "CRM sync" in listing and f"{row.prefix}_…" in listing
    assert secret not in listing  # never again
    assert "Never" in listing  # not used yet
    assert client.get("/api/v1/suggestions", headers=bearer(secret)).status_code == 200
    db.session.expire_all()
    assert row.last_used_at is not None
    assert row.last_used_at.strftime("%Y-%m-%d %H:%M") in client.get("/account/tokens").get_data(
        as_text=True
    )
    event = db.session.scalar(
        select(AuthEvent).where(
            AuthEvent.user_id == staff.id, AuthEvent.kind == AuthEventKind.API_TOKEN_CREATED
        )
    )
    assert event is not None and secret not in event.detail


def test_a_company_member_may_not_grant_office_scopes(client, auth):
    member = f.CompanyMemberFactory()
    auth.login(member.email)
    response = _create(client, scopes=["read:queue"])
    assert response.status_code == 422
    assert "not a valid choice" in response.get_data(as_text=True).lower()
    assert db.session.scalar(select(ApiToken)) is None
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "write:profiles" in page and "write:decisions" not in page


def test_invalid_form_shows_errors_next_to_fields(client, auth):
    auth.login(f.StaffFactory().email)
    response = _create(client, name="", scopes=[])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in html and "Choose at least one scope." in html
    assert db.session.scalar(select(ApiToken)) is None


def test_revoked_token_stops_working_and_is_audited(client, auth):
    staff = f.StaffFactory()
    secret = token_for(staff)
    token = db.session.scalar(select(ApiToken))
    assert client.get("/api/v1/suggestions", headers=bearer(secret)).status_code == 200
    auth.login(staff.email)
    response = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "revoked" in response.get_data(as_text=True)
    answer = client.get("/api/v1/suggestions", headers=bearer(secret))
    assert answer.status_code == 401
    assert answer.get_json()["detail"] == "The token was revoked."
    kinds = db.session.scalars(select(AuthEvent.kind).where(AuthEvent.user_id == staff.id)).all()
    assert AuthEventKind.API_TOKEN_REVOKED in kinds


def test_another_users_token_cannot_be_revoked(client, auth):
    owner, other = f.StaffFactory(), f.StaffFactory()
    secret = token_for(owner)
    token = db.session.scalar(select(ApiToken))
    auth.login(other.email)
    client.post(f"/account/tokens/{token.id}/revoke")
    db.session.expire_all()
    assert token.revoked_at is None
    assert client.get("/api/v1/suggestions", headers=bearer(secret)).status_code == 200


def test_expired_token_is_refused(client):
    staff = f.StaffFactory()
    secret = token_for(staff)
    token = db.session.scalar(select(ApiToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get("/api/v1/suggestions", headers=bearer(secret))
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_and_missing_tokens_are_refused(client):
    assert client.get("/api/v1/suggestions").status_code == 401
    wrong = client.get("/api/v1/suggestions", headers=bearer("mm_00000000_" + "x" * 43))
    assert wrong.status_code == 401 and wrong.content_type == "application/problem+json"


def test_scope_is_checked_per_endpoint(client):
    staff = f.StaffFactory()
    secret = token_for(staff, scopes=["read:priorities"])
    assert client.get("/api/v1/priorities", headers=bearer(secret)).status_code == 200
    response = client.get("/api/v1/suggestions", headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["detail"] == "This token lacks the scope “read:queue”."


def test_deactivated_users_token_is_refused(client):
    staff = f.StaffFactory()
    secret = token_for(staff)
    staff.active = False
    db.session.commit()
    assert client.get("/api/v1/suggestions", headers=bearer(secret)).status_code == 401
