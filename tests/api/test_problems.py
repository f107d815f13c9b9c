"""Every error under /api is an RFC 9457 problem (application/problem+json), never HTML."""

from __future__ import annotations

import pytest

from matchmaker import create_app
from tests import factories as f
from tests.api.helpers import bearer, token_for

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.content_type == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["type"].endswith(f"/api/v1/docs#problem-{status}")
    assert body["title"] and body["detail"]
    assert "<html" not in response.get_data(as_text=True)
    return body


@pytest.fixture
def staff_token(app):
    staff = f.StaffFactory()
    return staff, bearer(token_for(staff))


def test_400_malformed_json(client, staff_token):
    _staff, headers = staff_token
    response = client.post(
        "/api/v1/priorities", data="{not json", headers=headers, content_type="application/json"
    )
    assert_problem(response, 400)


def test_400_nul_in_query(client, staff_token):
    assert_problem(client.get("/api/v1/suggestions?q=a%00b", headers=staff_token[1]), 400)


def test_401_without_token(client):
    body = assert_problem(client.get("/api/v1/priorities"), 401)
    assert "Bearer" in body["detail"]


def test_403_wrong_role(client):
    member = f.CompanyMemberFactory()
    response = client.get("/api/v1/suggestions", headers=bearer(token_for(member)))
    assert "role" in assert_problem(response, 403)["detail"]


def test_404_unknown_path_and_other_tenants_record(client, staff_token):
    assert_problem(client.get("/api/v1/nothing-here", headers=staff_token[1]), 404)
    assert_problem(client.get("/api/v2/priorities"), 404)  # no HTML anywhere under /api
    other = f.PriorityFactory()  # another office's
    assert_problem(client.get(f"/api/v1/priorities/{other.id}", headers=staff_token[1]), 404)


def test_405_wrong_method_names_the_allowed_ones(client, staff_token):
    response = client.delete("/api/v1/priorities", headers=staff_token[1])
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_409_stale_version(client, staff_token):
    staff, headers = staff_token
    priority = f.PriorityFactory(office=staff.office)
    response = client.post(
        f"/api/v1/priorities/{priority.id}/status",
        json={"status": "paused", "version": priority.version + 5},
        headers=headers,
    )
    assert "changed this priority" in assert_problem(response, 409)["detail"]


def test_413_body_too_large(client, staff_token):
    response = client.post(
        "/api/v1/priorities", json={"title": "x" * 70_000}, headers=staff_token[1]
    )
    assert_problem(response, 413)


def test_415_not_json(client, staff_token):
    response = client.post("/api/v1/priorities", data={"title": "x"}, headers=staff_token[1])
    assert_problem(response, 415)


def test_422_field_errors_and_unknown_fields(client, staff_token):
    response = client.post(
        "/api/v1/priorities",
        json={"title": "T", "partnership_types": ["nonsense"], "owner": "me"},
        headers=staff_token[1],
    )
    body = assert_problem(response, 422)
    assert body["errors"]["owner"] == ["Unknown field."]
    assert "description" in body["errors"] and "partnership_types" in body["errors"]


def test_422_service_rule_names_the_field(client, staff_token):
    response = client.post(
        "/api/v1/priorities",
        json={
            "title": "Harbour",
            "description": "Sensors",
            "naics_sectors": ["99999"],
            "partnership_types": ["pilot_project"],
        },
        headers=staff_token[1],
    )
    body = assert_problem(response, 422)
    assert body["errors"] == {"naics_sectors": ["Not NAICS 2022 codes: 99999."]}


def test_422_bad_cursor(client, staff_token):
    assert_problem(client.get("/api/v1/priorities?cursor=garbage", headers=staff_token[1]), 422)
    assert_problem(client.get("/api/v1/suggestions?cursor=garbage", headers=staff_token[1]), 422)


def test_429_per_token_rate_limit(app_config):
    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "2 per minute"})
    with app.app_context():
        from matchmaker.extensions import db
        from tests import factories

        factories.bind(db.session)
        first, second = f.StaffFactory(), f.StaffFactory()
        one, two = bearer(token_for(first)), bearer(token_for(second))
        client = app.test_client()
        assert client.get("/api/v1/priorities", headers=one).status_code == 200
        assert client.get("/api/v1/priorities", headers=one).status_code == 200
        assert_problem(client.get("/api/v1/priorities", headers=one), 429)
        # another token has its own allowance
        assert client.get("/api/v1/priorities", headers=two).status_code == 200
        db.session.remove()
        db.engine.dispose()  # this second app's pool: no connection left for the collector


def test_500_is_a_problem(app, client, staff_token, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    from matchmaker.services.organisations import priorities

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(priorities, "filter_priorities", broken)
    body = assert_problem(client.get("/api/v1/priorities", headers=staff_token[1]), 500)
    assert "boom" not in body["detail"]


def test_cookie_session_gets_no_csrf_exemption(app, client, auth):
    """A logged-in browser posting to the API without a token: the CSRF check still applies."""
    staff = f.StaffFactory()
    assert auth.login(staff.email).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/priorities", json={"title": "x"})
    assert "CSRF" in assert_problem(response, 400)["detail"]
    # with a bearer token, no CSRF token is needed
    response = client.post(
        "/api/v1/priorities", json={"title": "x"}, headers=bearer(token_for(staff))
    )
    assert_problem(response, 422)


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.content_type.startswith("text/html")
    response = client.delete("/auth/login")
    assert response.status_code == 405 and response.content_type.startswith("text/html")
