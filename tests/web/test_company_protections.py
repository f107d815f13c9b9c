"""Company pages with CSRF and rate limits on: the confirmation button, invitations that reveal
no accounts, sign-ups that reveal no accounts, contacts in the CSV export for admins only."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import Company, CompanyStatus, User
from tests import factories as f
from tests.conftest import AuthActions
from tests.web.test_company_pages import SIGNUP


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "COMPANY_INVITE_RATE_LIMIT": "3 per hour",
    }


def token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def login(client, email: str) -> None:
    data = {"email": email, "password": f.PASSWORD, "csrf_token": token(client, "/auth/login")}
    response = client.post("/auth/login", data=data)
    if response.location == "/auth/mfa":  # admins give their code (the form carries CSRF)
        response = AuthActions(client).give_code(f.totp_code(email))
    assert response.status_code == 302 and not response.location.startswith("/auth/")


def sign_up(client, **changes) -> None:
    data = {**SIGNUP, **changes, "csrf_token": token(client, "/signup")}
    response = client.post("/signup", data=data)
    assert response.status_code == 302 and response.location.endswith("/signup/sent")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_confirmation_link_asks_for_a_click_and_confirms_on_post(client, mailbox):
    sign_up(client)
    path = mailbox.last_link("gwen@wyvern.example", "/signup/confirm/").replace(
        "http://localhost", ""
    )
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my email" in page.get_data(as_text=True)
    db.session.expire_all()
    company = db.session.scalar(select(Company))
    assert company.status == CompanyStatus.UNCONFIRMED, "a GET (a mail scanner) changes nothing"
    assert client.get("/company").status_code == 302, "and logs nobody in"
    assert client.post(path).status_code == 400, "the POST needs the form's CSRF token"
    response = client.post(path, data={"csrf_token": token(client, path)})
    assert response.status_code == 302 and response.location.endswith("/company/profiles")
    assert client.get("/company").status_code == 200
    db.session.expire_all()
    assert db.session.get(Company, company.id).status == CompanyStatus.ACTIVE


def test_a_used_confirmation_link_sends_to_the_login_page(client, mailbox):
    sign_up(client)
    path = mailbox.last_link("gwen@wyvern.example", "/signup/confirm/").replace(
        "http://localhost", ""
    )
    client.post(path, data={"csrf_token": token(client, path)})
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.location


def test_signing_up_with_a_known_address_reveals_nothing_and_tells_its_owner(client, mailbox):
    f.CompanyMemberFactory(email="gwen@wyvern.example")
    before = count(Company)
    sign_up(client, company_name="Someone Else Ltd", website="https://else.example")
    assert count(Company) == before
    [notice] = mailbox.to("gwen@wyvern.example")
    assert "tried to sign up" in notice.get_payload(decode=True).decode()
    assert "/signup/confirm/" not in notice.get_payload(decode=True).decode()


def test_inviting_a_known_address_answers_like_any_other(client, auth, mailbox):
    member = f.CompanyMemberFactory()
    f.CompanyMemberFactory(email="taken@other.example")
    login(client, member.email)
    before = count(User)
    data = {"name": "Someone", "email": "taken@other.example"}
    response = client.post(
        "/company/members",
        data={**data, "csrf_token": token(client, "/company/members")},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "An invitation was sent to taken@other.example" in page
    assert "already exists" not in page and count(User) == before
    assert "already has" in mailbox.to("taken@other.example")[0].get_payload(decode=True).decode()


def test_invitations_are_rate_limited_per_member(app, client, mailbox):
    member = f.CompanyMemberFactory()
    login(client, member.email)
    statuses = []
    for n in range(4):
        data = {
            "name": f"C {n}",
            "email": f"c{n}@wyvern.example",
            "csrf_token": token(client, "/company/members"),
        }
        statuses.append(client.post("/company/members", data=data).status_code)
    assert statuses == [302, 302, 302, 429]
    assert client.get("/company/members").status_code == 200, "only the POST is limited"
    other, browser = f.CompanyMemberFactory(company=member.company), app.test_client()
    login(browser, other.email)
    data = {
        "name": "D",
        "email": "d@wyvern.example",
        "csrf_token": token(browser, "/company/members"),
    }
    assert browser.post("/company/members", data=data).status_code == 302, "per member"


def export_rows(client) -> list[dict]:
    text = client.get("/companies/export.csv").data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("role", "sees_contacts"), [("staff", False), ("admin", True)])
def test_the_csv_export_gives_contacts_to_admins_only(client, role, sees_contacts):
    f.CompanyFactory(name="Acme", contact_name="Ada Lovelace", contact_email="ada@acme.example")
    user = f.StaffFactory() if role == "staff" else f.AdminFactory()
    login(client, user.email)
    [row] = export_rows(client)
    assert row["name"] == "Acme"
    assert ("contact_email" in row) == sees_contacts
    if sees_contacts:
        assert (row["contact_name"], row["contact_email"]) == ("Ada Lovelace", "ada@acme.example")
