"""Emailed links come from BASE_URL only; requests naming an untrusted host are refused."""

from __future__ import annotations

import pytest

from matchmaker import create_app
from matchmaker.urls import external_url
from tests import factories as f

BASE = "https://matchmaker.example.org"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BASE_URL": BASE}


def test_reset_request_for_an_untrusted_host_is_refused_with_the_error_page(client, mailbox):
    f.AdminFactory(email="admin@example.org")
    response = client.post(
        "/auth/reset", data={"email": "admin@example.org"}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Unknown host" in html and 'href="/"' in html
    assert mailbox.messages == []


def test_emailed_reset_link_starts_with_the_base_url_not_the_request_host(client, mailbox):
    f.AdminFactory(email="admin@example.org")
    client.post("/auth/reset", data={"email": "admin@example.org"})  # Host: localhost, trusted
    assert mailbox.last_link("admin@example.org", "/auth/reset/").startswith(f"{BASE}/auth/reset/")


def test_external_urls_ignore_the_request_host(app):
    with app.test_request_context("/", base_url="http://localhost:8080/"):
        assert external_url("auth.login") == f"{BASE}/auth/login"


def test_base_url_host_and_loopback_are_trusted_by_default(client):
    for host in ("matchmaker.example.org", "localhost", "127.0.0.1:5000"):
        assert client.get("/auth/login", headers={"Host": host}).status_code == 200


def test_trusted_hosts_can_be_configured(app_config):
    app = create_app({**app_config, "TRUSTED_HOSTS": "alias.example, .tenant.example"})
    client = app.test_client()
    assert client.get("/auth/login", headers={"Host": "alias.example"}).status_code == 200
    assert client.get("/auth/login", headers={"Host": "a.tenant.example"}).status_code == 200
    assert client.get("/auth/login", headers={"Host": "localhost"}).status_code == 400


def test_forwarded_host_is_ignored_without_proxy_fix(client):
    headers = {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9"}
    assert client.get("/auth/login", headers=headers).status_code == 200


def test_forwarded_host_is_checked_behind_a_configured_proxy(app_config):
    app = create_app({**app_config, "PROXY_FIX": 1})
    client = app.test_client()
    evil = client.get("/auth/login", headers={"X-Forwarded-Host": "evil.example"})
    assert evil.status_code == 400
    ok = client.get("/auth/login", headers={"X-Forwarded-Host": "matchmaker.example.org"})
    assert ok.status_code == 200
