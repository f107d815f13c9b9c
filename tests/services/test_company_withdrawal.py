"""Undecided suggestions end with their company or profile: suspended, merged, deleted, paused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import (
    ProfileStatus,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from matchmaker.services.companies import data_rights, trust, upkeep
from matchmaker.services.companies import registration as companies
from tests import factories as f

S = SuggestionStatus
UNDECIDED = (S.SUGGESTED, S.IN_REVIEW, S.SNOOZED)


pytestmark = pytest.mark.usefixtures("no_ranking")


def rows_of(profile) -> tuple[list[Suggestion], Suggestion]:
    """One suggestion in each undecided state, and an accepted one."""
    open_rows = [f.SuggestionFactory(profile=profile, status=s) for s in UNDECIDED]
    return open_rows, f.SuggestionFactory(profile=profile, status=S.ACCEPTED)


def assert_expired(rows: list[Suggestion], reason: str, actor=None) -> None:
    db.session.expire_all()
    for row in rows:
        assert db.session.get(Suggestion, row.id).status == S.EXPIRED
        event = db.session.scalars(
            select(ReviewEvent)
            .where(ReviewEvent.suggestion_id == row.id)
            .order_by(ReviewEvent.id.desc())
        ).first()
        assert event is not None and event.to_status == "expired"
        assert reason in event.reason
        assert event.actor_id == (actor.id if actor else None)
    froms = {
        e.from_status
        for e in db.session.scalars(
            select(ReviewEvent).where(ReviewEvent.suggestion_id.in_([r.id for r in rows]))
        )
    }
    assert froms == {s.value for s in UNDECIDED}


def profile_data(status: ProfileStatus) -> companies.ProfileData:
    return companies.ProfileData(
        title="Stadium pilots",
        partnership_types=["pilot_project"],
        naics_sectors=["5121"],
        states=["MA"],
        interests="A venue.",
        status=status,
    )


def test_suspending_a_company_expires_all_its_undecided_suggestions(app):
    admin = f.AdminFactory()
    profile = f.ProfileFactory()
    other = f.SuggestionFactory(status=S.IN_REVIEW)  # another company's: untouched
    open_rows, accepted = rows_of(profile)
    trust.suspend_company(db.session, profile.company_id, admin, "fraud check")
    assert_expired(open_rows, "company suspended", admin)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED
    assert db.session.get(Suggestion, other.id).status == S.IN_REVIEW


def test_merging_expires_the_undecided_suggestions_of_the_company_merged_away(app):
    admin = f.AdminFactory()
    target = f.CompanyFactory()
    profile = f.ProfileFactory(company__name="Acme Robotics Inc")
    kept = f.SuggestionFactory(profile=f.ProfileFactory(company=target), status=S.IN_REVIEW)
    open_rows, accepted = rows_of(profile)
    trust.merge_company(db.session, profile.company_id, target.id, admin)
    assert_expired(open_rows, "merged", admin)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED
    assert db.session.get(Suggestion, kept.id).status == S.IN_REVIEW


def test_deleting_a_company_expires_its_undecided_suggestions_as_the_member(app):
    profile = f.ProfileFactory()
    member = f.CompanyMemberFactory(company=profile.company)
    open_rows, accepted = rows_of(profile)
    data_rights.delete_company(db.session, profile.company_id, member, f.PASSWORD)
    assert_expired(open_rows, "company deleted", member)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED


@pytest.mark.parametrize(
    ("status", "reason"),
    [(ProfileStatus.PAUSED, "profile paused"), (ProfileStatus.WITHDRAWN, "profile withdrawn")],
)
def test_a_profile_leaving_active_expires_its_undecided_suggestions(app, status, reason):
    profile = f.ProfileFactory()
    member = f.CompanyMemberFactory(company=profile.company)
    sibling = f.SuggestionFactory(
        profile=f.ProfileFactory(company=profile.company), status=S.IN_REVIEW
    )
    open_rows, accepted = rows_of(profile)
    companies.update_profile(
        db.session, profile.company_id, profile.id, profile_data(status), None, actor=member
    )
    assert_expired(open_rows, reason, member)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED
    assert db.session.get(Suggestion, sibling.id).status == S.IN_REVIEW


def test_saving_an_active_profile_leaves_its_suggestions_alone(app):
    profile = f.ProfileFactory()
    open_rows, _ = rows_of(profile)
    companies.update_profile(
        db.session, profile.company_id, profile.id, profile_data(ProfileStatus.ACTIVE), None
    )
    db.session.expire_all()
    assert [db.session.get(Suggestion, r.id).status for r in open_rows] == list(UNDECIDED)


def test_the_automatic_pause_expires_the_profiles_undecided_suggestions(app, mailbox):
    profile = f.ProfileFactory(updated_at=utcnow() - timedelta(days=400))
    open_rows, accepted = rows_of(profile)
    upkeep.send_profile_reminders(db.session)
    assert upkeep.send_profile_reminders(db.session, now=utcnow() + timedelta(days=31)) == (0, 1)
    assert_expired(open_rows, "profile paused")
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED
