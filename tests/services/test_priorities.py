"""Posting and editing priorities: validation, versions, ranking jobs, withdrawn suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import PriorityStatus, ReviewEvent, SuggestionStatus, utcnow
from matchmaker.services.errors import Conflict, InvalidTransition, NotFound
from matchmaker.services.organisations import priorities
from tests import factories as f

SECTORS = ["5132", "7112"]  # NAICS 2022 (the factories' 5112 is a 2017 code)


def _priority(**kw):
    return f.PriorityFactory(naics_sectors=SECTORS, **kw)


@pytest.fixture
def enqueued(monkeypatch) -> list:
    calls = []
    monkeypatch.setattr(priorities, "enqueue", lambda name, *args: calls.append((name, *args)))
    return calls


def _input(**changes) -> priorities.PriorityInput:
    values = dict(
        title="Stadium district pilots",
        description="Sports technology companies to pilot fan engagement in the new stadium.",
        naics_sectors=SECTORS,
        partnership_types=["pilot_project"],
        target_countries=["de", "JP"],
        status=PriorityStatus.OPEN,
        visible_to_companies=True,
    )
    return priorities.PriorityInput(**{**values, **changes})


def _edit(priority, staff, **changes):
    data = {name: getattr(priority, name) for name in priorities.PriorityInput.__dataclass_fields__}
    data.update(changes)
    return priorities.edit_priority(
        db.session,
        priority.id,
        priority.office_id,
        staff,
        priorities.PriorityInput(**data),
        priority.version,
    )


def test_posting_an_open_priority_ranks_it(app, enqueued):
    member = f.StaffFactory()
    priority = priorities.post_priority(db.session, member.office_id, member, _input())
    assert priority.office_id == member.office_id and priority.created_by_id == member.id
    assert priority.target_countries == ["DE", "JP"]
    assert enqueued == [("rank_priority", priority.id)]


def test_a_draft_is_not_ranked(app, enqueued):
    member = f.StaffFactory()
    priorities.post_priority(db.session, member.office_id, member, _input(status="draft"))
    assert enqueued == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"naics_sectors": []}, "naics_sectors"),
        ({"naics_sectors": ["51A"]}, "naics_sectors"),
        ({"partnership_types": []}, "partnership_types"),
        ({"partnership_types": ["bribery"]}, "partnership_types"),
        ({"target_countries": ["XX"]}, "target_countries"),
        ({"horizon": utcnow().date() - timedelta(days=1)}, "horizon"),
        ({"status": PriorityStatus.CLOSED}, "status"),
    ],
)
def test_invalid_priorities_are_refused_next_to_the_field(app, enqueued, changes, field):
    member = f.StaffFactory()
    with pytest.raises(priorities.DomainError) as err:
        priorities.post_priority(db.session, member.office_id, member, _input(**changes))
    assert err.value.field == field


def test_editing_from_a_stale_version_is_a_conflict(app, enqueued):
    member = f.StaffFactory()
    priority = _priority(office=member.office, title="Original")
    stale = priority.version
    _edit(priority, member, title="First edit")
    with pytest.raises(Conflict):
        priorities.edit_priority(
            db.session, priority.id, member.office_id, member, _input(title="Second edit"), stale
        )
    db.session.refresh(priority)
    assert priority.title == "First edit"


def test_another_office_cannot_edit(app, enqueued):
    priority = f.PriorityFactory()
    other = f.StaffFactory()
    with pytest.raises(NotFound):
        priorities.edit_priority(
            db.session, priority.id, other.office_id, other, _input(), priority.version
        )


def test_material_changes_are_timestamped_and_others_are_not(app, enqueued):
    member = f.StaffFactory()
    priority = _priority(office=member.office)
    before = priority.material_change_at
    _edit(priority, member, visible_to_companies=False)
    assert priority.material_change_at == before
    _edit(priority, member, target_countries=["FR"])
    assert priority.material_change_at > before
    assert enqueued == [("rank_priority", priority.id)] * 2


def test_a_published_priority_cannot_return_to_draft(app, enqueued):
    member = f.StaffFactory()
    priority = _priority(office=member.office)
    with pytest.raises(InvalidTransition):
        _edit(priority, member, status=PriorityStatus.DRAFT)


@pytest.mark.parametrize(
    ("status", "reason"),
    [(PriorityStatus.PAUSED, "priority paused"), (PriorityStatus.CLOSED, "priority closed")],
)
def test_pausing_or_closing_withdraws_undecided_suggestions(app, enqueued, status, reason):
    member = f.StaffFactory()
    priority = _priority(office=member.office)
    by_status = {
        s: f.SuggestionFactory(priority=priority, status=s)
        for s in (
            SuggestionStatus.SUGGESTED,
            SuggestionStatus.IN_REVIEW,
            SuggestionStatus.SNOOZED,
            SuggestionStatus.ACCEPTED,
            SuggestionStatus.DECLINED,
        )
    }
    _edit(priority, member, status=status)
    db.session.expire_all()
    assert {s: row.status for s, row in by_status.items()} == {
        SuggestionStatus.SUGGESTED: SuggestionStatus.EXPIRED,
        SuggestionStatus.IN_REVIEW: SuggestionStatus.EXPIRED,
        SuggestionStatus.SNOOZED: SuggestionStatus.EXPIRED,
        SuggestionStatus.ACCEPTED: SuggestionStatus.ACCEPTED,
        SuggestionStatus.DECLINED: SuggestionStatus.DECLINED,
    }
    events = db.session.scalars(select(ReviewEvent).order_by(ReviewEvent.id)).all()
    assert sorted(e.from_status for e in events) == ["in_review", "snoozed", "suggested"]
    assert {(e.to_status, e.reason, e.actor_id) for e in events} == {("expired", reason, member.id)}
    assert enqueued == []  # only open priorities are ranked


def test_filters_and_counts_for_the_dashboard(app):
    office = f.OfficeFactory()
    stadium = f.PriorityFactory(office=office, title="Stadium pilots")
    f.PriorityFactory(
        office=office,
        title="Port logistics",
        description="Cranes and ships.",
        status="draft",
        visible_to_companies=False,
    )
    f.PriorityFactory(title="Stadium elsewhere")
    f.SuggestionFactory(priority=stadium)
    f.SuggestionFactory(priority=stadium, status=SuggestionStatus.ACCEPTED, company_initiated=True)
    base = select(priorities.Priority).where(priorities.Priority.office_id == office.id)

    def titles(**kw):
        query = priorities.filter_priorities(base, priorities.PriorityFilters(**kw))
        return [p.title for p in db.session.scalars(query)]

    assert titles(q="stadium") == ["Stadium pilots"]
    assert titles(status="draft") == ["Port logistics"]
    assert titles(visible="yes") == ["Stadium pilots"]
    counts = priorities.suggestion_counts(db.session, [stadium.id])[stadium.id]
    assert counts == {
        "waiting": 1,
        "in_review": 0,
        "accepted": 1,
        "declined": 0,
        "withdrawn": 0,
        "company": 1,
    }
