"""The office dashboard and priority pages: posting, editing, conflicts, tenant isolation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Priority, PriorityStatus, SuggestionStatus
from tests import factories as f

SECTORS = ["5132", "7112"]


def _form(priority=None, **changes) -> dict:
    data = {
        "title": "Stadium district pilots",
        "description": "Pilot fan engagement tech.",
        "naics_sectors": ["5132", "7112"],
        "partnership_types": ["pilot_project", "sponsorship"],
        "target_countries": "DE, JP",
        "horizon": "",
        "status": "open",
        "visible_to_companies": "y",
    }
    if priority is not None:
        data["version"] = priority.version
    return {**data, **changes}


@pytest.fixture
def staff_a(auth):
    member = f.StaffFactory(email="staff-a@city.example")
    auth.login(member.email)
    return member


def test_staff_post_a_priority_and_see_it_on_the_dashboard(client, staff_a):
    response = client.post("/office/priorities/new", data=_form())
    priority = db.session.scalar(select(Priority))
    assert response.headers["Location"] == f"/priorities/{priority.id}"
    assert priority.office_id == staff_a.office_id and priority.status == PriorityStatus.OPEN
    assert priority.target_countries == ["DE", "JP"] and priority.visible_to_companies
    html = client.get("/office").get_data(as_text=True)
    assert "Stadium district pilots" in html and "0 waiting" in html
    detail = client.get(f"/priorities/{priority.id}").get_data(as_text=True)
    assert "Germany, Japan" in detail and "Software Publishers" in detail


def test_validation_errors_are_shown_next_to_their_fields(client, staff_a):
    html = client.post(
        "/office/priorities/new",
        data=_form(
            title="",
            naics_sectors=["5132", "12345x"],
            target_countries="ZZ",
            partnership_types=[],
        ),
    ).get_data(as_text=True)
    assert 'id="title-error">' in html
    assert 'id="naics_sectors-error">Not NAICS 2022 codes: 12345X.' in html
    assert 'id="target_countries-error">Not ISO country codes: ZZ.' in html
    assert 'id="partnership_types-error">Choose at least one.' in html
    assert db.session.scalar(select(Priority)) is None


def test_a_past_horizon_is_refused(client, staff_a):
    html = client.post("/office/priorities/new", data=_form(horizon="2000-01-01")).get_data(
        as_text=True
    )
    assert 'id="horizon-error">The horizon date must not be in the past.' in html


def test_dashboard_counts_suggestions_and_filters(client, staff_a):
    mine = f.PriorityFactory(office=staff_a.office, title="Stadium district")
    f.PriorityFactory(
        office=staff_a.office, title="Port logistics", status="draft", description="Cranes."
    )
    f.PriorityFactory(title="Someone else's priority")
    f.SuggestionFactory(priority=mine)
    f.SuggestionFactory(priority=mine, status=SuggestionStatus.DECLINED)
    html = client.get("/office").get_data(as_text=True)
    assert "Someone else" not in html and "1 waiting" in html and "1 declined" in html
    html = client.get("/office?status=draft").get_data(as_text=True)
    assert "Port logistics" in html and "Stadium district" not in html
    assert "No priority matches" in client.get("/office?q=zzz").get_data(as_text=True)


def test_staff_of_another_office_get_404_for_drafts_they_do_not_own(app, client, auth):
    draft = f.PriorityFactory(status="draft", visible_to_companies=False, naics_sectors=SECTORS)
    f.StaffFactory(email="staff-b@city.example")
    auth.login("staff-b@city.example")
    assert client.get(f"/priorities/{draft.id}").status_code == 404
    assert client.get(f"/priorities/{draft.id}/edit").status_code == 404
    response = client.post(f"/priorities/{draft.id}/edit", data=_form(draft, title="Hijacked"))
    assert response.status_code == 404
    db.session.refresh(draft)
    assert draft.title != "Hijacked"


def test_editing_from_an_old_version_answers_409_and_keeps_the_newer_edit(client, staff_a):
    priority = f.PriorityFactory(office=staff_a.office, naics_sectors=SECTORS)
    stale = _form(priority)
    assert (
        client.post(
            f"/priorities/{priority.id}/edit", data=_form(priority, title="First edit")
        ).status_code
        == 302
    )
    response = client.post(f"/priorities/{priority.id}/edit", data={**stale, "title": "Second"})
    assert response.status_code == 409
    assert "Someone else changed this priority" in response.get_data(as_text=True)
    db.session.refresh(priority)
    assert priority.title == "First edit"


def test_pausing_from_the_edit_page_withdraws_open_suggestions(client, staff_a):
    priority = f.PriorityFactory(office=staff_a.office, naics_sectors=SECTORS)
    suggestion = f.SuggestionFactory(priority=priority)
    response = client.post(f"/priorities/{priority.id}/edit", data=_form(priority, status="paused"))
    assert response.status_code == 302
    db.session.refresh(suggestion)
    assert suggestion.status == SuggestionStatus.EXPIRED
    assert suggestion.events[-1].reason == "priority paused"
    assert "1 withdrawn" in client.get("/office").get_data(as_text=True)


def test_draft_is_not_offered_once_published(client, staff_a):
    priority = f.PriorityFactory(office=staff_a.office, naics_sectors=SECTORS)
    html = client.get(f"/priorities/{priority.id}/edit").get_data(as_text=True)
    assert 'value="draft"' not in html and 'value="closed"' in html


def test_admins_see_every_office_and_can_filter_by_office(client, auth):
    a, b = f.PriorityFactory(title="Alpha"), f.PriorityFactory(title="Beta")
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    html = client.get("/office").get_data(as_text=True)
    assert "Alpha" in html and "Beta" in html
    html = client.get(f"/office?office_id={b.office_id}").get_data(as_text=True)
    assert "Alpha" not in html and "Beta" in html
    assert client.get(f"/priorities/{a.id}").status_code == 200
