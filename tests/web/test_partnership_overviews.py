"""Where introductions show (issue 10, point 5): the suggestion page sums up the introduction made
from it, the office dashboard counts introductions by stage, the company page lists the company's
introductions, engagements to come and agreements to sign (never another company's), and the
admins' introduction log carries the engagement events too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.orm import utcnow
from tests import factories as f


@pytest.fixture
def case(app):
    office = f.OfficeFactory(name="Boston Global")
    f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    fan = f.CompanyFactory(name="Fan GmbH")
    f.CompanyMemberFactory(company=fan, email="mia@fan.example")
    other = f.CompanyFactory(name="Other AG")
    f.CompanyMemberFactory(company=other, email="olga@other.example")
    intro = f.IntroductionFactory(
        stage="agreement_drafted",
        suggestion__priority=f.PriorityFactory(office=office, title="Stadium pilots"),
        suggestion__profile=f.ProfileFactory(company=fan),
    )
    f.EngagementFactory(introduction=intro, starts_at=utcnow() - timedelta(days=3))
    f.EngagementFactory(
        introduction=intro, kind="site_visit", starts_at=utcnow() + timedelta(days=2)
    )
    agreement = f.AgreementFactory(introduction=intro, title="Stadium pilot MOU")
    f.SignatoryFactory(agreement=agreement, name="Ben Boss", email="ben@fan.example")
    draft = f.AgreementFactory(introduction=intro, title="Draft side letter", status="draft")
    # Another company's introduction with the same office: Fan GmbH must never see it.
    f.IntroductionFactory(
        stage="requested",
        suggestion__priority=f.PriorityFactory(office=office, title="Harbour logistics"),
        suggestion__profile=f.ProfileFactory(company=other),
    )
    db.session.commit()
    return intro, agreement, draft


def _html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_the_suggestion_page_sums_up_its_introduction(client, auth, case):
    intro, agreement, draft = case
    auth.login("ana@edo.example")
    html = _html(client, f"/suggestions/{intro.suggestion_id}")
    section = html.split('id="intros-h"')[1].split('id="history-h"')[0]
    assert f"/introductions/{intro.id}" in section and "Agreement drafted" in section
    row = section.split("<tbody>")[1].split("</tbody>")[0]
    assert "<td>2</td>" in row and "Site visit (hybrid)" in row
    assert f"/agreements/{agreement.id}" in section and agreement.document.sha256 in section
    assert "Signing" in section and "Draft side letter" in section  # the office sees its drafts


def test_the_office_dashboard_counts_introductions_by_stage(client, auth, case):
    auth.login("ana@edo.example")
    html = _html(client, "/dashboard")
    section = html.split('id="stages-h"')[1].split("</section>")[0]
    assert "/introductions?stage=agreement_drafted" in section
    assert "Agreement drafted: 1" in section and "Waiting for the company: 1" in section
    assert "Site visit with Fan GmbH" in html  # this week's engagements, when it falls in it


def test_the_company_page_shows_its_introductions_engagements_and_agreements_to_sign(
    client, auth, case
):
    intro, agreement, draft = case
    auth.login("mia@fan.example")
    html = _html(client, "/company")
    assert "/company/introductions?stage=agreement_drafted" in html
    assert "Agreement drafted: 1" in html and "Waiting for the company" not in html
    upcoming = html.split('id="company-engagements-h"')[1].split("</section>")[0]
    assert "Site visit with Boston Global" in upcoming and "Meeting" not in upcoming  # past
    to_sign = html.split('id="to-sign-h"')[1].split("</section>")[0]
    assert "Stadium pilot MOU" in to_sign and agreement.document.sha256 in to_sign
    assert "Still to sign: Ben Boss" in to_sign
    assert "Draft side letter" not in html and "Internal note" not in html


def test_another_company_sees_none_of_it(client, auth, case):
    auth.login("olga@other.example")
    html = _html(client, "/company")
    assert "Waiting for the company: 1" in html
    assert "Stadium pilot MOU" not in html and "Boston Global" not in html.split("to-sign-h")[1]
    assert "No engagement planned." in html and "No agreement waiting for signatures." in html


def test_the_admins_log_lists_engagement_events_with_csv(client, auth, case):
    intro, *_ = case
    auth.login("ana@edo.example")
    day = (utcnow() + timedelta(days=10)).date().isoformat()
    form = {
        "timing": "plan",
        "kind": "call",
        "mode": "virtual",
        "day": day,
        "start": "10:00",
        "time_zone": "Europe/Berlin",
        "duration_minutes": "30",
        "meeting_link": "https://meet.example.org/x",
        "agenda": "Kick-off",
    }
    response = client.post(f"/introductions/{intro.id}/engagements/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    auth.logout()
    f.AdminFactory(email="root@example.org")
    auth.login("root@example.org")
    csv = client.get("/admin/introduction-events.csv").get_data(as_text=True)
    line = next(x for x in csv.splitlines() if "ana@edo.example" in x)
    assert "Fan GmbH" in line and "engagement planned: Call (virtual)" in line


def test_staff_withdraw_a_pending_request_from_its_page(client, auth, case):
    from sqlalchemy import select

    from matchmaker.orm import Introduction

    pending = db.session.scalars(
        select(Introduction).where(Introduction.stage == "requested")
    ).one()
    auth.login("ana@edo.example")
    html = _html(client, f"/introductions/{pending.id}")
    assert f"/introductions/{pending.id}/withdraw" in html
    response = client.post(
        f"/introductions/{pending.id}/withdraw",
        data={"version": pending.version, "reason": "x" * 1001},
    )
    assert "Field cannot be longer than 1000 characters" in response.get_data(as_text=True)
    stale = pending.version
    response = client.post(
        f"/introductions/{pending.id}/withdraw", data={"version": stale}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Request withdrawn" in page and "Withdrawn by the office" in page
    again = client.post(f"/introductions/{pending.id}/withdraw", data={"version": stale})
    assert again.status_code == 409
