"""Introductions: the request on acceptance, each transition and refusal, the double opt-in's
privacy in the emails, the thread, reminders and expiry, and the company's block."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import (
    Introduction,
    IntroductionBlock,
    IntroductionEvent,
    IntroductionMessage,
    ReviewEvent,
    Suggestion,
    utcnow,
)
from matchmaker.services.errors import Conflict, InvalidTransition, NotFound
from matchmaker.services.introductions import blocks, messages
from matchmaker.services.introductions.transitions import transition
from matchmaker.services.review import daily as review_daily
from matchmaker.services.review import decisions as review
from matchmaker.services.review import opportunities, queue
from tests import factories as f

OFFICE_PEOPLE = ("ana@edo.example", "Ana Alvarez", "desk@edo.example")
COMPANY_PEOPLE = ("carla@fan.example", "Carla Contact", "mia@fan.example", "Mia Member")


@pytest.fixture
def case():
    """A waiting suggestion of an office with one staff member; a company with a contact person
    and a member; a stranger company's member and another office's staff."""
    office = f.OfficeFactory(name="Boston Global", contact_email="desk@edo.example")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(
        name="Fan GmbH", contact_name="Carla Contact", contact_email="carla@fan.example"
    )
    mia = f.CompanyMemberFactory(company=company, name="Mia Member", email="mia@fan.example")
    priority = f.PriorityFactory(
        office=office, title="Stadium pilots", description="Pilot fan apps at the new stadium."
    )
    row = f.SuggestionFactory(priority=priority, profile=f.ProfileFactory(company=company))
    stranger = f.CompanyMemberFactory(name="Stranger")
    other_staff = f.StaffFactory(name="Other Office Staff")
    return row, ana, mia, stranger, other_staff


def _accept(row, ana, note="Our stadium team would love to meet you.") -> Introduction:
    review.decide_suggestion(db.session, row.id, ana, "accept", row.version, note=note)
    return db.session.scalars(
        select(Introduction).where(Introduction.suggestion_id == row.id)
    ).one()


def _bodies(mailbox, address) -> list[str]:
    return [m.get_payload(decode=True).decode() for m in mailbox.to(address)]


def _events(intro) -> list[tuple]:
    rows = db.session.scalars(
        select(IntroductionEvent)
        .where(IntroductionEvent.introduction_id == intro.id)
        .order_by(IntroductionEvent.id)
    )
    return [(e.from_stage, e.to_stage) for e in rows]


def test_accepting_a_suggestion_sends_the_company_an_introduction_request(app, case, mailbox):
    row, ana, mia, _s, _o = case
    intro = _accept(row, ana)
    assert (intro.stage, intro.office_id, intro.company_id) == (
        "requested",
        ana.office_id,
        mia.company_id,
    )
    assert intro.requested_by_id == ana.id and intro.note.startswith("Our stadium team")
    assert intro.expires_at - intro.requested_at == timedelta(days=30)
    assert _events(intro) == [(None, "requested")]
    [body] = _bodies(mailbox, "mia@fan.example")
    assert "Boston Global" in body and "Stadium pilots" in body
    assert "Pilot fan apps at the new stadium." in body and "Our stadium team" in body
    assert f"/company/introductions/{intro.id}" in body


def test_the_request_email_names_no_person_of_the_office(app, case, mailbox):
    row, ana, _mia, _s, _o = case
    _accept(row, ana)
    [body] = _bodies(mailbox, "mia@fan.example")
    for secret in OFFICE_PEOPLE:
        assert secret not in body


def test_a_priority_hidden_from_companies_shows_its_title_only(app, case, mailbox):
    row, ana, _mia, _s, _o = case
    row.priority.visible_to_companies = False
    db.session.commit()
    _accept(row, ana)
    [body] = _bodies(mailbox, "mia@fan.example")
    assert "Stadium pilots" in body and "Pilot fan apps" not in body


def test_accepting_a_company_expression_of_interest_requests_an_introduction(app, case):
    _row, ana, mia, _s, _o = case
    priority = f.PriorityFactory(office=ana.office, title="Sponsorship")
    profile = f.ProfileFactory(company=mia.company)
    interest = opportunities.express_interest(
        db.session, priority.id, mia.company_id, profile.id, mia, "We would like to sponsor."
    )
    intro = _accept(interest, ana)
    assert intro.stage == "requested" and intro.priority_id == priority.id


def test_the_company_accepts_and_both_sides_get_each_others_contacts(app, case, mailbox):
    row, ana, mia, _s, _o = case
    intro = _accept(row, ana)
    transition(db.session, intro.id, mia, "accept", intro.version)
    assert intro.stage == "introduced" and intro.answered_by_id == mia.id
    assert db.session.get(Suggestion, row.id).status == "introduced"
    assert _events(intro) == [(None, "requested"), ("requested", "introduced")]
    review_event = db.session.scalars(
        select(ReviewEvent).where(ReviewEvent.suggestion_id == row.id).order_by(ReviewEvent.id)
    ).all()[-1]
    assert (review_event.from_status, review_event.to_status) == ("accepted", "introduced")
    office_mail = _bodies(mailbox, "ana@edo.example")[-1]
    assert all(person in office_mail for person in COMPANY_PEOPLE)
    company_mail = _bodies(mailbox, "mia@fan.example")[-1]
    assert all(person in company_mail for person in OFFICE_PEOPLE)


def test_the_company_declines_with_a_reason_and_shares_no_contact(app, case, mailbox):
    row, ana, mia, _s, _o = case
    intro = _accept(row, ana)
    transition(db.session, intro.id, mia, "decline", intro.version, "Not expanding to the US.")
    assert (intro.stage, intro.decline_reason) == ("declined", "Not expanding to the US.")
    assert db.session.get(Suggestion, row.id).status == "company_declined"
    [body] = _bodies(mailbox, "ana@edo.example")
    assert "Not expanding to the US." in body
    assert not any(person in body for person in COMPANY_PEOPLE)


def test_a_stale_answer_is_refused_naming_who_answered_first(app, case):
    row, ana, mia, _s, _o = case
    colleague = f.CompanyMemberFactory(company=mia.company, name="Colin Colleague")
    intro = _accept(row, ana)
    seen = intro.version
    transition(db.session, intro.id, mia, "accept", seen)
    with pytest.raises(Conflict, match="Mia Member got there first"):
        transition(db.session, intro.id, colleague, "decline", seen)


def test_answering_twice_is_refused(app, case):
    row, ana, mia, _s, _o = case
    intro = _accept(row, ana)
    transition(db.session, intro.id, mia, "accept", intro.version)
    with pytest.raises(InvalidTransition, match="cannot be declined"):
        transition(db.session, intro.id, mia, "decline", intro.version)


def test_only_the_company_answers_and_other_tenants_do_not_see_it(app, case):
    row, ana, _mia, stranger, other_staff = case
    intro = _accept(row, ana)
    with pytest.raises(InvalidTransition):
        transition(db.session, intro.id, ana, "accept", intro.version)
    for outsider in (stranger, other_staff):
        with pytest.raises(NotFound):
            transition(db.session, intro.id, outsider, "accept", intro.version)
    assert intro.stage == "requested"


def test_messages_open_only_once_both_said_yes(app, case):
    row, ana, mia, _s, _o = case
    intro = _accept(row, ana)
    for author in (ana, mia):
        with pytest.raises(InvalidTransition, match="both sides said yes"):
            messages.post_message(db.session, intro.id, author, "Hello")


def test_each_message_is_kept_and_emailed_to_the_other_side(app, case, mailbox):
    row, ana, mia, stranger, _o = case
    intro = _accept(row, ana)
    transition(db.session, intro.id, mia, "accept", intro.version)
    messages.post_message(db.session, intro.id, ana, "Can we meet on Tuesday?")
    messages.post_message(db.session, intro.id, mia, "Tuesday works for us.")
    assert "Can we meet on Tuesday?" in _bodies(mailbox, "mia@fan.example")[-1]
    assert "Tuesday works for us." in _bodies(mailbox, "ana@edo.example")[-1]
    kept = db.session.scalars(select(IntroductionMessage).order_by(IntroductionMessage.id))
    assert [(m.side, m.body) for m in kept] == [
        ("office", "Can we meet on Tuesday?"),
        ("company", "Tuesday works for us."),
    ]
    with pytest.raises(NotFound):
        messages.post_message(db.session, intro.id, stranger, "Hi")


def _age(intro, days: int) -> None:
    """Move the request's clock back: it was requested `days` ago."""
    intro.requested_at = utcnow() - timedelta(days=days)
    intro.expires_at = intro.requested_at + timedelta(days=30)
    db.session.commit()


def test_an_unanswered_request_is_reminded_once_after_14_days(app, case, mailbox):
    row, ana, _mia, _s, _o = case
    intro = _accept(row, ana)
    _age(intro, 13)
    assert review_daily.run_daily(db.session).reminded == 0
    _age(intro, 14)
    assert review_daily.run_daily(db.session).reminded == 1
    assert review_daily.run_daily(db.session).reminded == 0  # once only
    assert intro.reminded_at is not None and intro.stage == "requested"
    bodies = _bodies(mailbox, "mia@fan.example")
    assert len(bodies) == 2 and "A reminder:" in bodies[-1]
    assert _events(intro)[-1] == ("requested", "requested")


def test_an_unanswered_request_expires_after_30_days_back_to_the_queue(app, case, mailbox):
    row, ana, mia, _s, _o = case
    intro = _accept(row, ana)
    _age(intro, 29)
    assert review_daily.run_daily(db.session).lapsed == 0
    _age(intro, 30)
    assert review_daily.run_daily(db.session).lapsed == 1
    assert intro.stage == "expired"
    suggestion = db.session.get(Suggestion, row.id)
    assert suggestion.status == "no_answer"
    assert "did not answer" in _bodies(mailbox, "ana@edo.example")[-1]
    page = queue.office_queue(db.session, ana.office_id, queue.QueueFilters())
    assert [r.id for r in page.rows] == [row.id] and page.rows[0].status == "no_answer"
    with pytest.raises(InvalidTransition):  # too late to answer
        transition(db.session, intro.id, mia, "accept", intro.version)
    again = review.decide_suggestion(db.session, row.id, ana, "accept", suggestion.version)
    assert again.status == "accepted"
    assert (
        db.session.scalar(select(Introduction).order_by(Introduction.id.desc())).stage
        == "requested"
    )


def test_declining_with_a_block_stops_the_office_suggesting_the_company(app, case):
    row, ana, mia, _s, _o = case
    waiting = f.SuggestionFactory(
        priority=f.PriorityFactory(office=ana.office), profile=f.ProfileFactory(company=mia.company)
    )
    intro = _accept(row, ana)
    transition(db.session, intro.id, mia, "decline", intro.version, block=True)
    assert blocks.is_blocked(db.session, mia.company_id, ana.office_id)
    assert db.session.get(Suggestion, waiting.id).status == "expired"
    page = queue.office_queue(db.session, ana.office_id, queue.QueueFilters(status="expired"))
    assert page.rows == []  # not shown in the queue, even as withdrawn


def test_a_blocked_pair_cannot_be_accepted_nor_interest_expressed(app, case):
    row, ana, mia, _s, _o = case
    db.session.add(IntroductionBlock(company_id=mia.company_id, office_id=ana.office_id))
    db.session.commit()
    assert queue.office_queue(db.session, ana.office_id, queue.QueueFilters()).rows == []
    with pytest.raises(InvalidTransition, match="no more introductions"):
        review.decide_suggestion(db.session, row.id, ana, "accept", row.version)
    profile = f.ProfileFactory(company=mia.company)
    with pytest.raises(opportunities.InterestRefused, match="no more introductions"):
        opportunities.express_interest(
            db.session, row.priority_id, mia.company_id, profile.id, mia, "Hello"
        )


def test_unblocking_lets_the_office_work_the_pair_again(app, case):
    row, ana, mia, _s, _o = case
    blocks.block_office(db.session, mia.company_id, ana.office_id, mia)
    [block] = blocks.company_blocks(db.session, mia.company_id)
    with pytest.raises(NotFound):
        blocks.unblock_office(db.session, mia.company_id + 1000, block.id)
    blocks.unblock_office(db.session, mia.company_id, block.id)
    assert not blocks.is_blocked(db.session, mia.company_id, ana.office_id)


SPORTS = "Fan engagement software for stadium pilots with sports teams and venue sponsorship."


def test_ranking_does_not_suggest_a_blocked_pair_again(app):
    from matchmaker.services.matching import ranking

    priority = f.PriorityFactory(
        title="Sports technology pilots in the stadium district",
        description="Pilot fan engagement and venue technology with our teams and stadium.",
    )
    profile = f.ProfileFactory(interests=SPORTS, company__description=SPORTS)
    ranking.rank_profile_now(db.session, profile.id)
    [row] = db.session.scalars(select(Suggestion)).all()
    assert row.status == "suggested"
    blocked = IntroductionBlock(company_id=profile.company_id, office_id=priority.office_id)
    db.session.add(blocked)
    db.session.commit()
    ranking.rerank_all(db.session)
    db.session.expire_all()
    assert db.session.get(Suggestion, row.id).status == "expired"
    fresh = f.ProfileFactory(company=profile.company, interests=SPORTS)  # never suggested yet
    ranking.rank_profile_now(db.session, fresh.id)
    assert (
        db.session.scalars(select(Suggestion).where(Suggestion.profile_id == fresh.id)).all() == []
    )
