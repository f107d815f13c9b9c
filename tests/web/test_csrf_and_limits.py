"""CSRF, login throttling and request size limits, with the protections switched on."""

import pytest

from tests import factories as f


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "MAX_CONTENT_LENGTH": 1024,
    }


def test_a_form_without_csrf_token_is_refused(client):
    f.AdminFactory(email="admin@example.org")
    response = client.post(
        "/auth/login", data={"email": "admin@example.org", "password": f.PASSWORD}
    )
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)


def test_every_form_page_carries_a_csrf_token(client):
    for path in ["/auth/login", "/auth/reset"]:
        assert 'name="csrf_token"' in client.get(path).get_data(as_text=True)


def test_login_is_throttled_per_account(client):
    f.AdminFactory(email="admin@example.org")
    # CSRF is on: take the token from the form, as a browser would.
    statuses = []
    for _ in range(7):
        html = client.get("/auth/login").get_data(as_text=True)
        token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        data = {"email": "admin@example.org", "password": "wrong password!!", "csrf_token": token}
        statuses.append(client.post("/auth/login", data=data).status_code)
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    assert "Too many attempts" in client.post("/auth/login", data=data).get_data(as_text=True)


def test_oversized_request_bodies_are_refused(client):
    response = client.post("/auth/login", data={"email": "a" * 4096})
    assert response.status_code == 413


def test_ending_sessions_needs_the_csrf_token(app, client):
    f.StaffFactory(email="staff@example.org")
    html = client.get("/auth/login").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    data = {"email": "staff@example.org", "password": f.PASSWORD, "csrf_token": token}
    assert client.post("/auth/login", data=data).status_code == 302
    page = client.get("/account/sessions").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert client.post("/account/sessions/end-others").status_code == 400
