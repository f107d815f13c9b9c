"""Staff emails about newly routed suggestions: immediate (one per staff member per ranking run),
the daily digest, and the one-click unsubscribe every email carries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import OutboxEmail, User, utcnow
from matchmaker.services.mail import deliver_outbox
from matchmaker.services.matching import ranking
from matchmaker.services.review import decisions as review
from matchmaker.services.review import notifications
from tests import factories as f

SPORTS = "Fan engagement software for stadium pilots with sports teams and venue sponsorship."


@pytest.fixture
def office_staff():
    """An office with a sports priority and three staff members, one per notification setting."""
    priority = f.PriorityFactory(
        title="Stadium pilots", description="Pilot fan engagement technology at our stadium."
    )
    office = priority.office
    people = {
        mode: f.StaffFactory(office=office, email=f"{mode}@city.example", notify_mode=mode)
        for mode in notifications.MODES
    }
    return priority, people


def test_a_ranking_run_sends_one_immediate_email_per_staff_member(app, mailbox, office_staff):
    priority, _people = office_staff
    for n in range(3):
        f.ProfileFactory(interests=SPORTS, company__description=SPORTS, company__name=f"Fan Co {n}")
    ranking.rank_priority_now(db.session, priority.id)
    [message] = mailbox.to("immediate@city.example")
    assert message["Subject"] == f"3 new suggestions for {priority.office.name}"
    body = message.get_payload(decode=True).decode()
    assert body.count("/suggestions/") == 3 and "Fan Co 0" in body and "Stadium pilots" in body
    assert message["List-Unsubscribe"].strip().startswith("<http://localhost/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not mailbox.to("daily@city.example") and not mailbox.to("off@city.example")
    ranking.rank_priority_now(db.session, priority.id)  # nothing new: no email
    assert len(mailbox.to("immediate@city.example")) == 1


def test_the_daily_digest_lists_what_arrived_since_the_last_one(app, mailbox, office_staff):
    priority, people = office_staff
    old = f.SuggestionFactory(priority=priority, routed_at=utcnow() - timedelta(days=3))
    new = f.SuggestionFactory(priority=priority, score=0.9, profile__company__name="Fresh GmbH")
    f.SuggestionFactory(priority=priority, status="declined", profile__company__name="Gone Ltd")
    elsewhere = f.SuggestionFactory(profile__company__name="Elsewhere Inc")
    assert notifications.send_digests(db.session) == 1
    deliver_outbox()
    [message] = mailbox.to("daily@city.example")
    assert message["Subject"].startswith("Daily digest: 1 new suggestion for")
    body = message.get_payload(decode=True).decode()
    assert "Fresh GmbH" in body and f"/suggestions/{new.id}" in body
    assert f"/suggestions/{old.id}" not in body and "Gone Ltd" not in body
    assert elsewhere.profile.company.name not in body
    assert "/unsubscribe/" in body and "/settings/notifications" in body
    assert notifications.send_digests(db.session) == 0, "at most one digest a day"
    later = utcnow() + timedelta(days=1)
    f.SuggestionFactory(priority=priority, routed_at=later - timedelta(hours=1))
    assert notifications.send_digests(db.session, now=later) == 1


def test_send_digests_command_wakes_snoozed_and_sends(app, runner, mailbox, office_staff):
    priority, _people = office_staff
    f.SuggestionFactory(priority=priority)
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "queued 1 digest(s)" in result.output
    assert len(mailbox.to("daily@city.example")) == 1


def test_unsubscribe_token_turns_email_off_and_a_forged_one_is_refused(app, office_staff):
    _priority, people = office_staff
    user = people["daily"]
    token = notifications.unsubscribe_token(user)
    assert notifications.unsubscribe_user(db.session, token).notify_mode == "off"
    assert notifications.unsubscribe_user(db.session, token).notify_mode == "off"  # idempotent
    from matchmaker.tokens import InvalidToken

    with pytest.raises(InvalidToken):
        notifications.unsubscribe_user(db.session, token[:-2] + "xx")


def test_notification_setting_is_saved(app, office_staff):
    _priority, people = office_staff
    notifications.set_mode(db.session, people["off"].id, "immediate")
    assert db.session.scalar(select(User.notify_mode).where(User.id == people["off"].id)) == (
        "immediate"
    )
    with pytest.raises(notifications.InvalidMode):
        notifications.set_mode(db.session, people["off"].id, "hourly")
    assert db.session.scalar(select(OutboxEmail.id)) is None


def test_a_suggestion_cleared_by_an_admin_is_in_the_next_digest(app, mailbox, office_staff):
    priority, _people = office_staff
    admin = f.AdminFactory()
    row = f.SuggestionFactory(
        priority=priority,
        flagged=True,
        routed_at=utcnow() - timedelta(days=3),
        profile__company__name="Kazan Robotics",
    )
    assert notifications.send_digests(db.session) == 0, "flagged: the office cannot act yet"
    review.decide_suggestion(
        db.session, row.id, admin, "clear", row.version, note="Civil use only; approved."
    )
    assert (utcnow() - row.routed_at).total_seconds() < 60, "its age counts from the clearing"
    [immediate] = mailbox.to("immediate@city.example")
    assert f"/suggestions/{row.id}" in immediate.get_payload(decode=True).decode()
    later = utcnow() + timedelta(days=1)
    assert notifications.send_digests(db.session, now=later) == 1
    deliver_outbox()
    [digest] = mailbox.to("daily@city.example")
    assert digest["Subject"].startswith("Daily digest: 1 new suggestion for")
    body = digest.get_payload(decode=True).decode()
    assert "Kazan Robotics" in body and f"/suggestions/{row.id}" in body


def test_a_run_routing_more_rows_than_one_query_binds_is_told_best_first(app, monkeypatch):
    # A full re-rank routes 10^5 suggestions; PostgreSQL binds at most 65,535 ids per query.
    monkeypatch.setattr(notifications, "_IDS_PER_QUERY", 2)
    priority = f.PriorityFactory()
    rows = [f.SuggestionFactory(priority=priority, score=s) for s in (0.3, 0.9, 0.5, 0.7, 0.9)]
    db.session.commit()
    found = notifications._workable(db.session, [r.id for r in rows])
    assert [r.id for r in found] == [rows[1].id, rows[4].id, rows[3].id, rows[2].id, rows[0].id]
