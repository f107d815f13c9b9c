"""Logging in and out, passwords, reset links, sessions and security headers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.orm import User, UserSession, utcnow
from tests import factories as f
from tests.conftest import AuthActions


def test_login_page_has_labelled_fields(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html


def test_login_starts_a_fresh_session_and_shows_the_dashboard(client, auth):
    f.StaffFactory(email="staff@city.example", name="Sam")
    with client.session_transaction() as sess:
        sess["leftover"] = "from before login"
    response = auth.login("staff@city.example")
    assert response.headers["Location"] == "/dashboard"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as sess:
        assert "leftover" not in sess
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome, Sam." in page and "Office staff" in page


def test_email_is_matched_without_regard_to_case(client, auth):
    f.AdminFactory(email="admin@example.org")
    assert auth.login("  ADMIN@Example.org ").headers["Location"] == "/dashboard"


def test_wrong_password_is_refused_next_to_the_field(client, auth):
    f.AdminFactory(email="admin@example.org")
    response = auth.login("admin@example.org", "not the password at all")
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert "The email or password is not correct." in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, auth):
    f.AdminFactory(email="gone@example.org", active=False)
    assert auth.login("gone@example.org").status_code == 200


def test_login_follows_only_local_next_targets(client):
    f.StaffFactory(email="staff@example.org")
    data = {"email": "staff@example.org", "password": f.PASSWORD}
    evil = client.post("/auth/login?next=https://evil.example/", data=data)
    assert evil.headers["Location"] == "/dashboard"
    client.post("/auth/logout")
    local = client.post("/auth/login?next=/queue", data=data)
    assert local.headers["Location"] == "/queue"


def test_logout_ends_the_session(client, auth):
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    assert auth.logout().headers["Location"] == "/auth/login"
    assert client.get("/dashboard").headers["Location"].startswith("/auth/login")


def test_change_password_ends_other_sessions_but_keeps_this_one(app, client, auth):
    user = f.AdminFactory(email="admin@example.org")
    other = app.test_client()
    AuthActions(other).login(user.email)
    assert other.get("/dashboard").status_code == 200
    auth.login(user.email)
    response = client.post(
        "/auth/password",
        data={
            "current_password": f.PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    client.post("/auth/logout")
    assert auth.login(user.email, "a brand new passphrase").headers["Location"] == "/dashboard"


def test_change_password_refuses_a_wrong_current_or_common_new_password(client, auth):
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    wrong = client.post(
        "/auth/password",
        data={
            "current_password": "nope",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    ).get_data(as_text=True)
    assert "The current password is not correct." in wrong
    common = client.post(
        "/auth/password",
        data={
            "current_password": f.PASSWORD,
            "new_password": "qwerty123456",
            "confirm": "qwerty123456",
        },
    ).get_data(as_text=True)
    assert "This password is too common" in common


def test_password_reset_by_emailed_single_use_link(client, auth, mailbox):
    f.AdminFactory(email="admin@example.org")
    response = client.post(
        "/auth/reset", data={"email": "admin@example.org"}, follow_redirects=True
    )
    assert "a reset link is on its way" in response.get_data(as_text=True)
    link = mailbox.last_link("admin@example.org", "/auth/reset/")
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    done = client.post(
        path, data={"password": "river stone meadow", "confirm": "river stone meadow"}
    )
    assert done.headers["Location"] == "/auth/login"
    assert auth.login("admin@example.org", "river stone meadow").headers["Location"] == "/dashboard"
    client.post("/auth/logout")
    again = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "already been used" in again


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(client, mailbox):
    response = client.post(
        "/auth/reset", data={"email": "nobody@example.org"}, follow_redirects=True
    )
    assert "a reset link is on its way" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_expired_reset_link_is_refused(app, client, mailbox):
    f.AdminFactory(email="admin@example.org")
    client.post("/auth/reset", data={"email": "admin@example.org"})
    path = re.sub(r"^https?://[^/]+", "", mailbox.last_link("admin@example.org", "/auth/reset/"))
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert "expired" in client.get(path, follow_redirects=True).get_data(as_text=True)


def test_session_ends_after_the_absolute_timeout(client, auth):
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    # Started 13 hours ago, though in use until a minute ago: the 12-hour limit still ends it.
    db.session.execute(
        update(UserSession).values(
            created_at=utcnow() - timedelta(hours=13), last_seen_at=utcnow() - timedelta(minutes=1)
        )
    )
    response = client.get("/dashboard")
    assert response.headers["Location"].startswith("/auth/login")
    assert "Your session has ended" in client.get("/auth/login").get_data(as_text=True)


def test_security_headers_on_every_page(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_cdn_assets(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html
    assert not re.search(r'(src|href)="https?://', html)


def test_users_are_stored_with_argon2_hashes(app):
    user = f.AdminFactory(email="admin@example.org")
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$")
