"""What a new user hit: the 409 page's way back, the flagged list's search and order, the start
page's sign-up link, required "choose an office" selects, conflicts that blame no field."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.orm import Suggestion, utcnow
from tests import factories as f


@pytest.fixture
def admin(auth):
    user = f.AdminFactory()
    auth.login(user.email)
    return user


def test_the_409_after_a_lost_race_links_to_the_suggestion_as_it_is_now(client, auth):
    staff = f.StaffFactory()
    auth.login(staff.email)
    row = f.SuggestionFactory(priority=f.PriorityFactory(office=staff.office))
    seen = row.version
    client.post(f"/suggestions/{row.id}/accept", data={"accept-version": seen})
    stale = client.post(
        f"/suggestions/{row.id}/decline",
        data={"decline-version": seen, "decline-reason": "not_a_fit"},
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert f'href="/suggestions/{row.id}">Open the suggestion as it is now</a>' in page


def test_the_start_page_companies_card_links_to_sign_up(client):
    page = client.get("/").get_data(as_text=True)
    card = page[page.index("<h2>Companies</h2>") :]
    assert 'href="/signup">Create a company account</a>' in card[: card.index("</li>")]


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_reassign_starts_with_a_required_choose_an_office(client, auth):
    staff = f.StaffFactory()
    f.OfficeFactory(name="Aardvark Office")  # first alphabetically: no longer the default
    auth.login(staff.email)
    row = f.SuggestionFactory(priority=f.PriorityFactory(office=staff.office))
    page = client.get(f"/suggestions/{row.id}").get_data(as_text=True)
    assert _options(page, "reassign-office_id")[0] == "Choose an office"
    assert re.search(r'<select[^>]*name="reassign-office_id"[^>]*required', page)
    response = client.post(
        f"/suggestions/{row.id}/reassign",
        data={"reassign-version": row.version, "reassign-office_id": "", "reassign-note": "Yours"},
        follow_redirects=True,
    )
    assert "Choose the office to hand it to." in response.get_data(as_text=True)
    assert db.session.get(Suggestion, row.id).routed_office_id == staff.office_id


def test_other_record_selects_start_empty_too(client, admin):
    f.OfficeFactory(name="Aardvark Office")
    assert (
        _options(client.get("/admin/routing").get_data(as_text=True), "target_office_id")[0]
        == "Choose an office"
    )
    assert (
        _options(client.get("/admin/offices/new").get_data(as_text=True), "city_id")[0]
        == "Choose a city"
    )


def test_a_conflict_message_does_not_ask_to_correct_fields(client, admin):
    city = f.CityFactory(name="Springfield", state="MA")
    stale = city.version
    form = {"name": "Springfield", "state": "MA", "country": "US"}
    client.post(f"/admin/cities/{city.id}/edit", data={**form, "name": "Capital", "version": stale})
    response = client.post(
        f"/admin/cities/{city.id}/edit", data={**form, "name": "Shelbyville", "version": stale}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "changed this city" in page
    assert "Please correct" not in page
    wrong = client.post("/admin/cities/new", data={"name": "", "state": "MA", "country": "US"})
    assert "Please correct the error below." in wrong.get_data(as_text=True)


def _flagged(company: str, days: int, **kw):
    return f.SuggestionFactory(
        flagged=True,
        created_at=utcnow() - timedelta(days=days),
        profile__company__name=company,
        **kw,
    )


def _companies(html: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


def test_the_flagged_list_searches_filters_and_sorts(client, admin):
    names = ["Old Rotor", "Middle Gear", "New Widget"]
    _flagged("Old Rotor", 9)
    middle = _flagged("Middle Gear", 5, profile__company__hq_country="CN")
    _flagged("New Widget", 1)
    _flagged("Cleared Co", 3, flag_rationale="Fine.")
    default = client.get("/admin/review").get_data(as_text=True)
    assert _companies(default, names) == names and "Cleared Co" not in default
    newest = client.get("/admin/review?sort=newest").get_data(as_text=True)
    assert _companies(newest, names) == names[::-1]
    assert _companies(client.get("/admin/review?q=gear").get_data(as_text=True), names) == [
        "Middle Gear"
    ]
    by_country = client.get("/admin/review?country=cn").get_data(as_text=True)
    assert _companies(by_country, names) == ["Middle Gear"]
    by_office = client.get(f"/admin/review?office_id={middle.routed_office_id}")
    assert _companies(by_office.get_data(as_text=True), names) == ["Middle Gear"]
    decided = client.get("/admin/review?show=decided").get_data(as_text=True)
    assert "Cleared Co" in decided and not _companies(decided, names)
    none = client.get("/admin/review?q=nothing-like-this").get_data(as_text=True)
    assert "No flagged suggestion matches these filters." in none
