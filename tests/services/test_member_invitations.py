"""Inviting colleagues: existing accounts are never revealed; invitations expire, can be renewed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import (
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.accounts import members
from matchmaker.services.companies import upkeep
from matchmaker.services.errors import DomainError
from tests import factories as f

S = SuggestionStatus
UNDECIDED = (S.SUGGESTED, S.IN_REVIEW, S.SNOOZED)


pytestmark = pytest.mark.usefixtures("no_ranking")


def test_inviting_an_address_that_has_an_account_creates_nothing_and_tells_its_owner(app, mailbox):
    inviter = f.CompanyMemberFactory(name="Gwen")
    f.StaffFactory(email="taken@city.example")
    before = db.session.scalar(select(func.count()).select_from(User))
    members.invite_member(db.session, inviter.company_id, inviter, "Taken", "Taken@City.example")
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    [notice] = mailbox.to("taken@city.example")
    body = notice.get_payload(decode=True).decode()
    assert "already has" in body and "/signup/invitation/" not in body


def test_an_active_colleague_is_not_invited_twice(app, mailbox):
    inviter = f.CompanyMemberFactory()
    colleague = f.CompanyMemberFactory(company=inviter.company, email="rhys@wyvern.example")
    with pytest.raises(DomainError, match="already a member"):
        members.invite_member(db.session, inviter.company_id, inviter, "Rhys", colleague.email)


def test_a_removed_member_can_be_invited_again(app, mailbox):
    inviter = f.CompanyMemberFactory()
    colleague = f.CompanyMemberFactory(company=inviter.company, email="rhys@wyvern.example")
    members.remove_member(db.session, inviter.company_id, colleague.id, inviter)
    members.invite_member(db.session, inviter.company_id, inviter, "Rhys Again", colleague.email)
    token = mailbox.last_link("rhys@wyvern.example", "/signup/invitation/").rsplit("/", 1)[-1]
    user = members.accept_invitation(db.session, token, "Rhys Jones", "a brand new passphrase!")
    assert user.id == colleague.id and user.active
    assert accounts.authenticate(db.session, "rhys@wyvern.example", "a brand new passphrase!")


def test_a_removed_member_of_another_company_is_not_taken_over(app, mailbox):
    inviter = f.CompanyMemberFactory()
    stranger = f.CompanyMemberFactory(email="old@other.example", active=False)
    members.invite_member(db.session, inviter.company_id, inviter, "Old", stranger.email)
    db.session.expire_all()
    stranger = db.session.get(User, stranger.id)
    assert not stranger.active and stranger.company_id != inviter.company_id
    notice = mailbox.to("old@other.example")[-1].get_payload(decode=True).decode()
    assert "already has" in notice and "/signup/invitation/" not in notice


def test_unaccepted_invitations_expire_and_free_the_address(app, mailbox):
    inviter = f.CompanyMemberFactory()
    old = members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    fresh = members.invite_member(db.session, inviter.company_id, inviter, "New", "new@x.example")
    staff_invitee = f.StaffFactory(password_hash=None, email_confirmed_at=None)
    week_ago = utcnow() - timedelta(days=8)
    for user in (old, staff_invitee, inviter):
        user.created_at = week_ago
    db.session.commit()
    old_id, kept = old.id, {fresh.id, staff_invitee.id, inviter.id}
    assert upkeep.expire_invitations(db.session) == 1
    db.session.expire_all()
    assert db.session.get(User, old_id) is None
    assert kept <= set(db.session.scalars(select(User.id)))
    members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    assert upkeep.expire_invitations(db.session) == 0


def test_expire_signups_also_expires_invitations(runner, app, mailbox):
    inviter = f.CompanyMemberFactory()
    old = members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    result = runner.invoke(args=["expire-signups"])
    assert result.exit_code == 0, result.output
    assert "1 expired invitation(s) deleted" in result.output


def test_a_re_invited_never_accepted_invitee_gets_a_new_week(app, mailbox):
    inviter = f.CompanyMemberFactory()
    old = members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    members.remove_member(db.session, inviter.company_id, old.id, inviter)
    members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    assert upkeep.expire_invitations(db.session) == 0
    assert accounts.find_user(db.session, "old@x.example").active
