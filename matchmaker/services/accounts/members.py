"""Company members: invite colleagues by email, accept an invitation, remove a member."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from matchmaker import passwords
from matchmaker.orm import Company, Role, User, utcnow
from matchmaker.orm.accounts import new_session_token
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.errors import DomainError, InvalidTransition, NotFound
from matchmaker.services.mail import queue_email
from matchmaker.text import check_text
from matchmaker.tokens import InvalidToken, fingerprint, make_token, read_token
from matchmaker.urls import external_url

INVITATION = "company-invitation"


def _fingerprint(user: User) -> str:
    # Changes once the invitation sets a password: the link works once.
    return fingerprint(f"{user.password_hash}|{user.session_token}")


class AlreadyMember(DomainError):
    """The address belongs to an active member of the company already."""

    field = "email"


def _renew(session: Session, user: User, name: str, inviter: User) -> User:
    """Let a removed member, or an invitee who never accepted, in again by a fresh invitation."""
    if user.password_hash is None and user.last_login_at is None:
        # Never used: a new account, so the invitation's lifetime starts again.
        email, company_id = user.email, user.company_id
        session.delete(user)
        session.flush()
        return accounts.create_user(
            session,
            email,
            Role.COMPANY_MEMBER,
            name=name.strip(),
            company_id=company_id,
            commit=False,
        )
    # A former member: their history stays, a new link lets them in.
    accounts.set_active(session, user, True, actor=inviter, commit=False)
    user.session_token = new_session_token()  # links sent before stop working
    return user


def _tell_account_holder(session: Session, user: User, company: Company, inviter: User) -> None:
    body = render_template(
        "email/company_invitation_refused.txt",
        company=company,
        inviter=inviter,
        login=external_url("auth.login"),
    )
    queue_email(session, user.email, f"Invitation to join {company.name} on Matchmaker", body)


def invite_member(
    session: Session, company_id: int, inviter: User, name: str, email: str
) -> User | None:
    """Email a colleague a link to join the company (a new account without a password, or a
    removed member let back in). An address with another account gets a notice instead and
    nothing changes; the caller answers alike, so the form reveals no accounts (None)."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("No such company.")
    existing = accounts.find_user(session, email)
    if existing is None:
        user = accounts.create_user(
            session,
            email,
            Role.COMPANY_MEMBER,
            name=name.strip(),
            company_id=company_id,
            commit=False,
        )
    elif existing.company_id == company_id and existing.role == Role.COMPANY_MEMBER:
        if existing.active and existing.password_hash:
            raise AlreadyMember(f"{existing.email} is already a member of {company.name}.")
        user = _renew(session, existing, name, inviter)
    else:
        _tell_account_holder(session, existing, company, inviter)
        session.commit()
        return None
    token = make_token(INVITATION, {"uid": user.id, "fp": _fingerprint(user)})
    days = current_app.config["INVITATION_MAX_AGE"] // 86400
    body = render_template(
        "email/company_invitation.txt",
        company=company,
        inviter=inviter,
        link=external_url("signup.accept_invitation", token=token),
        days=days,
    )
    queue_email(session, user.email, f"Join {company.name} on Matchmaker", body)
    session.commit()
    return user


def invited_user(session: Session, token: str) -> User:
    """The user an invitation is for, or InvalidToken when it is expired or used."""
    payload = read_token(INVITATION, token, current_app.config["INVITATION_MAX_AGE"])
    user = session.get(User, payload.get("uid", 0))
    if user is None or not user.active or payload.get("fp") != _fingerprint(user):
        raise InvalidToken("This invitation has already been used or is no longer valid.")
    return user


def accept_invitation(session: Session, token: str, name: str, password: str) -> User:
    """Set the invited member's name and password; the account is confirmed by the link."""
    user = invited_user(session, token)
    check_text({"name": name})
    try:
        passwords.check_policy(password)
    except passwords.WeakPassword as exc:
        raise DomainError(str(exc), field="password") from exc
    user.name = name.strip()
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = user.email_confirmed_at = utcnow()
    user.session_token = new_session_token()
    session.commit()
    return user


def remove_member(session: Session, company_id: int, member_id: int, acting: User) -> User:
    """Deactivate a colleague's account; nobody removes themselves or the last active member."""
    member = session.scalar(select(User).where(User.id == member_id, User.company_id == company_id))
    if member is None:
        raise NotFound("No such member.")
    if member.id == acting.id:
        raise InvalidTransition("You cannot remove yourself; delete the company account instead.")
    if not member.active:
        raise InvalidTransition("This member was already removed.")
    accounts.set_active(session, member, False, actor=acting, commit=False)  # ends their sessions
    session.commit()
    return member


def member_list(company_id: int) -> Select:
    """A company's members, active ones first."""
    return (
        select(User)
        .where(User.company_id == company_id)
        .order_by(User.active.desc(), User.name, User.id)
    )
