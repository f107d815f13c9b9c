"""Accounts: log in, change and reset passwords, create users."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker import passwords
from matchmaker.jobs import enqueue
from matchmaker.orm import AuthEvent, AuthEventKind, Role, SessionEnd, User, utcnow
from matchmaker.orm.accounts import new_session_token
from matchmaker.services.accounts import api_tokens
from matchmaker.services.accounts.auth_events import record_auth_event, request_origin
from matchmaker.services.accounts.sessions import end_all_sessions
from matchmaker.services.errors import DomainError
from matchmaker.services.mail import queue_email
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
    """The active user with this email and password, or None (recorded as a failed login).

    A success is recorded when the session starts (security.start_session), after any second
    factor, not here."""
    user = find_user(session, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        reason = "wrong password" if not ok else "account inactive"
        reason = "no such account" if user is None else reason
        record_auth_event(
            session,
            AuthEventKind.LOGIN_FAILED,
            user=user,
            email=normalise_email(email),
            detail=reason,
        )
        session.commit()
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.commit()
    return user


def record_lockout(session: Session, email: str, *, ip: str, detail: str, window: int) -> None:
    """Record that a login rate limit tripped: once per address, account and window, not for
    every refused attempt (a flood must not flood the table)."""
    email = normalise_email(email)[:254]
    since = utcnow() - timedelta(seconds=window)
    recent = select(AuthEvent.id).where(
        AuthEvent.kind == AuthEventKind.LOCKED_OUT,
        AuthEvent.at >= since,
        AuthEvent.email == email,
        AuthEvent.ip == ip[:45],
    )
    if session.scalar(recent.limit(1)) is not None:
        return
    user = find_user(session, email) if email else None
    record_auth_event(session, AuthEventKind.LOCKED_OUT, user=user, email=email, detail=detail)
    session.commit()


def _set_password(user: User, new_password: str) -> None:
    passwords.check_policy(new_password)
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()  # ends every other session of this user


def change_password(session: Session, user: User, current: str, new_password: str) -> None:
    """Replace the password after checking the current one; every session of the user ends
    (the caller starts a new one for the browser that changed it)."""
    if not passwords.verify_password(user.password_hash, current):
        raise WrongPassword("The current password is not correct.")
    try:
        _set_password(user, new_password)
    except passwords.WeakPassword as exc:
        raise DomainError(str(exc), field="new_password") from exc
    record_auth_event(session, AuthEventKind.PASSWORD_CHANGED, user=user)
    end_all_sessions(session, user, SessionEnd.PASSWORD_CHANGED)
    api_tokens.revoke_all_tokens(session, user, "password changed")
    session.commit()


def _reset_fingerprint(user: User) -> str:
    return fingerprint(f"{user.password_hash}|{user.session_token}")


def request_password_reset(session: Session, email: str) -> None:
    """Ask for a reset link by email; says nothing either way (no enumeration).

    The request does the same work whether or not the account exists, so its timing tells
    nothing either: it records a job, which looks the address up and emails the link."""
    ip, agent = request_origin()
    enqueue("send_password_reset", normalise_email(email), ip, agent)
    session.commit()


def send_password_reset(session: Session, email: str, ip: str = "", agent: str = "") -> None:
    """Job body: queue a reset link for an active account with this address, else nothing."""
    user = find_user(session, email)
    if user is None or not user.active:
        detail = "no such account" if user is None else "account inactive: nothing sent"
        record_auth_event(
            session,
            AuthEventKind.RESET_REQUESTED,
            user=user,
            email=normalise_email(email),
            detail=detail,
            ip=ip,
            user_agent=agent,
        )
        session.commit()
        return
    record_auth_event(
        session,
        AuthEventKind.RESET_REQUESTED,
        user=user,
        detail="link emailed",
        ip=ip,
        user_agent=agent,
    )
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
    record_auth_event(session, AuthEventKind.RESET_USED, user=user)
    end_all_sessions(session, user, SessionEnd.PASSWORD_RESET)
    api_tokens.revoke_all_tokens(session, user, "password reset")
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


def set_active(
    session: Session,
    user: User,
    active: bool,
    *,
    actor: User | None = None,
    detail: str = "",
    commit: bool = True,
) -> None:
    """Activate or deactivate an account (recorded); deactivation ends its sessions."""
    if user.active == active:
        return
    user.active = active
    if active:
        record_auth_event(
            session, AuthEventKind.ACCOUNT_REACTIVATED, user=user, actor=actor, detail=detail
        )
    else:
        user.session_token = new_session_token()
        record_auth_event(
            session, AuthEventKind.ACCOUNT_DEACTIVATED, user=user, actor=actor, detail=detail
        )
        end_all_sessions(session, user, SessionEnd.DEACTIVATED, actor=actor)
    if commit:
        session.commit()
