"""An introduction's milestones on its row (services/introductions/milestones.py) always say
what its events and signed agreements say: after each step of a whole journey through the
services, after a second agreement, and as `backfill` recomputes them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Agreement, Introduction, IntroductionEvent, IntroductionStage
from matchmaker.services.introductions import engagements as engagement_service
from matchmaker.services.introductions import milestones
from matchmaker.services.introductions.engagement_input import EngagementInput
from matchmaker.services.introductions.outcomes import OutcomeInput, activate_partnership
from matchmaker.services.introductions.transitions import transition
from matchmaker.services.review import decisions as review
from tests import factories as f
from tests.services.test_agreements import ANNA, BEN, _ready, _sign

COLUMNS = ("reached_step", "introduced_at", "engaged_at", "signed_at", "active_at")


def _from_events(intro: Introduction) -> dict:
    """What the events and signed agreements say, computed here independently."""
    events = db.session.scalars(
        select(IntroductionEvent).where(IntroductionEvent.introduction_id == intro.id)
    ).all()
    signed = [
        a.signed_at
        for a in db.session.scalars(select(Agreement).where(Agreement.introduction_id == intro.id))
        if a.signed_at is not None
    ]

    def first(stage: str):
        return min((e.at for e in events if e.to_stage == stage), default=None)

    reached = max(
        (milestones.STEP_OF_STAGE[IntroductionStage(e.to_stage)] for e in events), default=1
    )
    return {
        "reached_step": max(reached, 4) if signed else reached,
        "introduced_at": first("introduced"),
        "engaged_at": first("engaged"),
        "signed_at": min(signed) if signed else first("agreement_signed"),
        "active_at": first("active"),
    }


def _on_row(intro: Introduction) -> dict:
    db.session.expire_all()
    row = db.session.get(Introduction, intro.id)
    return {c: getattr(row, c) for c in COLUMNS}


def _check(intro: Introduction, reached: int) -> dict:
    """The row equals the events, `backfill` changes nothing, and the step is `reached`."""
    kept = _on_row(intro)
    assert kept == _from_events(intro)
    milestones.backfill(db.session)
    db.session.commit()
    assert _on_row(intro) == kept
    assert kept["reached_step"] == reached
    return kept


def _meeting(ana, mia) -> EngagementInput:
    return EngagementInput(
        kind="meeting",
        mode="virtual",
        local_start=datetime(2030, 6, 3, 10, 0),
        time_zone="Europe/Berlin",
        duration_minutes=60,
        location="",
        meeting_link="https://meet.example.org/fan",
        agenda="Pilot scope",
        notes="",
        staff_ids=[ana.id],
        member_ids=[mia.id],
        guests="",
    )


def test_each_transition_keeps_the_milestones_equal_to_the_events(app, mailbox):
    office = f.OfficeFactory(name="Boston Global")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    mia = f.CompanyMemberFactory(company=company, email="mia@fan.example")
    row = f.SuggestionFactory(
        priority=f.PriorityFactory(office=office), profile=f.ProfileFactory(company=company)
    )
    db.session.commit()
    review.decide_suggestion(db.session, row.id, ana, "accept", row.version, note="Hello")
    intro = db.session.scalars(
        select(Introduction).where(Introduction.suggestion_id == row.id)
    ).one()
    assert _check(intro, 1) == {"reached_step": 1, **dict.fromkeys(COLUMNS[1:])}

    transition(db.session, intro.id, mia, "accept", intro.version)
    assert _check(intro, 2)["introduced_at"] is not None

    engagement_service.plan_engagement(db.session, intro.id, ana, _meeting(ana, mia))
    assert intro.stage is IntroductionStage.ENGAGED
    engaged = _check(intro, 3)["engaged_at"]
    assert engaged is not None

    agreement = _ready(intro, ana)
    assert intro.stage is IntroductionStage.AGREEMENT_DRAFTED
    assert _check(intro, 3)["engaged_at"] == engaged  # drafting is still the engaged step

    _sign(mailbox, BEN[0], "Ben Boss", agreement)
    _sign(mailbox, ANNA[0], "Anna Mayor", agreement)
    assert intro.stage is IntroductionStage.AGREEMENT_SIGNED
    signed = _check(intro, 4)["signed_at"]
    assert signed == db.session.get(Agreement, agreement.id).signed_at

    # A second agreement signed later: the introduction was signed at the first one.
    second = _ready(intro, ana)
    _sign(mailbox, BEN[0], "Ben Boss", second)
    _sign(mailbox, ANNA[0], "Anna Mayor", second)
    assert _check(intro, 4)["signed_at"] == signed

    intro = db.session.get(Introduction, intro.id)
    activate_partnership(
        db.session, intro.id, ana, OutcomeInput("pilot", jobs_expected=5), intro.version
    )
    assert _check(intro, 5)["active_at"] is not None

    intro = db.session.get(Introduction, intro.id)
    transition(db.session, intro.id, ana, "close", intro.version, "Pilot finished")
    assert intro.stage is IntroductionStage.CLOSED
    assert _check(intro, 5)["signed_at"] == signed  # closing keeps how far it went


def test_backfill_reads_events_and_agreements_written_by_hand(app):
    """Rows written by SQL or by hand (the benchmark, imports) get their milestones."""
    day = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    intro = f.IntroductionFactory(stage="closed")
    other = f.IntroductionFactory(stage="requested")
    db.session.add_all(
        [
            IntroductionEvent(
                introduction_id=intro.id, at=day, from_stage="requested", to_stage="introduced"
            ),
            IntroductionEvent(
                introduction_id=intro.id,
                at=day.replace(day=5),
                from_stage="introduced",
                to_stage="engaged",
            ),
            IntroductionEvent(
                introduction_id=intro.id,
                at=day.replace(day=9),
                from_stage="engaged",
                to_stage="closed",
            ),
        ]
    )
    agreement = f.AgreementFactory(introduction=intro, status="signed")
    agreement.signed_at = day.replace(day=7)
    db.session.flush()
    milestones.backfill(db.session)
    db.session.commit()
    assert _on_row(intro) == {
        "reached_step": 4,  # a signed agreement, though no event says so
        "introduced_at": day,
        "engaged_at": day.replace(day=5),
        "signed_at": day.replace(day=7),
        "active_at": None,
    }
    assert _on_row(intro) == _from_events(intro)
    assert _on_row(other) == {"reached_step": 1, **dict.fromkeys(COLUMNS[1:])}
