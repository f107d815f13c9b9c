"""The introduction pages of both sides: the request, the answer, the opt-in's privacy on the
pages, the thread, the lists' filters, and the admins' event log with its CSV."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Introduction
from tests import factories as f

OFFICE_PEOPLE = ("ana@edo.example", "Ana Alvarez", "desk@edo.example")
COMPANY_PEOPLE = ("carla@fan.example", "Carla Contact", "mia@fan.example", "Mia Member")


@pytest.fixture
def requested(client, auth):
    """Ana (office staff) accepted a suggestion through the page: the request is out."""
    office = f.OfficeFactory(name="Boston Global", contact_email="desk@edo.example")
    f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(
        name="Fan GmbH", contact_name="Carla Contact", contact_email="carla@fan.example"
    )
    f.CompanyMemberFactory(company=company, name="Mia Member", email="mia@fan.example")
    priority = f.PriorityFactory(office=office, title="Stadium pilots")
    row = f.SuggestionFactory(priority=priority, profile=f.ProfileFactory(company=company))
    auth.login("ana@edo.example")
    client.post(
        f"/suggestions/{row.id}/accept",
        data={"accept-version": row.version, "accept-note": "Let us talk pilots."},
    )
    auth.logout()
    return db.session.scalars(select(Introduction)).one()


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _version(html: str) -> str:
    return re.search(r'name="version" required type="hidden" value="(\d+)"', html).group(1)


def test_the_company_sees_the_request_without_the_offices_people(client, auth, requested):
    auth.login("mia@fan.example")
    listing = _page(client, "/company/introductions")
    assert "Boston Global" in listing and "Stadium pilots" in listing
    html = _page(client, f"/company/introductions/{requested.id}")
    assert "Let us talk pilots." in html and "Accept the introduction" in html
    assert not any(person in html for person in OFFICE_PEOPLE)


def test_the_office_sees_no_company_contact_before_the_answer(client, auth, requested):
    auth.login("ana@edo.example")
    html = _page(client, f"/introductions/{requested.id}")
    assert "Waiting for the company" in html
    assert not any(person in html for person in COMPANY_PEOPLE)


def test_after_the_company_accepts_both_pages_show_the_other_sides_people(client, auth, requested):
    auth.login("mia@fan.example")
    html = _page(client, f"/company/introductions/{requested.id}")
    response = client.post(
        f"/company/introductions/{requested.id}/accept",
        data={"version": _version(html)},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Accepted: you are introduced." in html
    assert all(person in html for person in OFFICE_PEOPLE)
    auth.logout()
    auth.login("ana@edo.example")
    html = _page(client, f"/introductions/{requested.id}")
    assert all(person in html for person in COMPANY_PEOPLE)


def test_a_stale_answer_gets_409_naming_who_answered(client, auth, requested):
    f.CompanyMemberFactory(company=requested.company, email="colin@fan.example")
    auth.login("mia@fan.example")
    stale = _version(_page(client, f"/company/introductions/{requested.id}"))
    client.post(f"/company/introductions/{requested.id}/accept", data={"version": stale})
    auth.logout()
    auth.login("colin@fan.example")
    response = client.post(
        f"/company/introductions/{requested.id}/decline", data={"decline-version": stale}
    )
    assert response.status_code == 409
    assert "Mia Member got there first" in response.get_data(as_text=True)


def test_declining_from_the_page_records_the_reason_and_the_block(client, auth, requested):
    auth.login("mia@fan.example")
    version = _version(_page(client, f"/company/introductions/{requested.id}"))
    client.post(
        f"/company/introductions/{requested.id}/decline",
        data={"decline-version": version, "decline-reason": "Not now.", "decline-block": "y"},
    )
    listing = _page(client, "/company/introductions")
    assert "Declined by the company" in listing and "Allow introductions again" in listing
    auth.logout()
    auth.login("ana@edo.example")
    html = _page(client, f"/introductions/{requested.id}")
    assert "Not now." in html and "no more introductions from Boston Global" in html


def test_other_tenants_get_404(client, auth, requested):
    f.CompanyMemberFactory(email="other@company.example")
    f.StaffFactory(email="other@office.example")
    auth.login("other@company.example")
    assert client.get(f"/company/introductions/{requested.id}").status_code == 404
    auth.logout()
    auth.login("other@office.example")
    assert client.get(f"/introductions/{requested.id}").status_code == 404
    assert "Stadium pilots" not in _page(client, "/introductions")


def test_messages_from_the_pages_are_emailed_to_the_other_side(client, auth, requested, mailbox):
    auth.login("mia@fan.example")
    version = _version(_page(client, f"/company/introductions/{requested.id}"))
    client.post(f"/company/introductions/{requested.id}/accept", data={"version": version})
    client.post(f"/company/introductions/{requested.id}/messages", data={"body": "Hi Ana!"})
    auth.logout()
    auth.login("ana@edo.example")
    client.post(f"/introductions/{requested.id}/messages", data={"body": "Hi Mia!"})
    html = _page(client, f"/introductions/{requested.id}")
    assert "Hi Ana!" in html and "Hi Mia!" in html
    assert "Hi Ana!" in mailbox.to("ana@edo.example")[-1].get_payload(decode=True).decode()
    assert "Hi Mia!" in mailbox.to("mia@fan.example")[-1].get_payload(decode=True).decode()


def test_the_office_list_filters_by_stage_and_the_suggestion_links_to_it(client, auth, requested):
    auth.login("ana@edo.example")
    assert "Fan GmbH" in _page(client, "/introductions?stage=requested")
    assert "Fan GmbH" not in _page(client, "/introductions?stage=introduced")
    html = _page(client, f"/suggestions/{requested.suggestion_id}")
    assert f"/introductions/{requested.id}" in html


def test_admins_read_the_introduction_events_and_export_them(client, auth, requested):
    f.AdminFactory(email="root@example.org")
    auth.login("root@example.org")
    assert "Let us talk pilots." in _page(client, "/admin/introduction-events")
    csv = client.get("/admin/introduction-events.csv").get_data(as_text=True)
    assert csv.startswith("at_utc,actor,introduction_id")
    assert "ana@edo.example" in csv and "Fan GmbH" in csv
