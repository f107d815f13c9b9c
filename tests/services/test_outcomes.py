"""Active partnerships: the transition with its first outcome, more outcomes, closing with a
reason, and the follow-ups due 6 and 12 months after signing (dashboard task, daily email)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import FollowUp, IntroductionEvent, Outcome
from matchmaker.services.errors import Conflict, InvalidTransition, NotFound
from matchmaker.services.introductions import followups, outcomes
from matchmaker.services.introductions.outcomes import FollowUpInput, OutcomeInput
from matchmaker.services.introductions.transitions import InvalidAnswer
from matchmaker.services.review import daily
from tests import factories as f

SIGNED = datetime(2030, 1, 31, 12, 0, tzinfo=UTC)
PILOT = OutcomeInput("investment", Decimal("2500000"), "eur", 40, date(2030, 4, 1), "Plant")


@pytest.fixture
def case():
    """An introduction whose agreement was signed on 31 January 2030 (by its event)."""
    office = f.OfficeFactory(name="Boston Global")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    mia = f.CompanyMemberFactory(company=company, email="mia@fan.example")
    intro = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=office),
        suggestion__profile=f.ProfileFactory(company=company),
        stage="agreement_signed",
    )
    db.session.add(
        IntroductionEvent(
            introduction_id=intro.id,
            at=SIGNED,
            from_stage="agreement_drafted",
            to_stage="agreement_signed",
        )
    )
    db.session.commit()
    return intro, ana, mia


def _activate(case, data=PILOT):
    intro, ana, _ = case
    return outcomes.activate_partnership(db.session, intro.id, ana, data, intro.version)


def test_activation_records_the_outcome_and_schedules_follow_ups_from_signing(app, case):
    intro, *_ = case
    _activate(case)
    assert intro.stage == "active"
    (outcome,) = db.session.scalars(select(Outcome)).all()
    assert (outcome.kind, outcome.amount, outcome.currency, outcome.jobs_expected) == (
        "investment",
        Decimal("2500000.00"),
        "EUR",
        40,
    )
    due = [(u.months, u.due_on) for u in followups.for_introduction(db.session, intro.id)]
    assert due == [(6, date(2030, 7, 31)), (12, date(2031, 1, 31))]
    last = intro.events[-1]
    assert (last.from_stage, last.to_stage) == ("agreement_signed", "active")
    assert "2,500,000.00 EUR" in last.reason and "signed 2030-01-31" in last.reason


def test_follow_ups_count_from_the_agreements_own_signing_time(app, case):
    """A signed agreement's signed_at (its last signature) wins over the stage's event."""
    intro, *_ = case
    f.AgreementFactory(introduction=intro, status="signed", signed_at=datetime(2030, 2, 28, 23, 30))
    f.AgreementFactory(introduction=intro, status="withdrawn", signed_at=None)
    _activate(case)
    due = [(u.months, u.due_on) for u in followups.for_introduction(db.session, intro.id)]
    assert due == [(6, date(2030, 8, 28)), (12, date(2031, 2, 28))]
    assert "signed 2030-02-28" in intro.events[-1].reason


def test_activation_is_refused_before_the_agreement_is_signed(app, case):
    intro, *_ = case
    intro.stage = "engaged"
    db.session.commit()
    with pytest.raises(InvalidTransition, match="engaged"):
        _activate(case)
    assert not db.session.scalars(select(Outcome)).all()
    assert not db.session.scalars(select(FollowUp)).all()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (OutcomeInput("investment", Decimal("10"), "XYZ"), "amount"),
        (OutcomeInput("investment", Decimal("10"), ""), "amount"),
        (OutcomeInput("jobs", jobs_expected=-1), "jobs_expected"),
        (OutcomeInput("lottery"), "kind"),
    ],
)
def test_a_bad_outcome_is_refused_and_nothing_changes(app, case, data, field):
    intro, *_ = case
    with pytest.raises(outcomes.InvalidOutcome) as refused:
        _activate(case, data)
    assert refused.value.field == field and intro.stage == "agreement_signed"


def test_a_stale_activation_is_a_conflict(app, case):
    intro, ana, _ = case
    with pytest.raises(Conflict):
        outcomes.activate_partnership(db.session, intro.id, ana, PILOT, intro.version - 1)
    assert not db.session.scalars(select(Outcome)).all()


def test_the_company_and_other_offices_cannot_activate(app, case):
    intro, _ana, mia = case
    for actor in (mia, f.StaffFactory()):
        with pytest.raises(NotFound):
            outcomes.activate_partnership(db.session, intro.id, actor, PILOT, intro.version)


def test_more_outcomes_on_an_active_partnership(app, case):
    intro, ana, _ = case
    with pytest.raises(InvalidTransition):
        outcomes.add_outcome(db.session, intro.id, ana, OutcomeInput("pilot"))
    _activate(case)
    outcomes.add_outcome(db.session, intro.id, ana, OutcomeInput("jobs", jobs_expected=12))
    assert [o.kind for o in outcomes.outcomes_of(db.session, intro.id)] == ["investment", "jobs"]
    assert "outcome added: Jobs, 12 jobs expected" in intro.events[-1].reason


def test_closing_needs_a_reason(app, case):
    intro, ana, _ = case
    with pytest.raises(InvalidAnswer):
        outcomes.close_introduction(db.session, intro.id, ana, "  ", intro.version)
    assert intro.stage == "agreement_signed"
    outcomes.close_introduction(db.session, intro.id, ana, "Company left the market", intro.version)
    assert (intro.stage, intro.close_reason) == ("closed", "Company left the market")
    with pytest.raises(InvalidTransition):
        outcomes.close_introduction(db.session, intro.id, ana, "again", intro.version)


def test_follow_ups_are_due_at_6_and_12_months_emailed_once(app, case, mailbox):
    intro, ana, _ = case
    _activate(case)
    six = datetime(2030, 7, 31, 6, 0, tzinfo=UTC)
    assert daily.run_daily(db.session, six - timedelta(days=1)).follow_ups == 0
    tasks = followups.open_tasks(db.session, intro.office_id, (six - timedelta(days=1)).date())
    assert [(t.follow_up.months, t.overdue) for t in tasks] == [(6, False)]
    assert daily.run_daily(db.session, six).follow_ups == 1
    (message,) = mailbox.to("ana@edo.example")
    assert "Follow-up due: Fan GmbH (6 months)" in " ".join(str(message["Subject"]).split())
    assert "/follow-ups/" in message.get_payload(decode=True).decode()
    assert daily.run_daily(db.session, six + timedelta(days=1)).follow_ups == 0
    later = date(2031, 2, 15)
    tasks = followups.open_tasks(db.session, intro.office_id, later)
    assert [(t.follow_up.months, t.overdue) for t in tasks] == [(6, True), (12, True)]
    assert followups.open_tasks(db.session, f.OfficeFactory().id, later) == []
    assert daily.run_daily(db.session, datetime(2031, 1, 31, tzinfo=UTC)).follow_ups == 1


def test_a_follow_up_records_what_actually_happened(app, case):
    intro, ana, _ = case
    _activate(case)
    six = followups.for_introduction(db.session, intro.id)[0]
    data = FollowUpInput(Decimal("1800000"), "EUR", 25, "Plant opened late")
    with pytest.raises(outcomes.InvalidOutcome):
        outcomes.record_follow_up(
            db.session, six.id, ana, FollowUpInput(Decimal("1"), "ZZZ"), six.version
        )
    with pytest.raises(Conflict):
        outcomes.record_follow_up(db.session, six.id, ana, data, six.version + 1)
    with pytest.raises(NotFound):
        outcomes.record_follow_up(db.session, six.id, f.StaffFactory(), data, six.version)
    outcomes.record_follow_up(db.session, six.id, ana, data, six.version)
    assert (six.actual_amount, six.actual_jobs, six.done_by_id) == (Decimal("1800000"), 25, ana.id)
    assert (
        followups.open_tasks(db.session, intro.office_id, date(2031, 3, 1))[0].follow_up.months
        == 12
    )
    assert intro.events[-1].reason == "6-month follow-up recorded"


def test_months_are_added_to_the_last_day_of_a_short_month():
    assert followups.add_months(date(2030, 8, 31), 6) == date(2031, 2, 28)
    assert followups.add_months(date(2031, 12, 15), 12) == date(2032, 12, 15)
