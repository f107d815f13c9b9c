"""Two-step verification over HTTP: the login step, enrolment, settings and the admin reset."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import delete, select

from matchmaker.extensions import db
from matchmaker.orm import AuthEvent, AuthEventKind, MfaCredential, User
from tests import factories as f
from tests.conftest import AuthActions


def password_step(client, email: str, path: str = "/auth/login"):
    return client.post(path, data={"email": email, "password": f.PASSWORD})


def kinds() -> list[str]:
    return [e.kind.value for e in db.session.scalars(select(AuthEvent).order_by(AuthEvent.id))]


def test_an_admin_without_mfa_must_set_it_up_before_any_page(client, auth):
    f.AdminFactory(email="admin@example.org", mfa=False)
    assert password_step(client, "admin@example.org").location == "/auth/mfa/enrol"
    assert client.get("/dashboard").location.startswith("/auth/login")  # no session yet
    assert client.get("/auth/mfa").location == "/auth/mfa/enrol"
    page = client.get("/auth/mfa/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and '<code class="secret">' in page
    assert "Admins must use two-step verification" in page
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    wrong = client.post("/auth/mfa/enrol", data={"code": "12345", "token": token})
    assert '<p class="error" id="code-error">This code is not correct.' in wrong.get_data(
        as_text=True
    )
    done = auth.enrol()
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/dashboard").status_code == 200
    assert kinds() == ["mfa_failed", "mfa_enrolled", "login_succeeded"]


def test_an_admin_gives_a_code_after_the_password_and_lands_where_they_were_going(client, auth):
    f.AdminFactory(email="admin@example.org")
    response = password_step(client, "admin@example.org", "/auth/login?next=/admin/outbox")
    assert response.location == "/auth/mfa"
    assert client.get("/admin/outbox").location.startswith("/auth/login")
    done = auth.give_code(f.totp_code("admin@example.org"))
    assert done.location == "/admin/outbox"
    assert client.get("/admin/outbox").status_code == 200
    assert kinds() == ["mfa_used", "login_succeeded"]


def test_a_wrong_code_is_shown_next_to_the_field(client, auth):
    f.AdminFactory(email="admin@example.org")
    password_step(client, "admin@example.org")
    right = f.totp_code("admin@example.org")
    html = auth.give_code("000000" if right != "000000" else "111111").get_data(as_text=True)
    assert '<p class="error" id="code-error">This code is not correct.</p>' in html
    assert 'aria-invalid="true"' in html
    assert client.get("/dashboard").status_code == 302


def test_the_code_step_without_a_pending_login_sends_to_the_login_page(app, client):
    user = f.AdminFactory(email="admin@example.org")
    code = pyotp.TOTP(f.mfa_credential(user.email).secret).now()
    for method in ("get", "post"):
        assert getattr(client, method)("/auth/mfa", data={"code": code}).location == "/auth/login"
        assert getattr(client, method)("/auth/mfa/enrol").location == "/auth/login"
    password_step(client, user.email)
    app.config["MFA_PENDING_MAX_AGE"] = -1  # the marker lives five minutes
    assert client.post("/auth/mfa", data={"code": code}).location == "/auth/login"
    assert "the code step expired" in client.get("/auth/login").get_data(as_text=True)


def test_a_password_change_in_between_voids_the_pending_login(client):
    user = f.AdminFactory(email="admin@example.org")
    password_step(client, user.email)
    db.session.get(User, user.id).session_token = "rotated-elsewhere"
    db.session.commit()
    assert client.post("/auth/mfa", data={"code": f.totp_code(user.email)}).location == (
        "/auth/login"
    )


def test_five_wrong_codes_at_login_make_the_user_wait(client, auth):
    f.StaffFactory(email="staff@example.org", mfa=True)
    password_step(client, "staff@example.org")
    for _ in range(5):
        assert "not correct" in auth.give_code("nope").get_data(as_text=True)
    html = auth.give_code(f.totp_code("staff@example.org")).get_data(as_text=True)
    assert "Too many wrong codes. Wait 5 minutes and try again." in html
    assert client.get("/dashboard").status_code == 302


def test_staff_log_in_with_the_password_alone_until_they_set_up_mfa(client, auth):
    f.StaffFactory(email="staff@example.org")
    assert auth.login("staff@example.org").location == "/dashboard"
    assert "Set up two-step verification" in client.get("/settings/mfa").get_data(as_text=True)
    assert auth.enrol("/settings/mfa/enrol").status_code == 200
    assert "Recovery codes left: <strong>10</strong>" in client.get("/settings/mfa").get_data(
        as_text=True
    )
    auth.logout()
    assert password_step(client, "staff@example.org").location == "/auth/mfa"


def test_a_recovery_code_logs_in_once(client, auth):
    f.CompanyMemberFactory(email="team@acme.example")
    auth.login("team@acme.example")
    page = auth.enrol("/settings/mfa/enrol").get_data(as_text=True)
    recovery = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)[0]
    auth.logout()
    password_step(client, "team@acme.example")
    assert auth.give_code(recovery).location == "/dashboard"
    assert "You used a recovery code" in client.get("/dashboard").get_data(as_text=True)
    auth.logout()
    password_step(client, "team@acme.example")
    assert "not correct" in auth.give_code(recovery).get_data(as_text=True)


def test_staff_turn_mfa_off_with_a_current_code(client, auth):
    f.StaffFactory(email="staff@example.org", mfa=True)
    auth.login("staff@example.org")
    wrong = client.post("/settings/mfa/off", data={"off-code": "nope"}).get_data(as_text=True)
    assert 'id="off-code-error"' in wrong
    done = client.post("/settings/mfa/off", data={"off-code": f.totp_code("staff@example.org")})
    assert done.location == "/settings/mfa"
    assert db.session.scalar(select(MfaCredential.id)) is None
    auth.logout()
    assert auth.login("staff@example.org").location == "/dashboard"


def test_admins_are_offered_no_way_to_turn_mfa_off(client, auth):
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    page = client.get("/settings/mfa").get_data(as_text=True)
    assert "Admins must keep two-step verification on." in page and "/settings/mfa/off" not in page
    refused = client.post("/settings/mfa/off", data={"off-code": f.totp_code("admin@example.org")})
    assert "Admins must keep two-step verification on." in refused.get_data(as_text=True)
    assert db.session.scalar(select(MfaCredential.id)) is not None


def test_new_recovery_codes_are_shown_once_after_a_code(client, auth):
    f.StaffFactory(email="staff@example.org", mfa=True)
    auth.login("staff@example.org")
    data = {"renew-code": f.totp_code("staff@example.org")}
    page = client.post("/settings/mfa/recovery-codes", data=data).get_data(as_text=True)
    assert len(re.findall(r"<code>[a-z0-9]{5}-[a-z0-9]{5}</code>", page)) == 10
    again = client.get("/settings/mfa").get_data(as_text=True)
    assert not re.findall(r"<code>[a-z0-9]{5}-[a-z0-9]{5}</code>", again)


def test_an_admin_resets_a_staff_members_mfa_and_logs_them_out(app, client, auth):
    staff = f.StaffFactory(email="staff@example.org", mfa=True)
    staff_client = app.test_client()
    AuthActions(staff_client).login(staff.email)
    admin = f.AdminFactory(email="admin@example.org")
    auth.login(admin.email)
    listing = client.get("/admin/users?q=staff@").get_data(as_text=True)
    assert "<td>staff@example.org</td>" in listing and "<td>admin@example.org</td>" not in listing
    assert f"/admin/users/{staff.id}/mfa/reset" in listing
    done = client.post(f"/admin/users/{staff.id}/mfa/reset", follow_redirects=True)
    assert "Two-step verification of staff@example.org was reset" in done.get_data(as_text=True)
    assert staff_client.get("/dashboard").status_code == 302
    [event] = db.session.scalars(select(AuthEvent).where(AuthEvent.kind == AuthEventKind.MFA_RESET))
    assert (event.user_id, event.actor_id) == (staff.id, admin.id)
    assert password_step(app.test_client(), staff.email).location == "/dashboard"


def test_a_reset_admin_sets_up_mfa_at_the_next_login(app, client, auth):
    other = f.AdminFactory(email="other@example.org")
    auth.login(f.AdminFactory(email="admin@example.org").email)
    client.post(f"/admin/users/{other.id}/mfa/reset")
    assert password_step(app.test_client(), other.email).location == "/auth/mfa/enrol"


def test_an_admin_session_without_mfa_reaches_only_the_set_up_page(client, auth):
    admin = f.AdminFactory(email="admin@example.org")
    auth.login(admin.email)
    # As for a session begun before MFA existed.
    db.session.execute(delete(MfaCredential))
    db.session.commit()
    assert client.get("/admin/outbox").location == "/settings/mfa/enrol"
    assert client.get("/settings/mfa/enrol").status_code == 200
    auth.enrol("/settings/mfa/enrol")
    assert client.get("/admin/outbox").status_code == 200


def test_mfa_pages_are_never_cached_and_have_no_inline_code(client):
    f.AdminFactory(email="admin@example.org", mfa=False)
    password_step(client, "admin@example.org")
    response = client.get("/auth/mfa/enrol")
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html and "<svg" not in html


def test_the_command_line_resets_the_mfa_of_an_admin_who_lost_their_phone(app, runner):
    admin = f.AdminFactory(email="only-admin@example.org")
    result = runner.invoke(args=["reset-mfa", "ONLY-admin@example.org"])
    assert result.exit_code == 0, result.output
    assert "two-step verification of only-admin@example.org reset" in result.output
    assert password_step(app.test_client(), admin.email).location == "/auth/mfa/enrol"
    [event] = db.session.scalars(select(AuthEvent).where(AuthEvent.kind == AuthEventKind.MFA_RESET))
    assert (event.actor_id, event.detail) == (None, "reset from the command line")
    again = runner.invoke(args=["reset-mfa", "only-admin@example.org"])
    assert again.exit_code != 0 and "no two-step verification to reset" in again.output
    assert runner.invoke(args=["reset-mfa", "nobody@example.org"]).exit_code != 0
