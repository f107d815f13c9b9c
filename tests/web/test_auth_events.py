"""Authentication events: recorded where they happen, shown to admins, exported as safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import AuthEvent, AuthEventKind, utcnow
from matchmaker.services.accounts import members
from matchmaker.services.companies import data_rights, trust
from tests import factories as f

SECRET_TYPED = "hunter2 is my very secret passphrase"  # noqa: S105 - a wrong password typed


def _events(kind: AuthEventKind | None = None) -> list[AuthEvent]:
    db.session.expire_all()
    query = select(AuthEvent).order_by(AuthEvent.id)
    if kind is not None:
        query = query.where(AuthEvent.kind == kind)
    return list(db.session.scalars(query))


def _rows(client, query: str = "") -> str:
    """The table of the events page (not its filter form, which names every kind)."""
    html = client.get(f"/admin/auth-events{query}").get_data(as_text=True)
    return html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""


def _csv(client, query: str = "") -> list[dict]:
    response = client.get(f"/admin/auth-events.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_a_failed_login_is_recorded_without_the_password(client, auth):
    user = f.StaffFactory(email="staff@city.example")
    auth.login("Staff@City.example", SECRET_TYPED)
    auth.login("nobody@example.org", SECRET_TYPED)
    failed = _events(AuthEventKind.LOGIN_FAILED)
    assert [(e.user_id, e.email, e.detail) for e in failed] == [
        (user.id, "staff@city.example", "wrong password"),
        (None, "nobody@example.org", "no such account"),
    ]
    assert failed[0].ip == "127.0.0.1"
    assert all(SECRET_TYPED not in (e.detail + e.email) for e in _events())


def test_a_successful_login_is_recorded_when_the_session_starts(client, auth):
    user = f.StaffFactory(email="staff@example.org")
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    auth.login(user.email)
    (event,) = _events()
    assert (event.kind, event.user_id, event.detail) == (
        AuthEventKind.LOGIN_SUCCEEDED,
        user.id,
        "password",
    )
    assert "Firefox" in event.user_agent


def test_an_admins_login_is_recorded_after_the_code_with_how_it_was_proved(client, auth):
    user = f.AdminFactory(email="admin@example.org")
    auth.login(user.email)
    assert [(e.kind, e.detail) for e in _events()] == [
        (AuthEventKind.MFA_USED, "login"),
        (AuthEventKind.LOGIN_SUCCEEDED, "password+totp"),
    ]


def test_reset_requested_and_used_are_recorded_without_the_token(client, mailbox):
    user = f.AdminFactory(email="admin@example.org")
    client.post("/auth/reset", data={"email": user.email})
    client.post("/auth/reset", data={"email": "unknown@example.org"})
    link = mailbox.last_link(user.email, "/auth/reset/")
    token = link.rsplit("/", 1)[1]
    client.post(link, data={"password": "river stone meadow", "confirm": "river stone meadow"})
    kinds = [(e.kind.value, e.email, e.detail) for e in _events()]
    assert kinds == [
        ("reset_requested", user.email, "link emailed"),
        ("reset_requested", "unknown@example.org", "no such account"),
        ("reset_used", user.email, ""),
    ]
    assert all(token not in e.detail for e in _events())


def test_removing_a_member_deactivates_and_ends_their_sessions_on_record(app):
    company = f.CompanyFactory()
    acting = f.CompanyMemberFactory(company=company)
    member = f.CompanyMemberFactory(company=company)
    f.UserSessionFactory(user_id=member.id)
    members.remove_member(db.session, company.id, member.id, acting)
    kinds = [(e.kind.value, e.user_id, e.actor_id) for e in _events()]
    assert kinds == [
        ("account_deactivated", member.id, acting.id),
        ("session_ended", member.id, acting.id),
    ]


def test_a_deleted_company_deactivates_its_members_under_anonymised_addresses(app):
    member = f.CompanyMemberFactory(email="owner@company.example")
    data_rights.delete_company(db.session, member.company_id, member, f.PASSWORD)
    (event,) = _events(AuthEventKind.ACCOUNT_DEACTIVATED)
    assert event.email == f"deleted-user-{member.id}@deleted.invalid"
    assert event.detail == "company account deleted"


def test_a_merge_records_each_moved_member(app):
    admin = f.AdminFactory()
    source, target = f.CompanyFactory(), f.CompanyFactory()
    member = f.CompanyMemberFactory(company=source)
    trust.merge_company(db.session, source.id, target.id, admin)
    (event,) = _events(AuthEventKind.MEMBERSHIP_CHANGED)
    assert (event.user_id, event.actor_id) == (member.id, admin.id)
    assert event.detail == f"company #{source.id} merged into #{target.id}"


def test_reactivating_staff_is_recorded(app, client, auth):
    admin = f.AdminFactory(email="admin@example.org")
    staff = f.StaffFactory(active=False)
    auth.login(admin.email)
    client.post(f"/admin/staff/{staff.id}/activate")
    (event,) = _events(AuthEventKind.ACCOUNT_REACTIVATED)
    assert (event.user_id, event.actor_id) == (staff.id, admin.id)


@pytest.fixture
def admin_client(client, auth):
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    return client


def test_admins_see_the_events_newest_first_and_filter_them(admin_client, auth):
    old = AuthEvent(kind=AuthEventKind.LOGIN_FAILED, email="old@example.org", detail="x")
    old.at = utcnow() - timedelta(days=40)
    db.session.add(old)
    f.StaffFactory(email="staff@city.example")
    admin_client.post("/auth/logout")
    auth.login("staff@city.example", "not the password")
    auth.login("admin@example.org")
    html = admin_client.get("/admin/auth-events").get_data(as_text=True)
    assert 'href="/admin/auth-events"' in html  # in the admin navigation
    rows = _rows(admin_client)
    assert rows.index("Login succeeded") < rows.index("Login failed") < rows.index("Logout")
    failed = _rows(admin_client, "?kind=login_failed")
    assert "staff@city.example" in failed and "Login succeeded" not in failed
    search = _rows(admin_client, "?q=STAFF@city")
    assert "staff@city.example" in search and "admin@example.org" not in search
    since = (utcnow() - timedelta(days=1)).date().isoformat()
    recent = _rows(admin_client, f"?since={since}")
    assert "old@example.org" not in recent and "staff@city.example" in recent
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    older = _rows(admin_client, f"?until={until}")
    assert "old@example.org" in older and "staff@city.example" not in older


def test_invalid_filters_are_ignored_not_errors(admin_client):
    response = admin_client.get("/admin/auth-events?kind=nope&since=yesterday")
    assert response.status_code == 200


def test_a_bad_page_number_answers_400_saying_what_is_accepted(admin_client):
    response = admin_client.get("/admin/auth-events?page=abc")
    assert response.status_code == 400
    assert "The page number must be a whole number" in response.get_data(as_text=True)


def test_the_events_page_is_paginated(admin_client):
    db.session.add_all(
        AuthEvent(kind=AuthEventKind.LOGIN_FAILED, email=f"u{i}@example.org") for i in range(60)
    )
    first = admin_client.get("/admin/auth-events").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in admin_client.get("/admin/auth-events?page=2").get_data(as_text=True)


def test_csv_export_is_filtered_and_safe_against_spreadsheet_formulas(admin_client, auth):
    admin_client.post("/auth/logout")
    auth.login('=HYPERLINK("http://evil.example")@x.example', SECRET_TYPED)
    auth.login("admin@example.org")
    rows = _csv(admin_client, "?kind=login_failed")
    assert [r["event"] for r in rows] == ["login_failed"]
    assert rows[0]["email"].startswith("'=hyperlink(")  # addresses are kept in lower case
    body = admin_client.get("/admin/auth-events.csv").get_data(as_text=True)
    assert body.splitlines()[0] == "at_utc,event,email,user_id,by,ip,user_agent,detail"
    assert SECRET_TYPED not in body


def test_a_nul_in_the_browser_header_is_cleaned_not_a_server_error(client, auth):
    # PostgreSQL refuses NUL in text: the header must be cleaned before it is stored.
    user = f.StaffFactory(email="staff@example.org")
    client.environ_base["HTTP_USER_AGENT"] = "Bad\x00Agent\r\nInjected"
    response = auth.login(user.email)
    assert response.status_code == 302
    (event,) = _events()
    assert event.user_agent == "Bad Agent Injected"


def test_a_password_typed_into_the_email_field_is_not_recorded(client):
    client.post("/auth/login", data={"email": "my secret passphrase", "password": "x"})
    (event,) = _events()
    assert event.email == "(not an email address)"
    assert "secret" not in event.email


def test_a_reset_request_keeps_the_address_and_browser_it_came_from(client, mailbox):
    user = f.StaffFactory(email="staff@example.org")
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 Firefox/128.0"
    client.post("/auth/reset", data={"email": user.email})
    (event,) = _events(AuthEventKind.RESET_REQUESTED)
    assert event.ip == "127.0.0.1" and "Firefox" in event.user_agent
