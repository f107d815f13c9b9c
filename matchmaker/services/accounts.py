"""Accounts: log in, change and reset passwords, create users."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker import passwords
from matchmaker.orm import Role, User, utcnow
from matchmaker.orm.accounts import new_session_token
from matchmaker.services.errors import DomainError
from matchmaker.services.mail import kick_outbox, queue_email
from matchmaker.text import check_text
from matchmaker.tokens import InvalidToken, fingerprint, make_token, read_token
from matchmaker.urls import external_url

RESET = "password-reset"


class WrongPassword(DomainError):
    field = "current_password"


class DuplicateEmail(DomainError):
    field = "email"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None; records the login."""
    user = find_user(session, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.commit()
    return user


def _set_password(user: User, new_password: str) -> None:
    passwords.check_policy(new_password)
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()  # ends every other session of this user


def change_password(session: Session, user: User, current: str, new_password: str) -> None:
    """Replace the password after checking the current one."""
    if not passwords.verify_password(user.password_hash, current):
        raise WrongPassword("The current password is not correct.")
    try:
        _set_password(user, new_password)
    except passwords.WeakPassword as exc:
        raise DomainError(str(exc), field="new_password") from exc
    session.commit()


def _reset_fingerprint(user: User) -> str:
    return fingerprint(f"{user.password_hash}|{user.session_token}")


def request_password_reset(session: Session, email: str) -> None:
    """Email a reset link if the account exists; says nothing either way (no enumeration)."""
    user = find_user(session, email)
    if user is None or not user.active:
        return
    token = make_token(RESET, {"uid": user.id, "fp": _reset_fingerprint(user)})
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    body = render_template(
        "email/password_reset.txt",
        user=user,
        link=external_url("auth.reset_password", token=token),
        minutes=minutes,
    )
    queue_email(session, user.email, "Reset your Matchmaker password", body)
    session.commit()
    kick_outbox()


def user_for_reset(session: Session, token: str) -> User:
    """The user a reset token is for, or InvalidToken when it is expired or used."""
    payload = read_token(RESET, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = session.get(User, payload.get("uid", 0))
    if user is None or not user.active or payload.get("fp") != _reset_fingerprint(user):
        raise InvalidToken("This link has already been used or is no longer valid.")
    return user


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set a new password from a valid, unused reset token."""
    user = user_for_reset(session, token)
    try:
        _set_password(user, new_password)
    except passwords.WeakPassword as exc:
        raise DomainError(str(exc), field="password") from exc
    session.commit()
    return user


def create_user(
    session: Session,
    email: str,
    role: Role,
    *,
    name: str = "",
    password: str | None = None,
    office_id: int | None = None,
    company_id: int | None = None,
    commit: bool = True,
) -> User:
    """Create an account; without a password it can only be entered through an emailed link."""
    check_text({"email": email, "name": name})
    if find_user(session, email) is not None:
        raise DuplicateEmail("An account with this email address already exists.")
    user = User(
        email=normalise_email(email),
        name=name,
        role=role,
        office_id=office_id,
        company_id=company_id,
        email_confirmed_at=utcnow() if password else None,
    )
    if password is not None:
        try:
            _set_password(user, password)
        except passwords.WeakPassword as exc:
            raise DomainError(str(exc), field="password") from exc
    session.add(user)
    if commit:
        session.commit()
    else:
        session.flush()
    return user


def set_active(session: Session, user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions."""
    user.active = active
    if not active:
        user.session_token = new_session_token()
    session.commit()
