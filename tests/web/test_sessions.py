"""Server-side sessions: logout ends them, users see and end theirs, timeouts hold on the server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from matchmaker.extensions import db
from matchmaker.orm import AuthEvent, AuthEventKind, UserSession, utcnow
from tests import factories as f
from tests.conftest import AuthActions

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)


def _login(app, email: str, agent: str = FIREFOX):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    response = AuthActions(client).login(email)  # with the MFA code step for admins
    assert response.status_code == 302
    return client


def _records(user) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def _kinds(user) -> list[str]:
    query = select(AuthEvent.kind).where(AuthEvent.user_id == user.id).order_by(AuthEvent.id)
    return [k.value for k in db.session.scalars(query)]


def test_a_copied_session_cookie_stops_working_after_logout(app):
    f.AdminFactory(email="admin@example.org")
    client = _login(app, "admin@example.org")
    copied = client.get_cookie("session").value
    assert client.post("/auth/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_logout_ends_the_server_side_record_and_is_recorded(app):
    user = f.AdminFactory(email="admin@example.org")
    _login(app, user.email).post("/auth/logout")
    (record,) = _records(user)
    assert record.ended_at is not None and record.end_reason == "logout"
    assert _kinds(user) == ["mfa_used", "login_succeeded", "logout"]


def test_only_a_hash_of_the_session_secret_is_stored(app):
    user = f.AdminFactory(email="admin@example.org")
    client = _login(app, user.email)
    with client.session_transaction() as sess:
        ident, _, secret = sess["sid"].partition(":")
    (record,) = _records(user)
    assert record.id == int(ident) and len(secret) >= 32
    assert secret not in record.secret_hash


def test_a_session_idle_for_more_than_two_hours_ends_on_the_server(app):
    user = f.AdminFactory(email="admin@example.org")
    client = _login(app, user.email)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=3)))
    response = client.get("/dashboard")
    assert response.headers["Location"].startswith("/auth/login")
    assert "Your session has ended" in client.get("/auth/login").get_data(as_text=True)


def test_reading_pages_refreshes_last_seen_at_most_every_few_minutes(app):
    user = f.AdminFactory(email="admin@example.org")
    client = _login(app, user.email)
    (record,) = _records(user)
    seen = record.last_seen_at
    assert client.get("/dashboard").status_code == 200
    assert _records(user)[0].last_seen_at == seen  # a page view within minutes writes nothing
    earlier = utcnow() - timedelta(minutes=10)
    db.session.execute(update(UserSession).values(last_seen_at=earlier))
    assert client.get("/dashboard").status_code == 200
    assert _records(user)[0].last_seen_at > earlier + timedelta(minutes=9)


def test_the_sessions_page_lists_live_sessions_and_marks_this_one(app):
    user = f.StaffFactory(email="staff@city.example")
    _login(app, user.email, CHROME)
    ended = _login(app, user.email)
    ended.post("/auth/logout")
    client = _login(app, user.email, FIREFOX)
    html = client.get("/account/sessions").get_data(as_text=True)
    assert "Chrome on Windows" in html and "Firefox on Linux" in html
    assert html.count("This session") == 1 and html.count(">End<") == 1
    assert "End all other sessions" in html
    assert 'href="/account/sessions"' in html  # the user menu links to it


def test_ending_another_session_logs_that_device_out(app):
    user = f.CompanyMemberFactory(email="member@company.example")
    laptop = _login(app, user.email, CHROME)
    phone = _login(app, user.email, FIREFOX)
    laptop_id = min(r.id for r in _records(user))
    response = phone.post(f"/account/sessions/{laptop_id}/end", follow_redirects=True)
    assert "that device is logged out" in response.get_data(as_text=True)
    assert laptop.get("/company").headers["Location"].startswith("/auth/login")
    assert phone.get("/company").status_code == 200
    assert _kinds(user).count("session_ended") == 1


def test_end_all_other_sessions_keeps_this_one(app):
    user = f.AdminFactory(email="admin@example.org")
    others = [_login(app, user.email) for _ in range(2)]
    client = _login(app, user.email)
    response = client.post("/account/sessions/end-others", follow_redirects=True)
    assert "2 other sessions ended." in response.get_data(as_text=True)
    assert all(o.get("/dashboard").status_code == 302 for o in others)
    assert client.get("/dashboard").status_code == 200
    assert sorted(r.end_reason for r in _records(user)) == ["", "ended_by_user", "ended_by_user"]


def test_another_users_session_cannot_be_ended(app):
    owner = f.AdminFactory(email="owner@example.org")
    _login(app, owner.email)
    (record,) = _records(owner)
    f.AdminFactory(email="other@example.org")
    intruder = _login(app, "other@example.org")
    assert intruder.post(f"/account/sessions/{record.id}/end").status_code == 404
    assert _records(owner)[0].ended_at is None


def test_this_session_is_ended_by_logging_out_not_from_the_list(app):
    user = f.AdminFactory(email="admin@example.org")
    client = _login(app, user.email)
    (record,) = _records(user)
    response = client.post(f"/account/sessions/{record.id}/end", follow_redirects=True)
    assert "log out to end it" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 200


def test_changing_the_password_ends_every_other_session_on_the_server(app):
    user = f.AdminFactory(email="admin@example.org")
    other = _login(app, user.email)
    client = _login(app, user.email)
    new = "a brand new passphrase"
    data = {"current_password": f.PASSWORD, "new_password": new, "confirm": new}
    assert client.post("/auth/password", data=data).status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    reasons = sorted(r.end_reason for r in _records(user))
    assert reasons == ["", "password_changed", "password_changed"]  # this browser: a new one
    assert "password_changed" in _kinds(user)


def test_a_password_reset_ends_every_session(app, mailbox):
    user = f.AdminFactory(email="admin@example.org")
    other = _login(app, user.email)
    client = app.test_client()
    client.post("/auth/reset", data={"email": user.email})
    path = mailbox.last_link(user.email, "/auth/reset/").removeprefix("http://localhost")
    client.post(path, data={"password": "river stone meadow", "confirm": "river stone meadow"})
    assert other.get("/dashboard").status_code == 302
    assert [r.end_reason for r in _records(user)] == ["password_reset"]


def test_deactivating_a_staff_member_ends_their_sessions_and_is_recorded(app):
    admin = f.AdminFactory(email="admin@example.org")
    staff = f.StaffFactory(email="staff@city.example")
    staff_client = _login(app, staff.email)
    _login(app, admin.email).post(f"/admin/staff/{staff.id}/deactivate")
    assert staff_client.get("/office").headers["Location"].startswith("/auth/login")
    assert [r.end_reason for r in _records(staff)] == ["deactivated"]
    events = db.session.scalars(
        select(AuthEvent).where(AuthEvent.kind == AuthEventKind.ACCOUNT_DEACTIVATED)
    ).all()
    assert [(e.user_id, e.actor_id) for e in events] == [(staff.id, admin.id)]
