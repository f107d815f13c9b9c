"""Office staff: invited by email to set a password, deactivated by admins."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from matchmaker import passwords
from matchmaker.orm import Office, Role, User, utcnow
from matchmaker.orm.accounts import new_session_token
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.errors import DomainError, InvalidTransition, NotFound
from matchmaker.services.mail import queue_email
from matchmaker.tokens import InvalidToken, fingerprint, make_token, read_token
from matchmaker.urls import external_url

INVITATION = "staff-invitation"


def _fingerprint(user: User) -> str:
    # Changes when the password is set (single use) and when the account is deactivated.
    return fingerprint(f"{user.password_hash}|{user.session_token}")


def _queue_invitation(session: Session, user: User, invited_by: User | None) -> None:
    token = make_token(INVITATION, {"uid": user.id, "fp": _fingerprint(user)})
    days = max(1, current_app.config["INVITATION_MAX_AGE"] // 86400)
    body = render_template(
        "email/staff_invitation.txt",
        user=user,
        office=user.office,
        invited_by=invited_by,
        link=external_url("organisations.accept_invitation", token=token),
        days=days,
    )
    queue_email(session, user.email, f"You are invited to Matchmaker: {user.office.name}", body)


def invite_staff(
    session: Session, office_id: int, email: str, name: str = "", invited_by: User | None = None
) -> User:
    """Create a staff account without a password and email it a link to set one."""
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound("No such office.")
    # No password: login is impossible until the invitation link is used.
    user = accounts.create_user(
        session, email, Role.OFFICE_STAFF, name=name.strip(), office_id=office.id, commit=False
    )
    _queue_invitation(session, user, invited_by)
    session.commit()
    return user


def _staff(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.role != Role.OFFICE_STAFF:
        raise NotFound("No such staff member.")
    return user


def resend_invitation(session: Session, user_id: int, invited_by: User | None = None) -> User:
    """Email a fresh invitation link to a staff member who has not set a password yet."""
    user = _staff(session, user_id)
    if user.password_hash is not None:
        raise InvalidTransition("This staff member has already set a password.")
    if not user.active:
        raise InvalidTransition("Reactivate this staff member before inviting them again.")
    _queue_invitation(session, user, invited_by)
    session.commit()
    return user


def user_for_invitation(session: Session, token: str) -> User:
    """The invited staff member of a valid, unused invitation token, or InvalidToken."""
    payload = read_token(INVITATION, token, current_app.config["INVITATION_MAX_AGE"])
    user = session.get(User, payload.get("uid", 0))
    if (
        user is None
        or user.role != Role.OFFICE_STAFF
        or not user.active
        or user.password_hash is not None
        or payload.get("fp") != _fingerprint(user)
    ):
        raise InvalidToken("This invitation has already been used or is no longer valid.")
    return user


def accept_invitation(session: Session, token: str, new_password: str) -> User:
    """Set the invited staff member's first password; the link then stops working."""
    user = user_for_invitation(session, token)
    try:
        passwords.check_policy(new_password)
    except passwords.WeakPassword as exc:
        raise DomainError(str(exc), field="password") from exc
    now = utcnow()
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now
    user.email_confirmed_at = user.email_confirmed_at or now  # the link proved the address
    user.session_token = new_session_token()
    session.commit()
    return user


def set_staff_active(
    session: Session, user_id: int, active: bool, actor: User | None = None
) -> User:
    """Deactivate (ending their sessions and invitation links) or reactivate a staff member."""
    user = _staff(session, user_id)
    accounts.set_active(session, user, active, actor=actor)
    return user


def staff_query(office_id: int) -> Select:
    """The staff of an office, by email."""
    return select(User).where(User.office_id == office_id).order_by(User.email)
