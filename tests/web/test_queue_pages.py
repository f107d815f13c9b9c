"""The office queue, a suggestion's page and its actions over HTTP; the admin pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from matchmaker.csv_cells import safe_cell
from matchmaker.extensions import db
from matchmaker.orm import Suggestion, User, utcnow
from matchmaker.services.review import decisions as review
from matchmaker.services.review import notifications, oversight
from tests import factories as f


@pytest.fixture
def staff(auth):
    member = f.StaffFactory(email="staff@city.example", name="Sam Staff")
    auth.login(member.email)
    return member


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/suggestions/(\d+)"', html)]


def test_the_queue_pages_by_50_best_score_first_without_gaps(client, staff):
    priority = f.PriorityFactory(office=staff.office)
    rows = [
        f.SuggestionFactory(priority=priority, score=round(0.2 + (n % 7) / 10, 2))
        for n in range(55)
    ]
    first = client.get("/queue").get_data(as_text=True)
    page1 = _ids(first)
    assert len(page1) == 50
    expected = sorted(rows, key=lambda s: (-s.score, -s.id))
    assert page1 == [s.id for s in expected[:50]]
    cursor = re.search(r'href="/queue\?after=([^"]+)" rel="next"', first).group(1)
    page2 = _ids(client.get(f"/queue?after={cursor}").get_data(as_text=True))
    assert page2 == [s.id for s in expected[50:]]


def test_queue_filters(client, staff):
    mine = f.PriorityFactory(office=staff.office, title="Mine")
    other = f.PriorityFactory(office=staff.office, title="Other")
    jp = f.SuggestionFactory(
        priority=mine,
        score=0.9,
        profile__company__name="Tokyo Robotics",
        profile__company__hq_country="JP",
        profile__company__naics_sectors=["3345"],
    )
    de = f.SuggestionFactory(
        priority=other, score=0.3, profile__company__name="Berlin Apps", company_initiated=True
    )
    declined = f.SuggestionFactory(priority=mine, status="declined")
    f.SuggestionFactory(score=0.99)  # another office's
    assert _ids(client.get("/queue").get_data(as_text=True)) == [jp.id, de.id]
    cases = {
        "q=tokyo": [jp.id],
        "country=de": [de.id],
        "sector=33": [jp.id],
        "min_score=0.5": [jp.id],
        "company_initiated=y": [de.id],
        f"priority_id={other.id}": [de.id],
        "status=declined": [declined.id],
        "status=in_review": [],
    }
    for query, expected in cases.items():
        assert _ids(client.get(f"/queue?{query}").get_data(as_text=True)) == expected, query
    html = client.get("/queue?status=in_review").get_data(as_text=True)
    assert "No suggestion matches these filters." in html


def test_flagged_suggestions_wait_for_the_admin_before_the_queue(client, staff):
    row = f.SuggestionFactory(priority=f.PriorityFactory(office=staff.office), flagged=True)
    assert _ids(client.get("/queue").get_data(as_text=True)) == []
    html = client.get(f"/suggestions/{row.id}").get_data(as_text=True)
    assert "an admin must decide before your office can act" in html
    response = client.post(f"/suggestions/{row.id}/accept", data={"accept-version": row.version})
    assert response.status_code == 302
    assert db.session.get(Suggestion, row.id).status == "suggested"


def test_the_suggestion_page_shows_both_sides_why_history_and_other_offices(client, staff):
    row = f.SuggestionFactory(
        priority=f.PriorityFactory(office=staff.office, title="Stadium pilots"),
        profile__company__name="Fan Engagement GmbH",
        explanation={"sentences": ["Shared sector: software publishers."]},
    )
    f.SuggestionFactory(
        profile=row.profile,
        status="accepted",
        priority=f.PriorityFactory(office=f.OfficeFactory(name="Austin EDO")),
    )
    html = client.get(f"/suggestions/{row.id}").get_data(as_text=True)
    for text in (
        "Stadium pilots",
        "Fan Engagement GmbH",
        "Shared sector: software publishers.",
        "Austin EDO",
        "History",
        "own office)",
    ):
        assert text in html, text


def test_accept_over_http_and_a_stale_form_gets_409_naming_the_winner(client, staff):
    row = f.SuggestionFactory(priority=f.PriorityFactory(office=staff.office))
    seen = row.version
    response = client.post(f"/suggestions/{row.id}/accept", data={"accept-version": seen})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Accepted: an introduction is proposed." in page
    stale = client.post(
        f"/suggestions/{row.id}/decline",
        data={"decline-version": seen, "decline-reason": "not_a_fit"},
    )
    assert stale.status_code == 409
    assert "Sam Staff got there first" in stale.get_data(as_text=True)


def test_decline_with_a_reason_and_bulk_decline(client, staff):
    priority = f.PriorityFactory(office=staff.office)
    one, two, three = (f.SuggestionFactory(priority=priority) for _ in range(3))
    client.post(
        f"/suggestions/{one.id}/decline",
        data={"decline-version": one.version, "decline-reason": "company_too_small"},
    )
    assert db.session.get(Suggestion, one.id).decline_reason == "company_too_small"
    items = [f"{two.id}:{two.version}", f"{three.id}:{three.version}"]
    response = client.post("/queue/decline", data={"bulk-items": items, "bulk-reason": "duplicate"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Suggestion, s.id).status for s in (two, three)} == {"declined"}


@pytest.fixture
def csrf_app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_one_click_unsubscribe_needs_no_login_and_no_form_token(csrf_app_config, app, client):
    user = f.StaffFactory(notify_mode="immediate")
    token = notifications.unsubscribe_token(user)
    page = client.get(f"/unsubscribe/{token}").get_data(as_text=True)
    assert user.email in page and "Unsubscribe</button>" in page
    response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert db.session.get(User, user.id).notify_mode == "off"
    assert client.post("/unsubscribe/forged-token").status_code == 400
    # other forms still need their token: only this endpoint is exempt
    assert client.post("/auth/login", data={"email": user.email}).status_code == 400


def test_staff_choose_their_notifications(client, staff):
    response = client.post("/settings/notifications", data={"mode": "immediate"})
    assert response.status_code == 302
    assert db.session.get(User, staff.id).notify_mode == "immediate"


@pytest.fixture
def admin(auth):
    user = f.AdminFactory(email="admin@city.example")
    auth.login(user.email)
    return user


def test_admin_adds_a_rule_and_a_sensitive_country(client, admin):
    office = f.OfficeFactory(name="Detroit EDO")
    response = client.post(
        "/admin/routing",
        data={
            "name": "Auto makers",
            "naics_prefix": "3361",
            "target_office_id": office.id,
            "city_id": 0,
        },
    )
    assert response.status_code == 302
    assert "Auto makers" in client.get("/admin/routing").get_data(as_text=True)
    bad = client.post(
        "/admin/routing",
        data={"name": "x", "naics_prefix": "3", "target_office_id": office.id, "city_id": 0},
    )
    assert "2 to 6 digits" in bad.get_data(as_text=True)
    client.post(
        "/admin/sensitivity",
        data={"country": "ru", "note": "Sanctions", "effective_from": "2024-01-01"},
    )
    assert "Russia" in client.get("/admin/sensitivity").get_data(as_text=True)


def test_admin_sees_backlog_ages_flagged_and_clears_with_a_rationale(client, admin):
    old = f.SuggestionFactory(routed_at=utcnow() - timedelta(days=4), flagged=True)
    html = client.get("/admin/queues").get_data(as_text=True)
    assert old.routed_office.name in html and "4 days" not in html, "the admin's turn first"
    assert old.profile.company.name in client.get("/admin/review").get_data(as_text=True)
    response = client.post(
        f"/suggestions/{old.id}/clear",
        data={"clear-version": old.version, "clear-note": "Reviewed: fine."},
    )
    assert response.status_code == 302
    assert db.session.get(Suggestion, old.id).flag_rationale == "Reviewed: fine."
    assert "0 days" in client.get("/admin/queues").get_data(as_text=True), "the office's turn"
    read_only = client.get(f"/admin/queues/{old.routed_office_id}").get_data(as_text=True)
    assert f"/suggestions/{old.id}" in read_only and "Decline selected" not in read_only


def test_audit_log_filters_and_exports_csv_safely(client, admin):
    staff = f.StaffFactory(email="ann@city.example")
    row = f.SuggestionFactory(
        priority=f.PriorityFactory(office=staff.office), profile__company__name="=HYPERLINK(1)"
    )
    review.decide_suggestion(
        db.session, row.id, staff, "decline", row.version, reason="other", note="-1+2"
    )
    html = client.get(f"/admin/audit?actor_id={staff.id}&status=declined").get_data(as_text=True)
    assert "<td>ann@city.example</td>" in html and "Other: -1+2" in html
    accepted = client.get("/admin/audit?status=accepted").get_data(as_text=True)
    assert "<td>ann@city.example</td>" not in accepted and "No event matches" in accepted
    response = client.get(f"/admin/audit.csv?actor_id={staff.id}")
    assert response.mimetype == "text/csv"
    [header, line] = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[0] == "at_utc"
    assert line[4] == "'=HYPERLINK(1)" and line[8] == "Other: -1+2"
    assert [safe_cell(v) for v in ("-1", "+1", "@x", "a=b", None)] == [
        "'-1",
        "'+1",
        "'@x",
        "a=b",
        "",
    ]


def test_a_flagged_undecided_suggestion_shows_the_admin_the_clear_form(client, auth):
    row = f.SuggestionFactory(flagged=True)
    member = f.StaffFactory(office=row.routed_office, email="flagstaff@city.example")
    f.AdminFactory(email="flagadmin@city.example")
    auth.login("flagadmin@city.example")
    response = client.get(f"/suggestions/{row.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'action="/suggestions/{row.id}/clear"' in html and "Clear for the office" in html
    assert 'name="clear-note"' in html and 'name="decline-note"' in html
    assert "Decline as sensitive" in html
    auth.logout()
    auth.login(member.email)
    staff_page = client.get(f"/suggestions/{row.id}")
    assert staff_page.status_code == 200
    staff_html = staff_page.get_data(as_text=True)
    assert "an admin must decide before your office can act" in staff_html
    assert f'action="/suggestions/{row.id}/clear"' not in staff_html


def test_the_backlog_counts_only_what_the_office_can_see(client, admin):
    office = f.OfficeFactory(name="Backlog Office")
    priority = f.PriorityFactory(office=office)
    days = lambda n: utcnow() - timedelta(days=n)  # noqa: E731
    f.SuggestionFactory(priority=priority, routed_at=days(2))
    f.SuggestionFactory(priority=priority, routed_at=days(3), flagged=True, flag_rationale="Fine.")
    f.SuggestionFactory(priority=priority, routed_at=days(6), flagged=True)  # the admin's turn
    f.SuggestionFactory(priority=priority, routed_at=days(8), flagged=True, status="in_review")
    [entry] = [b for b in oversight.backlog_by_office(db.session) if b.office.id == office.id]
    assert (entry.waiting, entry.in_review, entry.age_days) == (2, 0, 3)
    html = client.get("/admin/queues").get_data(as_text=True)
    assert "3 days" in html and "6 days" not in html
