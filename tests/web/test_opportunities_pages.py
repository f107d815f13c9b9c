"""Companies browse visible priorities and express interest in them."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Suggestion
from tests import factories as f


def _member(auth):
    member = f.CompanyMemberFactory(email="member@company.example")
    auth.login(member.email)
    return member


def test_companies_see_visible_open_priorities_only(client, auth):
    _member(auth)
    f.PriorityFactory(title="Visible stadium pilots", target_countries=["DE"])
    hidden = f.PriorityFactory(title="Hidden draft", status="draft", visible_to_companies=False)
    html = client.get("/opportunities").get_data(as_text=True)
    assert "Visible stadium pilots" in html and "Hidden draft" not in html and "Germany" in html
    assert client.get(f"/opportunities/{hidden.id}/interest").status_code == 404
    empty = client.get("/opportunities?type=philanthropy").get_data(as_text=True)
    assert "No opportunity matches these filters." in empty


def test_a_company_expresses_interest_for_one_of_its_profiles(client, auth):
    member = _member(auth)
    profile = f.ProfileFactory(company=member.company, title="US stadium pilot")
    priority = f.PriorityFactory(title="Stadium pilots")
    page = client.get(f"/opportunities/{priority.id}/interest").get_data(as_text=True)
    assert "US stadium pilot" in page
    response = client.post(
        f"/opportunities/{priority.id}/interest",
        data={"profile_id": profile.id, "message": "We fit well."},
    )
    assert response.headers["Location"] == "/opportunities"
    suggestion = db.session.scalar(select(Suggestion))
    assert suggestion.company_initiated and suggestion.message == "We fit well."
    assert suggestion.routed_office_id == priority.office_id
    again = client.post(
        f"/opportunities/{priority.id}/interest",
        data={"profile_id": profile.id, "message": "Again"},
    )
    assert 'id="profile_id-error">You already expressed interest' in again.get_data(as_text=True)


def test_another_companys_profile_cannot_be_chosen(client, auth):
    member = _member(auth)
    f.ProfileFactory(company=member.company)
    foreign = f.ProfileFactory()
    priority = f.PriorityFactory()
    response = client.post(
        f"/opportunities/{priority.id}/interest",
        data={"profile_id": foreign.id, "message": "Hello"},
    )
    assert 'id="profile_id-error">' in response.get_data(as_text=True)
    assert db.session.scalar(select(Suggestion)) is None


def test_without_an_active_profile_the_page_says_what_to_do(client, auth):
    _member(auth)
    priority = f.PriorityFactory()
    html = client.get(f"/opportunities/{priority.id}/interest").get_data(as_text=True)
    assert "You need an active interest profile" in html


def test_the_message_is_required(client, auth):
    member = _member(auth)
    profile = f.ProfileFactory(company=member.company)
    priority = f.PriorityFactory()
    html = client.post(
        f"/opportunities/{priority.id}/interest", data={"profile_id": profile.id, "message": ""}
    ).get_data(as_text=True)
    assert 'id="message-error">' in html
