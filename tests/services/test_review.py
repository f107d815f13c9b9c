"""The review transitions: each action, each refusal, the version check, two people racing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import ReviewEvent, Suggestion, SuggestionStatus, User, utcnow
from matchmaker.services.errors import Conflict, InvalidTransition, NotFound
from matchmaker.services.review import bulk
from matchmaker.services.review import daily as review_daily
from matchmaker.services.review import decisions as review
from tests import factories as f

TODAY = utcnow().date()  # review dates are UTC dates, as everywhere else
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
def case():
    """A waiting suggestion of office A, two of its staff, and staff of office B."""
    row = f.SuggestionFactory()
    office = row.routed_office
    ana = f.StaffFactory(office=office, name="Ana Alvarez")
    ben = f.StaffFactory(office=office, name="Ben Brown")
    other = f.StaffFactory()
    return row, ana, ben, other


def _decide(row, actor, action, **details):
    return review.decide_suggestion(db.session, row.id, actor, action, row.version, **details)


def _last_event(row) -> ReviewEvent:
    return db.session.scalars(
        select(ReviewEvent).where(ReviewEvent.suggestion_id == row.id).order_by(ReviewEvent.id)
    ).all()[-1]


def test_claim_assigns_the_suggestion_and_records_the_event(app, case):
    row, ana, _ben, _other = case
    _decide(row, ana, "claim")
    assert (row.status, row.assigned_to_id, row.version) == ("in_review", ana.id, 2)
    event = _last_event(row)
    assert (event.actor_id, event.from_status, event.to_status) == (
        ana.id,
        "suggested",
        "in_review",
    )


def test_accept_decides_the_suggestion(app, case):
    row, ana, _ben, _other = case
    _decide(row, ana, "claim")
    _decide(row, ana, "accept", note="Strong fit for the stadium pilot.")
    assert row.status == "accepted" and row.decided_at is not None
    assert _last_event(row).reason == "Strong fit for the stadium pilot."


def test_decline_needs_a_reason_from_the_list_and_records_it(app, case):
    row, ana, _ben, _other = case
    with pytest.raises(review.InvalidDetails) as err:
        _decide(row, ana, "decline", reason="bored")
    assert err.value.field == "reason"
    with pytest.raises(review.InvalidDetails, match="Other"):
        _decide(row, ana, "decline", reason="other")
    _decide(row, ana, "decline", reason="not_a_fit", note="Too early stage.")
    assert (row.status, row.decline_reason) == ("declined", "not_a_fit")
    assert _last_event(row).reason == "Not a fit for the priority: Too early stage."


def test_snooze_needs_a_future_date_and_wakes_up_when_it_comes(app, case):
    row, ana, _ben, _other = case
    with pytest.raises(review.InvalidDetails):
        _decide(row, ana, "snooze", until=TODAY)
    _decide(row, ana, "snooze", until=TOMORROW)
    assert (row.status, row.snoozed_until) == ("snoozed", TOMORROW)
    assert review_daily.wake_snoozed(db.session, TODAY) == 0
    assert review_daily.wake_snoozed(db.session, TOMORROW) == 1
    assert review_daily.wake_snoozed(db.session, TOMORROW) == 0, "waking is idempotent"
    db.session.refresh(row)
    assert (row.status, row.snoozed_until) == ("suggested", None)
    assert _last_event(row).reason == "snooze ended"


def test_reassign_hands_the_suggestion_to_another_office_with_a_note(app, case):
    row, ana, _ben, other = case
    with pytest.raises(review.InvalidDetails):
        _decide(row, ana, "reassign", office_id=other.office_id)  # no note
    with pytest.raises(review.InvalidDetails):
        _decide(row, ana, "reassign", office_id=row.routed_office_id, note="Same office")
    _decide(row, ana, "claim")
    _decide(row, ana, "reassign", office_id=other.office_id, note="Your sector, not ours.")
    assert (row.status, row.routed_office_id, row.assigned_to_id) == (
        "suggested",
        other.office_id,
        None,
    )
    assert "Your sector, not ours." in _last_event(row).reason
    with pytest.raises(NotFound):  # it left office A's queue
        _decide(row, ana, "accept")
    _decide(row, other, "accept")


def test_refusals_wrong_state_other_office_unknown_action(app, case):
    row, ana, _ben, other = case
    with pytest.raises(NotFound):
        _decide(row, other, "claim")
    with pytest.raises(InvalidTransition):
        _decide(row, ana, "launch")
    with pytest.raises(InvalidTransition):
        _decide(row, ana, "clear", note="Staff cannot clear flags.")
    _decide(row, ana, "decline", reason="duplicate")
    for action, details in [
        ("claim", {}),
        ("accept", {}),
        ("snooze", {"until": TOMORROW}),
        ("decline", {"reason": "not_a_fit"}),
    ]:
        with pytest.raises(InvalidTransition, match="declined"):
            _decide(row, ana, action, **details)
    assert len(row.events) == 1, "a refusal writes nothing"


def test_an_old_version_is_refused_with_who_decided_and_when(app, case):
    row, ana, ben, _other = case
    seen = row.version
    _decide(row, ana, "accept")
    with pytest.raises(Conflict, match="Ana Alvarez got there first") as err:
        review.decide_suggestion(db.session, row.id, ben, "decline", seen, reason="not_a_fit")
    assert "accepted" in str(err.value) and "UTC" in str(err.value)


def test_bulk_decline_declines_each_and_reports_the_ones_already_decided(app, case):
    row, ana, ben, _other = case
    second = f.SuggestionFactory(priority=row.priority, routed_office=row.routed_office)
    stale = (row.id, row.version)
    _decide(row, ben, "accept")
    outcome = bulk.bulk_decline(db.session, ana, [stale, (second.id, second.version)], "not_a_fit")
    assert outcome.declined == 1 and "Ben Brown" in outcome.refused[0]
    assert db.session.get(Suggestion, second.id).status == "declined"
    with pytest.raises(review.InvalidDetails):
        bulk.bulk_decline(db.session, ana, [], "not_a_fit")


def test_two_people_acting_at_once_exactly_one_wins(app, case):
    """Two sessions, each in its own thread and connection, act on the same version."""
    row, ana, ben, _other = case
    ident, version, ana_id, ben_id = row.id, row.version, ana.id, ben.id
    db.session.commit()  # from here on this thread touches no ORM object until the race is over
    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def act(user_id: int, action: str, **details) -> None:
        with app.app_context():
            actor = db.session.get(User, user_id)
            db.session.commit()  # hold no transaction (on SQLite, no write lock) at the barrier
            barrier.wait()
            try:
                review.decide_suggestion(db.session, ident, actor, action, version, **details)
                results[action] = "ok"
            except Conflict as exc:
                results[action] = exc
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=act, args=(ana_id, "accept")),
        threading.Thread(target=act, args=(ben_id, "decline"), kwargs={"reason": "not_a_fit"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(map(str, results)) == ["accept", "decline"]
    winners = [a for a, r in results.items() if r == "ok"]
    assert len(winners) == 1, results
    loser = next(r for r in results.values() if r != "ok")
    winner_name = "Ana Alvarez" if winners == ["accept"] else "Ben Brown"
    assert f"{winner_name} got there first" in str(loser)
    db.session.expire_all()
    final = db.session.get(Suggestion, ident)
    assert final.status == (SuggestionStatus.ACCEPTED if winners == ["accept"] else "declined")
    assert final.version == version + 1
    assert len([e for e in final.events if e.actor_id]) == 1


@pytest.mark.parametrize(
    ("target", "status", "words"),
    [
        ("company", "suspended", "The company is suspended"),
        ("company", "deleted", "The company is deleted"),
        ("profile", "paused", "interest profile is paused"),
        ("profile", "withdrawn", "interest profile is withdrawn"),
    ],
)
def test_an_inactive_company_or_profile_cannot_be_claimed_or_accepted(
    app, case, target, status, words
):
    row, ana, _ben, _other = case
    party = row.profile.company if target == "company" else row.profile
    party.status = status
    db.session.commit()
    for action in ("claim", "accept"):
        with pytest.raises(review.InactiveParty, match=words) as err:
            _decide(row, ana, action)
        assert isinstance(err.value, InvalidTransition)
    assert (row.status, row.version, row.events) == ("suggested", 1, [])
    _decide(row, ana, "decline", reason="not_a_fit")  # it can still be taken off the queue
    assert row.status == "declined"


@pytest.mark.parametrize(
    ("target", "status", "words"),
    [
        ("company", "suspended", "the company is suspended"),
        ("profile", "withdrawn", "interest profile is withdrawn"),
        ("priority", "closed", "the priority is closed"),
        ("priority", "paused", "the priority is paused"),
    ],
)
def test_a_snooze_ending_after_its_company_profile_or_priority_stopped_expires_it(
    app, case, target, status, words
):
    row, ana, _ben, _other = case
    _decide(row, ana, "snooze", until=TOMORROW)
    party = {"company": row.profile.company, "profile": row.profile, "priority": row.priority}
    party[target].status = status
    db.session.commit()
    assert review_daily.wake_snoozed(db.session, TOMORROW) == 0
    db.session.refresh(row)
    assert (row.status, row.snoozed_until) == ("expired", None)
    event = _last_event(row)
    assert (event.actor_id, event.from_status, event.to_status) == (None, "snoozed", "expired")
    assert words in event.reason
    assert review_daily.wake_snoozed(db.session, TOMORROW) == 0, "expiring is idempotent"
    assert len(db.session.get(Suggestion, row.id).events) == 2


def test_snooze_dates_are_utc_dates(app, case, monkeypatch):
    """The server's local date never decides: a snooze is checked against the UTC date."""
    row, ana, _ben, _other = case
    far = utcnow() + timedelta(days=3000)
    monkeypatch.setattr(review, "utcnow", lambda: far)
    monkeypatch.setattr(review_daily, "utcnow", lambda: far)
    with pytest.raises(review.InvalidDetails):
        _decide(row, ana, "snooze", until=TOMORROW)  # in the past, in UTC terms
    _decide(row, ana, "snooze", until=far.date() + timedelta(days=1))
    assert review_daily.wake_snoozed(db.session) == 0
    monkeypatch.setattr(review_daily, "utcnow", lambda: far + timedelta(days=1))
    assert review_daily.wake_snoozed(db.session) == 1
