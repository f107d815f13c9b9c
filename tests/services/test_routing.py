"""Routing: the priority's office by default, the first matching rule in order, re-routing of
untouched suggestions only, and the sensitivity flag."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import ReviewEvent, Suggestion, utcnow
from matchmaker.services.errors import InvalidTransition
from matchmaker.services.matching import ranking
from matchmaker.services.review import daily as review_daily
from matchmaker.services.review import decisions as review
from matchmaker.services.review import routing, routing_rules
from matchmaker.services.review.routing_rules import RuleInput
from tests import factories as f


def _new(priority, profile) -> Suggestion:
    """A suggestion as ranking creates it: routed by route_new, then committed."""
    row = Suggestion(
        priority=priority,
        profile=profile,
        company_id=profile.company_id,
        score=0.5,
        status="suggested",
    )
    db.session.add(row)
    routing.route_new(db.session, row)
    db.session.commit()
    return row


@pytest.fixture
def admin():
    return f.AdminFactory()


def test_without_rules_a_suggestion_goes_to_the_office_of_its_priority(app):
    priority, profile = f.PriorityFactory(), f.ProfileFactory()
    row = _new(priority, profile)
    assert (row.routed_office_id, row.routing_rule_id) == (priority.office_id, None)
    assert row.routed_at is not None and not row.flagged


def test_ranking_routes_new_suggestions_through_the_rules(app, admin):
    detroit = f.OfficeFactory(name="Detroit")
    f.PriorityFactory(description="Pilot fan engagement software at our stadium.")
    profile = f.ProfileFactory(
        interests="Fan engagement software pilots at stadiums.", company__hq_country="DE"
    )
    rule = routing_rules.add_rule(
        db.session, admin, RuleInput("German firms", detroit.id, hq_country="DE")
    )
    ranking.rank_profile_now(db.session, profile.id)
    row = db.session.scalar(select(Suggestion))
    assert (row.routed_office_id, row.routing_rule_id) == (detroit.id, rule.id)


def test_the_first_matching_rule_in_order_wins_and_reordering_reroutes(app, admin):
    first, second = f.OfficeFactory(name="First"), f.OfficeFactory(name="Second")
    by_country = routing_rules.add_rule(
        db.session, admin, RuleInput("DE", first.id, hq_country="DE")
    )
    by_sector = routing_rules.add_rule(
        db.session, admin, RuleInput("Software", second.id, naics_prefix="51")
    )
    row = _new(f.PriorityFactory(), f.ProfileFactory(company__hq_country="DE"))
    assert (row.routed_office_id, row.routing_rule_id) == (first.id, by_country.id)
    routing_rules.move_rule(db.session, by_sector.id, "up")  # re-routes untouched suggestions
    db.session.expire_all()
    assert (row.routed_office_id, row.routing_rule_id) == (second.id, by_sector.id)
    assert "re-routed" in row.events[-1].reason and row.events[-1].actor_id is None


@pytest.mark.parametrize(
    ("condition", "fits", "misses"),
    [
        ({"naics_prefix": "33"}, {"company__naics_sectors": ["3361"]}, {}),
        ({"hq_country": "JP"}, {"company__hq_country": "JP"}, {}),
        ({"partnership_type": "investment"}, {"partnership_types": ["investment"]}, {}),
    ],
)
def test_each_condition_of_a_rule(app, admin, condition, fits, misses):
    target = f.OfficeFactory()
    routing_rules.add_rule(db.session, admin, RuleInput("r", target.id, **condition))
    priority = f.PriorityFactory()
    assert _new(priority, f.ProfileFactory(**fits)).routed_office_id == target.id
    assert _new(priority, f.ProfileFactory(**misses)).routed_office_id == priority.office_id


def test_a_rule_on_the_city_of_the_priority(app, admin):
    boston = f.OfficeFactory()
    target = f.OfficeFactory()
    routing_rules.add_rule(
        db.session, admin, RuleInput("Boston", target.id, city_id=boston.city_id)
    )
    assert _new(f.PriorityFactory(office=boston), f.ProfileFactory()).routed_office_id == target.id
    other = f.PriorityFactory()
    assert _new(other, f.ProfileFactory()).routed_office_id == other.office_id


def test_rule_changes_leave_suggestions_someone_acted_on_where_they_are(app, admin):
    target = f.OfficeFactory()
    priority = f.PriorityFactory()
    staff = f.StaffFactory(office=priority.office)
    touched, untouched = _new(priority, f.ProfileFactory()), _new(priority, f.ProfileFactory())
    review.decide_suggestion(db.session, touched.id, staff, "claim", touched.version)
    routing_rules.add_rule(db.session, admin, RuleInput("All DE", target.id, hq_country="DE"))
    db.session.expire_all()
    assert touched.routed_office_id == priority.office_id
    assert untouched.routed_office_id == target.id


def test_a_rule_needs_a_condition_and_valid_codes(app, admin):
    office = f.OfficeFactory()
    with pytest.raises(routing_rules.InvalidRule, match="at least one condition"):
        routing_rules.add_rule(db.session, admin, RuleInput("Everything", office.id))
    with pytest.raises(routing_rules.InvalidRule) as err:
        routing_rules.add_rule(db.session, admin, RuleInput("x", office.id, hq_country="XX"))
    assert err.value.field == "hq_country"


def test_a_sensitive_country_flags_the_suggestion_and_gates_the_office(app, admin):
    routing_rules.add_sensitive_country(db.session, admin, "ru", "Sanctions", utcnow().date())
    priority = f.PriorityFactory()
    staff = f.StaffFactory(office=priority.office)
    row = _new(priority, f.ProfileFactory(company__hq_country="RU"))
    assert row.flagged and row.awaiting_admin
    assert "sensitivity list" in row.events[0].reason
    with pytest.raises(review.AwaitingAdminReview):
        review.decide_suggestion(db.session, row.id, staff, "accept", row.version)
    with pytest.raises(review.InvalidDetails):
        review.decide_suggestion(db.session, row.id, admin, "clear", row.version, note="ok")
    review.decide_suggestion(
        db.session,
        row.id,
        admin,
        "clear",
        row.version,
        note="Civil tech only; approved by the legal team.",
    )
    assert row.flagged and not row.awaiting_admin, "the flag stays visible after the decision"
    assert row.flag_rationale == "Civil tech only; approved by the legal team."
    review.decide_suggestion(db.session, row.id, staff, "accept", row.version)
    assert row.status == "accepted"


def test_an_admin_may_decline_a_flagged_suggestion_with_a_rationale(app, admin):
    routing_rules.add_sensitive_country(db.session, admin, "RU", "", utcnow().date())
    row = _new(f.PriorityFactory(), f.ProfileFactory(company__hq_country="RU"))
    review.decide_suggestion(
        db.session,
        row.id,
        admin,
        "decline",
        row.version,
        note="Export-control concerns for this sector.",
    )
    assert (row.status, row.decline_reason) == ("declined", "sensitive")
    assert row.flag_rationale == "Export-control concerns for this sector."


def test_admins_do_not_work_unflagged_suggestions(app, admin):
    row = _new(f.PriorityFactory(), f.ProfileFactory())
    for action in ("claim", "accept", "decline", "clear"):
        with pytest.raises(InvalidTransition):
            review.decide_suggestion(
                db.session,
                row.id,
                admin,
                action,
                row.version,
                reason="other",
                note="A long enough note.",
            )


def test_a_policy_entry_applies_from_its_date_and_to_waiting_suggestions(app, admin):
    row = _new(f.PriorityFactory(), f.ProfileFactory(company__hq_country="CN"))
    tomorrow = utcnow().date() + timedelta(days=1)
    entry = routing_rules.add_sensitive_country(db.session, admin, "CN", "", tomorrow)
    db.session.expire_all()
    assert not row.flagged
    routing_rules.remove_sensitive_country(db.session, entry.id)
    routing_rules.add_sensitive_country(db.session, admin, "CN", "", utcnow().date())
    db.session.expire_all()
    assert row.awaiting_admin
    events = db.session.scalars(select(ReviewEvent).where(ReviewEvent.suggestion_id == row.id))
    assert any("flagged" in e.reason for e in events)


def test_a_policy_dated_tomorrow_flags_waiting_suggestions_on_the_daily_run(app, admin, mailbox):
    priority = f.PriorityFactory()
    f.StaffFactory(office=priority.office, email="digest@city.example", notify_mode="daily")
    row = _new(priority, f.ProfileFactory(company__hq_country="CN", company__name="Shenzhen Co"))
    other = _new(priority, f.ProfileFactory(company__hq_country="DE", company__name="Berlin Co"))
    now = utcnow()
    routing_rules.add_sensitive_country(
        db.session, admin, "CN", "Review from tomorrow", now.date() + timedelta(days=1)
    )
    assert review_daily.run_daily(db.session, now) == review_daily.DailyRun(0, 0, 1)
    db.session.expire_all()
    assert not row.flagged, "not yet: the entry applies from tomorrow"
    tomorrow = now + timedelta(days=1)
    run = review_daily.run_daily(db.session, tomorrow)
    assert (run.rerouted, run.digests) == (1, 0)
    db.session.expire_all()
    assert row.awaiting_admin and not other.flagged
    assert "sensitivity policy" in row.events[-1].reason and row.events[-1].actor_id is None
    assert review_daily.run_daily(db.session, tomorrow).rerouted == 0, "applied once"
    assert routing.reroute_untouched(db.session) == 1, "today (UTC) the entry is not in force"


def test_the_send_digests_command_applies_the_policy_in_force_today(app, admin, runner):
    row = _new(f.PriorityFactory(), f.ProfileFactory(company__hq_country="CN"))
    db.session.add(
        routing_rules.SensitiveCountry(country="CN", effective_from=utcnow().date(), note="")
    )  # saved without the re-routing job, as when the entry was added days ago for today
    db.session.commit()
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "re-routed or flagged 1" in result.output
    db.session.expire_all()
    assert row.awaiting_admin


def test_the_policy_date_is_the_utc_date(app, admin, monkeypatch):
    far = utcnow() + timedelta(days=3000)
    routing_rules.add_sensitive_country(db.session, admin, "RU", "", far.date())
    monkeypatch.setattr(routing, "utcnow", lambda: far)
    row = _new(f.PriorityFactory(), f.ProfileFactory(company__hq_country="RU"))
    assert row.awaiting_admin


def test_a_lifted_flag_reaches_the_office_now(app, admin, mailbox):
    entry = routing_rules.add_sensitive_country(db.session, admin, "RU", "", utcnow().date())
    priority = f.PriorityFactory()
    f.StaffFactory(office=priority.office, email="now@city.example", notify_mode="immediate")
    row = _new(priority, f.ProfileFactory(company__hq_country="RU"))
    row.routed_at = utcnow() - timedelta(days=5)
    db.session.commit()
    assert not mailbox.to("now@city.example")
    before = utcnow()
    routing_rules.remove_sensitive_country(db.session, entry.id)
    db.session.expire_all()
    assert not row.flagged and row.routed_at >= before.replace(microsecond=0)
    [message] = mailbox.to("now@city.example")
    assert f"/suggestions/{row.id}" in message.get_payload(decode=True).decode()
