"""Staff plan a hybrid meeting on an accepted introduction (the company member receives the
calendar invitation); once it is over staff record the result and the company rates it."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from playwright.sync_api import expect
from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.orm import Engagement, utcnow
from tests import factories as f
from tests.e2e.browser import log_in


def test_plan_a_hybrid_meeting_record_its_result_and_the_company_rates_it(
    live_server, page, mailbox
):
    office = f.OfficeFactory(name="Boston Global Partnerships")
    f.StaffFactory(office=office, email="nia@edo.example", name="Nia Staff")
    company = f.CompanyFactory(name="Fan Engagement GmbH")
    f.CompanyMemberFactory(company=company, email="mia@fan.example", name="Mia Member")
    intro_id = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=office, title="Stadium pilots"),
        suggestion__profile=f.ProfileFactory(company=company),
        stage="introduced",
    ).id
    day = (utcnow() + timedelta(days=20)).date().isoformat()

    log_in(page, live_server.url, "nia@edo.example")
    page.get_by_role("link", name="Introductions", exact=True).click()
    page.get_by_role("link", name="Fan Engagement GmbH").click()
    page.get_by_role("link", name="Plan or log an engagement").click()
    page.get_by_label("Kind").select_option("meeting")
    page.get_by_label("Mode").select_option("hybrid")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Place", exact=True).fill("Stadium district office")
    page.get_by_label("Meeting link").fill("https://meet.example.org/fan")
    page.get_by_label("Mia Member").check()
    page.get_by_label("Agenda").fill("Pilot scope")
    page.get_by_label("Internal notes (office only)").fill("Budget ceiling 50k")
    page.get_by_role("button", name="Save the engagement").click()
    expect(page.get_by_text("Engagement saved.")).to_be_visible()
    expect(page.locator("ul.engagements")).to_contain_text("Meeting (hybrid)")
    expect(page.locator("ul.engagements")).to_contain_text(f"{day} 10:00 Europe/Berlin")

    invitation = mailbox.wait_for("mia@fan.example")[-1]
    part = next(p for p in invitation.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).events[0]
    assert str(event.start.tzinfo) == "Europe/Berlin" and event.start.hour == 10

    # The meeting is over: move it into the past (one short write, then the browser goes on);
    # a fresh transaction, as SQLite refuses to upgrade an old reader's snapshot to a writer.
    db.session.rollback()
    db.session.execute(
        update(Engagement)
        .where(Engagement.introduction_id == intro_id)
        .values(starts_at=utcnow() - timedelta(hours=2))
    )
    db.session.commit()
    page.reload()
    page.get_by_role("link", name="Record the result").click()
    page.get_by_label("Happened").check()
    page.get_by_label("Your rating").select_option("4")
    page.get_by_label("Next steps").fill("Send the MOU draft")
    page.get_by_label("Staff hours spent").fill("3.5")
    page.get_by_role("button", name="Record the result").click()
    expect(page.get_by_text("Result recorded.")).to_be_visible()
    expect(page.locator("ul.engagements")).to_contain_text("Send the MOU draft")
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server.url, "mia@fan.example")
    page.goto(f"{live_server.url}/company/introductions/{intro_id}")
    engagements = page.locator("ul.engagements")
    expect(engagements).to_contain_text("Send the MOU draft")
    expect(engagements).not_to_contain_text("Budget ceiling 50k")
    page.locator("input[name=rating][value='5']").check()
    page.get_by_role("button", name="Send your rating").click()
    expect(page.get_by_text("Thank you: your rating is recorded.")).to_be_visible()
    expect(engagements).to_contain_text("Company rating")
    expect(page.get_by_role("button", name="Send your rating")).to_have_count(0)
