"""Two steps of an introduction's life: the office withdraws a request the company has not
answered (an event, a version check, the company told, the suggestion back in review), and
closing an introduction calls off its planned engagements with the iCalendar CANCEL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Engagement, IntroductionEvent, Suggestion, utcnow
from matchmaker.services.errors import Conflict, InvalidTransition
from matchmaker.services.introductions import engagements, milestones, outcomes
from matchmaker.services.introductions.engagement_input import EngagementInput
from matchmaker.services.introductions.transitions import transition
from tests import factories as f


@pytest.fixture
def case():
    office = f.OfficeFactory(name="Boston Global")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    mia = f.CompanyMemberFactory(company=company, name="Mia Member", email="mia@fan.example")
    intro = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=office, title="Stadium pilots"),
        suggestion__profile=f.ProfileFactory(company=company),
    )
    return intro, ana, mia


def _last_event(intro) -> IntroductionEvent:
    return db.session.scalars(
        select(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == intro.id)
        .order_by(IntroductionEvent.id.desc())
    ).first()


def test_the_office_withdraws_a_pending_request(app, case, mailbox):
    intro, ana, mia = case
    transition(db.session, intro.id, ana, "withdraw", intro.version, "Priority on hold")
    assert intro.stage == "withdrawn"
    event = _last_event(intro)
    assert (event.from_stage, event.to_stage, event.reason) == (
        "requested",
        "withdrawn",
        "Priority on hold",
    )
    assert db.session.get(Suggestion, intro.suggestion_id).status == "in_review"
    # the metrics' milestones: the office had accepted (step 1), as the events say
    assert (intro.reached_step, intro.introduced_at) == (1, None)
    milestones.backfill(db.session)
    assert (intro.reached_step, intro.introduced_at) == (1, None)
    (notice,) = mailbox.to("mia@fan.example")
    assert "Boston Global withdrew its introduction request" in " ".join(
        str(notice["Subject"]).split()
    )


def test_withdrawing_is_version_checked_and_only_for_a_pending_request(app, case):
    intro, ana, mia = case
    seen = intro.version
    transition(db.session, intro.id, mia, "accept", seen)
    with pytest.raises(Conflict, match="Mia Member got there first"):
        transition(db.session, intro.id, ana, "withdraw", seen)
    with pytest.raises(InvalidTransition, match="cannot be withdrawn"):
        transition(db.session, intro.id, ana, "withdraw", intro.version)
    assert intro.stage == "introduced"


def test_the_company_cannot_withdraw_the_offices_request(app, case):
    intro, ana, mia = case
    with pytest.raises(InvalidTransition):
        transition(db.session, intro.id, mia, "withdraw", intro.version)
    assert intro.stage == "requested"


def test_closing_cancels_the_planned_engagements_with_icalendar_cancel(app, case, mailbox):
    intro, ana, mia = case
    intro.stage = "engaged"
    db.session.commit()
    start = (utcnow() + timedelta(days=20)).replace(tzinfo=None, second=0, microsecond=0)
    data = EngagementInput(
        kind="meeting",
        mode="virtual",
        local_start=datetime(start.year, start.month, start.day, 10, 0),
        time_zone="Europe/Berlin",
        duration_minutes=60,
        meeting_link="https://meet.example.org/fan",
        staff_ids=[ana.id],
        member_ids=[mia.id],
    )
    planned = engagements.plan_engagement(db.session, intro.id, ana, data)
    done = f.EngagementFactory(introduction=intro, status="happened")
    mailbox.messages.clear()
    outcomes.close_introduction(db.session, intro.id, ana, "They moved to Lisbon", intro.version)
    assert intro.stage == "closed"
    db.session.refresh(planned)
    assert planned.status == "cancelled" and planned.sequence == 1
    assert db.session.get(Engagement, done.id).status == "happened"
    part = next(
        p
        for p in mailbox.to("mia@fan.example")[-1].walk()
        if p.get_content_type() == "text/calendar"
    )
    cal = Calendar.from_ical(part.get_payload(decode=True))
    assert cal["METHOD"] == "CANCEL" and cal.events[0]["UID"] == planned.uid
    assert cal.events[0]["SEQUENCE"] == 1
    assert "1 planned engagement(s) cancelled" in _last_event(intro).reason
