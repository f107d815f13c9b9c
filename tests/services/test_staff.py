"""Staff invitations: an emailed, signed, expiring, single-use link; deactivation."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.orm import Role
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.accounts import staff
from matchmaker.services.errors import DomainError, InvalidTransition, NotFound
from matchmaker.tokens import InvalidToken
from tests import factories as f

NEW_PASSWORD = "a long and unusual passphrase"


def _token(mailbox, email: str) -> str:
    return mailbox.last_link(email, "/invite/").rsplit("/invite/", 1)[1]


def test_invitation_creates_staff_without_password_and_emails_a_link(app, mailbox):
    office = f.OfficeFactory(name="Global Boston")
    admin = f.AdminFactory(name="Ada Admin")
    user = staff.invite_staff(db.session, office.id, " New@City.example ", "Nia", admin)
    assert user.role == Role.OFFICE_STAFF and user.office_id == office.id
    assert user.email == "new@city.example" and user.password_hash is None
    [message] = mailbox.to("new@city.example")
    assert "Global Boston" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "Ada Admin invited you" in body and "within 7 days" in body
    assert mailbox.last_link("new@city.example", "/invite/").startswith("http://localhost/invite/")


def test_nobody_can_log_in_before_the_invitation_is_used(app, mailbox):
    staff.invite_staff(db.session, f.OfficeFactory().id, "new@city.example")
    assert accounts.authenticate(db.session, "new@city.example", "") is None
    assert accounts.authenticate(db.session, "new@city.example", NEW_PASSWORD) is None


def test_accepting_sets_the_password_once(app, mailbox):
    staff.invite_staff(db.session, f.OfficeFactory().id, "new@city.example")
    token = _token(mailbox, "new@city.example")
    user = staff.accept_invitation(db.session, token, NEW_PASSWORD)
    assert user.email_confirmed_at is not None
    assert accounts.authenticate(db.session, "new@city.example", NEW_PASSWORD) is not None
    with pytest.raises(InvalidToken):
        staff.accept_invitation(db.session, token, "another long passphrase here")


def test_an_expired_invitation_is_refused(app, mailbox):
    staff.invite_staff(db.session, f.OfficeFactory().id, "new@city.example")
    app.config["INVITATION_MAX_AGE"] = -1
    with pytest.raises(InvalidToken, match="expired"):
        staff.user_for_invitation(db.session, _token(mailbox, "new@city.example"))


def test_a_tampered_invitation_is_refused(app, mailbox):
    staff.invite_staff(db.session, f.OfficeFactory().id, "new@city.example")
    with pytest.raises(InvalidToken):
        staff.user_for_invitation(db.session, _token(mailbox, "new@city.example") + "x")


def test_a_weak_password_is_refused_next_to_its_field(app, mailbox):
    staff.invite_staff(db.session, f.OfficeFactory().id, "new@city.example")
    with pytest.raises(DomainError) as err:
        staff.accept_invitation(db.session, _token(mailbox, "new@city.example"), "short")
    assert err.value.field == "password"


def test_inviting_an_existing_address_is_refused(app, mailbox):
    f.StaffFactory(email="taken@city.example")
    with pytest.raises(accounts.DuplicateEmail):
        staff.invite_staff(db.session, f.OfficeFactory().id, "TAKEN@city.example")
    assert mailbox.to("taken@city.example") == []


def test_deactivation_ends_sessions_and_voids_the_invitation(app, mailbox):
    user = staff.invite_staff(db.session, f.OfficeFactory().id, "new@city.example")
    token, session_token = _token(mailbox, "new@city.example"), user.session_token
    staff.set_staff_active(db.session, user.id, False)
    assert not user.active and user.session_token != session_token
    with pytest.raises(InvalidToken):
        staff.user_for_invitation(db.session, token)
    with pytest.raises(InvalidTransition):
        staff.resend_invitation(db.session, user.id)
    staff.set_staff_active(db.session, user.id, True)
    staff.resend_invitation(db.session, user.id)
    assert staff.user_for_invitation(db.session, _token(mailbox, "new@city.example")) == user


def test_resending_to_someone_with_a_password_is_refused(app):
    member = f.StaffFactory()
    with pytest.raises(InvalidTransition):
        staff.resend_invitation(db.session, member.id)


def test_only_staff_accounts_are_managed_here(app):
    admin = f.AdminFactory()
    with pytest.raises(NotFound):
        staff.set_staff_active(db.session, admin.id, False)
