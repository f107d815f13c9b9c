"""Engagement and partnership pages: planning through the form (errors next to the field), what
each side sees (the company never sees internal notes), the company's rating, the dashboard's
week and follow-ups, activation, closing and a follow-up's record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Engagement, FollowUp, utcnow
from tests import factories as f


@pytest.fixture
def case():
    office = f.OfficeFactory(name="Boston Global")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    mia = f.CompanyMemberFactory(company=company, name="Mia Member", email="mia@fan.example")
    intro = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=office),
        suggestion__profile=f.ProfileFactory(company=company),
        stage="introduced",
    )
    return intro, ana, mia


def _form(ana, mia, day) -> dict:
    return {
        "timing": "plan",
        "kind": "meeting",
        "mode": "hybrid",
        "day": day.isoformat(),
        "start": "10:00",
        "time_zone": "America/New_York",
        "duration_minutes": "60",
        "location": "City hall",
        "meeting_link": "https://meet.example.org/x",
        "staff_ids": [str(ana.id)],
        "member_ids": [str(mia.id)],
        "agenda": "Pilot sites",
        "notes": "Secret budget ceiling",
    }


def test_staff_plan_a_hybrid_meeting_and_the_company_sees_it_without_notes(
    app, client, auth, case, mailbox
):
    intro, ana, mia = case
    auth.login(ana.email)
    day = (utcnow() + timedelta(days=10)).date()
    response = client.post(f"/introductions/{intro.id}/engagements/new", data=_form(ana, mia, day))
    assert response.status_code == 302
    page = client.get(f"/introductions/{intro.id}").get_data(as_text=True)
    assert "Meeting (hybrid)" in page and "America/New_York" in page
    assert "Secret budget ceiling" in page and "Engaged" in page
    assert mailbox.to("mia@fan.example")
    auth.logout()
    auth.login(mia.email)
    page = client.get(f"/company/introductions/{intro.id}").get_data(as_text=True)
    assert "Meeting (hybrid)" in page and "Pilot sites" in page
    assert "Secret budget ceiling" not in page and "Staff hours" not in page


def test_a_past_time_is_refused_next_to_the_field(app, client, auth, case):
    intro, ana, mia = case
    auth.login(ana.email)
    day = (utcnow() - timedelta(days=2)).date()
    response = client.post(f"/introductions/{intro.id}/engagements/new", data=_form(ana, mia, day))
    assert response.status_code == 200
    assert "is in the past" in response.get_data(as_text=True)
    assert db.session.query(Engagement).count() == 0


def test_the_company_rates_a_meeting_that_took_place_once(app, client, auth, case):
    intro, ana, mia = case
    engagement = f.EngagementFactory(introduction=intro, status="happened")
    auth.login(mia.email)
    url = f"/company/engagements/{engagement.id}/rating"
    page = client.get(f"/company/introductions/{intro.id}").get_data(as_text=True)
    assert "Send your rating" in page and "Internal note for the office" not in page
    client.post(url, data={"rating": "4", "version": engagement.version})
    db.session.refresh(engagement)
    assert engagement.company_rating == 4
    response = client.post(url, data={"rating": "2", "version": engagement.version})
    follow = client.get(response.location).get_data(as_text=True)
    assert "rated this engagement already" in follow
    db.session.refresh(engagement)
    assert engagement.company_rating == 4


def test_staff_record_the_result_after_the_date(app, client, auth, case):
    intro, ana, _ = case
    engagement = f.EngagementFactory(introduction=intro)
    auth.login(ana.email)
    data = {"version": engagement.version, "status": "happened", "office_rating": "5"}
    data |= {"next_steps": "Draft an MOU", "staff_hours": "3.5"}
    assert client.post(f"/engagements/{engagement.id}/result", data=data).status_code == 302
    db.session.refresh(engagement)
    assert (engagement.status, engagement.office_rating, str(engagement.staff_hours)) == (
        "happened",
        5,
        "3.50",
    )


def test_a_stale_cancel_answers_409(app, client, auth, case):
    intro, ana, _ = case
    engagement = f.EngagementFactory(introduction=intro, starts_at=utcnow() + timedelta(days=3))
    auth.login(ana.email)
    url = f"/engagements/{engagement.id}/cancel"
    assert client.post(url, data={"version": engagement.version + 1}).status_code == 409
    assert client.post(url, data={"version": engagement.version}).status_code == 302
    db.session.refresh(engagement)
    assert engagement.status == "cancelled"


def test_the_dashboard_lists_this_weeks_engagements_and_follow_ups_due(app, client, auth, case):
    intro, ana, _ = case
    f.EngagementFactory(introduction=intro, starts_at=utcnow())
    f.FollowUpFactory(introduction=intro, due_on=utcnow().date() - timedelta(days=3))
    auth.login(ana.email)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Meeting with Fan GmbH" in page
    assert "6-month follow-up: Fan GmbH" in page and "overdue" in page


def test_activate_record_a_follow_up_and_close(app, client, auth, case):
    intro, ana, _ = case
    intro.stage = "agreement_signed"
    db.session.commit()
    auth.login(ana.email)
    data = {"version": intro.version, "kind": "pilot", "amount": "50000", "currency": "usd"}
    response = client.post(f"/introductions/{intro.id}/activate", data=data | {"currency": "ZZZ"})
    assert "not an ISO 4217 currency" in response.get_data(as_text=True)
    assert client.post(f"/introductions/{intro.id}/activate", data=data).status_code == 302
    page = client.get(f"/introductions/{intro.id}").get_data(as_text=True)
    assert "50,000.00 USD" in page and "6-month follow-up" in page
    follow_up = db.session.scalars(
        select(FollowUp).where(FollowUp.introduction_id == intro.id, FollowUp.months == 6)
    ).one()
    data = {"version": follow_up.version, "actual_amount": "42000", "actual_currency": "USD"}
    assert client.post(f"/follow-ups/{follow_up.id}", data=data).status_code == 302
    close = {"version": intro.version, "reason": "Pilot ended"}
    assert client.post(f"/introductions/{intro.id}/close", data=close).status_code == 302
    db.session.refresh(intro)
    assert (intro.stage, intro.close_reason) == ("closed", "Pilot ended")
