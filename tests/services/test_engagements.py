"""Engagements: planning (with .ics invitations through the outbox), logging, editing with a
version check, cancelling, the result and both sides' ratings, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from icalendar import Calendar
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Engagement, IntroductionEvent, OutboxEmail, utcnow
from matchmaker.services.errors import Conflict, InvalidTransition, NotFound
from matchmaker.services.introductions import engagements as service
from matchmaker.services.introductions.engagement_input import (
    EngagementInput,
    InvalidEngagement,
    ResultInput,
)
from tests import factories as f

NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def case():
    """An introduction the company accepted, its office's staff member, the company's member,
    and another office's staff member."""
    office = f.OfficeFactory(name="Boston Global")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    mia = f.CompanyMemberFactory(company=company, name="Mia Member", email="mia@fan.example")
    intro = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=office),
        suggestion__profile=f.ProfileFactory(company=company),
        stage="introduced",
    )
    return intro, ana, mia, f.StaffFactory(name="Other Staff")


def _hybrid(ana, mia, **changes) -> EngagementInput:
    values = {
        "kind": "meeting",
        "mode": "hybrid",
        "local_start": datetime(2030, 6, 3, 10, 0),
        "time_zone": "Europe/Berlin",
        "duration_minutes": 90,
        "location": "Stadium district office, room 4",
        "meeting_link": "https://meet.example.org/fan",
        "agenda": "Pilot scope and dates",
        "notes": "Internal: they want a discount",
        "staff_ids": [ana.id],
        "member_ids": [mia.id],
        "guests": "Gus Guest <gus@guest.example>\nA name without an address",
    }
    return EngagementInput(**{**values, **changes})


def _plan(case, **changes) -> Engagement:
    intro, ana, mia, _ = case
    return service.plan_engagement(db.session, intro.id, ana, _hybrid(ana, mia, **changes), NOW)


def _calendar(message) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    return Calendar.from_ical(part.get_payload(decode=True))


def _subject(message) -> str:
    return " ".join(str(message["Subject"]).split())  # unfolded


def _events(intro) -> list[tuple]:
    rows = db.session.scalars(
        select(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == intro.id)
        .order_by(IntroductionEvent.id)
    )
    return [(e.from_stage, e.to_stage, e.reason) for e in rows]


def test_the_first_planned_engagement_moves_the_introduction_to_engaged(app, case):
    intro, *_ = case
    engagement = _plan(case)
    assert engagement.status == "planned" and intro.stage == "engaged"
    assert engagement.starts_at == datetime(2030, 6, 3, 8, 0, tzinfo=engagement.starts_at.tzinfo)
    ((_from, to, reason),) = _events(intro)
    assert (_from, to) == ("introduced", "engaged")
    assert "first engagement planned: Meeting (hybrid), 2030-06-03 10:00 Europe/Berlin" in reason
    second = _plan(case, local_start=datetime(2030, 6, 10, 10, 0))
    assert _events(intro)[-1][:2] == ("engaged", "engaged") and second.uid != engagement.uid


def test_the_invitation_reaches_every_participant_with_an_ics_through_smtp(app, case, mailbox):
    engagement = _plan(case)
    for address in ("ana@edo.example", "mia@fan.example", "gus@guest.example"):
        (message,) = mailbox.to(address)
        assert _subject(message).startswith("Invitation: Meeting Boston Global and Fan GmbH")
        cal = _calendar(message)
        (event,) = cal.events
        assert cal["METHOD"] == "REQUEST" and event["UID"] == engagement.uid
        assert event.get("DTSTART").params["TZID"] == "Europe/Berlin"
        assert event.start == datetime(2030, 6, 3, 10, 0, tzinfo=event.start.tzinfo)
        assert str(event.start.tzinfo) == "Europe/Berlin"
        assert [tz["TZID"] for tz in cal.timezones] == ["Europe/Berlin"]
        assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
        assert "Internal" not in message.as_string()  # notes are staff-only
    stored = db.session.scalars(select(OutboxEmail)).first()
    assert stored.attachments[0]["content_type"].startswith("text/calendar; method=REQUEST")


def test_an_update_raises_the_sequence_and_keeps_the_uid(app, case, mailbox):
    intro, ana, mia, _ = case
    engagement = _plan(case)
    mailbox.messages.clear()
    service.update_engagement(
        db.session,
        engagement.id,
        ana,
        _hybrid(ana, mia, local_start=datetime(2030, 6, 4, 15, 30), guests=""),
        engagement.version,
        NOW,
    )
    (update,) = mailbox.to("mia@fan.example")
    event = _calendar(update).events[0]
    assert event["UID"] == engagement.uid and event["SEQUENCE"] == 1
    assert event.start.hour == 15 and _subject(update).startswith("Updated:")
    (dropped,) = mailbox.to("gus@guest.example")  # taken off the guest list: removed for him
    assert _calendar(dropped)["METHOD"] == "CANCEL"


def test_cancelling_sends_method_cancel_with_the_same_uid(app, case, mailbox):
    intro, ana, *_ = case
    engagement = _plan(case)
    mailbox.messages.clear()
    service.cancel_engagement(db.session, engagement.id, ana, engagement.version, NOW)
    cal = _calendar(mailbox.to("mia@fan.example")[0])
    event = cal.events[0]
    assert cal["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == engagement.uid and event["SEQUENCE"] == 1
    assert engagement.status == "cancelled" and "engagement cancelled" in _events(intro)[-1][2]
    with pytest.raises(InvalidTransition):
        service.cancel_engagement(db.session, engagement.id, ana, engagement.version, NOW)


def test_a_planned_engagement_in_the_past_is_refused_and_nothing_changes(app, case, mailbox):
    intro, *_ = case
    with pytest.raises(InvalidEngagement, match="is in the past") as refused:
        _plan(case, local_start=datetime(2030, 3, 1, 9, 0))
    assert refused.value.field == "start"
    assert intro.stage == "introduced" and not db.session.scalars(select(Engagement)).all()
    assert not db.session.scalars(select(OutboxEmail)).all()


def test_a_past_engagement_can_be_logged_without_invitations(app, case, mailbox):
    intro, *_ = case
    engagement = _plan(case, local_start=datetime(2030, 2, 1, 9, 0), already_happened=True)
    assert engagement.status == "happened" and intro.stage == "engaged"
    assert not db.session.scalars(select(OutboxEmail)).all()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mode": "virtual", "meeting_link": ""}, "meeting_link"),
        ({"mode": "in_person", "location": ""}, "location"),
        ({"meeting_link": "http://insecure.example"}, "meeting_link"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_engagement_input_is_refused_with_its_field(app, case, changes, field):
    with pytest.raises(InvalidEngagement) as refused:
        _plan(case, **changes)
    assert refused.value.field == field
    assert not db.session.scalars(select(Engagement)).all()


def test_participants_must_belong_to_the_two_sides(app, case):
    intro, ana, mia, other = case
    with pytest.raises(InvalidEngagement):
        _plan(case, staff_ids=[other.id])


def test_a_request_not_yet_accepted_has_no_engagements(app, case):
    intro, *_ = case
    intro.stage = "requested"
    db.session.commit()
    with pytest.raises(InvalidTransition, match="once the company accepted"):
        _plan(case)


def test_another_tenant_gets_not_found(app, case):
    intro, ana, mia, other = case
    with pytest.raises(NotFound):
        service.plan_engagement(db.session, intro.id, other, _hybrid(ana, mia), NOW)
    engagement = _plan(case)
    with pytest.raises(NotFound):
        service.cancel_engagement(db.session, engagement.id, other, engagement.version, NOW)
    with pytest.raises(NotFound):
        service.rate_as_company(db.session, engagement.id, f.CompanyMemberFactory(), 5, 1, NOW)


def test_a_stale_edit_is_a_conflict_naming_who_changed_it(app, case):
    intro, ana, mia, _ = case
    engagement = _plan(case)
    seen = engagement.version
    service.update_engagement(db.session, engagement.id, ana, _hybrid(ana, mia), seen, NOW)
    with pytest.raises(Conflict, match="Ana Alvarez changed this engagement"):
        service.cancel_engagement(db.session, engagement.id, ana, seen, NOW)
    assert engagement.status == "planned"


def _after(engagement) -> datetime:
    return engagement.starts_at + timedelta(hours=3)


def test_the_result_is_recorded_after_the_date_and_the_company_rates_once(app, case):
    intro, ana, mia, _ = case
    engagement = _plan(case)
    result = ResultInput("happened", 4, "Send the pilot draft", Decimal("6.5"))
    with pytest.raises(InvalidEngagement, match="after the engagement's time"):
        service.record_result(db.session, engagement.id, ana, result, engagement.version, NOW)
    service.record_result(
        db.session, engagement.id, ana, result, engagement.version, _after(engagement)
    )
    assert (engagement.status, engagement.office_rating, engagement.staff_hours) == (
        "happened",
        4,
        Decimal("6.50"),
    )
    with pytest.raises(InvalidEngagement, match="1 to 5"):
        service.rate_as_company(db.session, engagement.id, mia, 6, engagement.version)
    with pytest.raises(InvalidTransition, match="other side"):
        service.rate_as_company(db.session, engagement.id, ana, 5, engagement.version)
    service.rate_as_company(db.session, engagement.id, mia, 5, engagement.version)
    assert engagement.company_rating == 5 and engagement.company_rated_by_id == mia.id
    with pytest.raises(InvalidTransition, match="rated this engagement already"):
        service.rate_as_company(db.session, engagement.id, mia, 3, engagement.version)
    assert "the company rated the engagement 5/5" in _events(intro)[-1][2]


@pytest.mark.parametrize(
    ("result", "field"),
    [
        (ResultInput("planned"), "status"),
        (ResultInput("happened", office_rating=0), "office_rating"),
        (ResultInput("happened", staff_hours=Decimal("-1")), "staff_hours"),
    ],
)
def test_a_bad_result_is_refused(app, case, result, field):
    intro, ana, *_ = case
    engagement = _plan(case)
    with pytest.raises(InvalidEngagement) as refused:
        service.record_result(
            db.session, engagement.id, ana, result, engagement.version, _after(engagement)
        )
    assert refused.value.field == field and engagement.status == "planned"


def test_a_no_show_cannot_be_rated_by_the_company(app, case):
    intro, ana, mia, _ = case
    engagement = _plan(case)
    service.record_result(
        db.session, engagement.id, ana, ResultInput("no_show"), 1, _after(engagement)
    )
    with pytest.raises(InvalidTransition, match="took place"):
        service.rate_as_company(db.session, engagement.id, mia, 2, engagement.version)


def test_now_is_the_default_clock(app, case):
    """Without `now` the real clock decides: a time a year ahead is planned."""
    intro, ana, mia, _ = case
    ahead = (utcnow() + timedelta(days=365)).replace(tzinfo=None)
    engagement = service.plan_engagement(
        db.session, intro.id, ana, _hybrid(ana, mia, local_start=ahead, time_zone="UTC")
    )
    assert engagement.status == "planned"
