"""Multi-factor authentication: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

Every check of a code locks the user's row first (PostgreSQL; on SQLite a writing request
already holds the database's write lock), so two processes cannot both accept one code or both
slip under the throttle. Failures are counted from the MFA_FAILED auth events of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from matchmaker.orm import (
    AuthEvent,
    AuthEventKind,
    MfaCredential,
    MfaRecoveryCode,
    Role,
    SessionEnd,
    User,
    utcnow,
)
from matchmaker.orm.accounts import new_session_token
from matchmaker.services.accounts import mfa_codes
from matchmaker.services.accounts.auth_events import record_auth_event
from matchmaker.services.accounts.sessions import end_all_sessions
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.tokens import InvalidToken, make_token, read_token

ENROLMENT = "mfa-enrolment"


class InvalidCode(DomainError):
    field = "code"


class TooManyAttempts(DomainError):
    field = "code"


class EnrolmentExpired(DomainError):
    field = "code"


class MfaRequired(DomainError):
    """Admins may not turn two-step verification off."""


class NotEnrolled(DomainError):
    """The account has no two-step verification to check or reset."""


class AlreadyEnrolled(DomainError):
    """The account already has two-step verification."""


@dataclass(frozen=True)
class Enrolment:
    """A secret being set up: shown as a QR code and as text, carried by a signed token."""

    secret: str
    token: str
    uri: str

    @property
    def grouped_secret(self) -> str:
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))


@dataclass(frozen=True)
class MfaStatus:
    enrolled_at: datetime
    recovery_codes_left: int


def credential_of(session: Session, user: User) -> MfaCredential | None:
    return session.scalar(select(MfaCredential).where(MfaCredential.user_id == user.id))


def is_enrolled(session: Session, user: User) -> bool:
    return credential_of(session, user) is not None


def must_enrol(session: Session, user: User) -> bool:
    """Admins may use nothing before they have set up two-step verification."""
    return user.role == Role.ADMIN and not is_enrolled(session, user)


def needs_second_step(session: Session, user: User) -> bool:
    """After the password: a code to give, or (admins without MFA) an enrolment to finish."""
    return user.role == Role.ADMIN or is_enrolled(session, user)


def status(session: Session, user: User) -> MfaStatus | None:
    credential = credential_of(session, user)
    if credential is None:
        return None
    left = mfa_codes.recovery_codes_left(session, user)
    return MfaStatus(enrolled_at=credential.enrolled_at, recovery_codes_left=left)


def start_enrolment(user: User, token: str | None = None) -> Enrolment:
    """A fresh secret, or the one a still-valid enrolment form carries (a code was mistyped)."""
    secret = None
    if token:
        try:
            secret = _secret_from(user, token)
        except EnrolmentExpired:
            secret = None
    secret = secret or pyotp.random_base32()
    issuer = current_app.config["MFA_ISSUER"]
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    signed = make_token(ENROLMENT, {"uid": user.id, "secret": secret})
    return Enrolment(secret=secret, token=signed, uri=uri)


def confirm_enrolment(
    session: Session, user: User, token: str, code: str, now: datetime | None = None
) -> list[str]:
    """Turn MFA on once a first code proves the app has the secret; returns the recovery codes."""
    now = now or utcnow()
    secret = _secret_from(user, token)
    _lock(session, user)
    if _locked_credential(session, user) is not None:
        raise AlreadyEnrolled("Two-step verification is already on for this account.")
    failures = _check_throttle(session, user, now)
    step = mfa_codes.matching_step(secret, mfa_codes.normalise(code), now, after=None)
    if step is None:
        _fail(session, user, "enrolment", failures)
        raise InvalidCode("This code is not correct. Check the time on your phone and try again.")
    session.add(MfaCredential(user_id=user.id, secret=secret, enrolled_at=now, last_step=step))
    codes = mfa_codes.replace_recovery_codes(session, user)
    record_auth_event(session, AuthEventKind.MFA_ENROLLED, user=user)
    session.commit()
    return codes


def verify(
    session: Session, user: User, code: str, purpose: str = "login", now: datetime | None = None
) -> str:
    """Accept a current TOTP code or an unused recovery code: 'totp' or 'recovery'."""
    method = _verify(session, user, code, purpose, now or utcnow())
    session.commit()
    return method


def turn_off(session: Session, user: User, code: str, now: datetime | None = None) -> None:
    """Office staff and company members may turn MFA off with a current code."""
    if user.role == Role.ADMIN:
        raise MfaRequired("Admins must keep two-step verification on.")
    _verify(session, user, code, "turn off", now or utcnow())
    _clear(session, user)
    record_auth_event(session, AuthEventKind.MFA_RESET, user=user, detail="turned off by the user")
    session.commit()


def regenerate_recovery_codes(
    session: Session, user: User, code: str, now: datetime | None = None
) -> list[str]:
    """Replace every recovery code (used or not) with ten new ones, after a current code."""
    _verify(session, user, code, "new recovery codes", now or utcnow())
    codes = mfa_codes.replace_recovery_codes(session, user)
    session.commit()
    return codes


def reset_mfa(session: Session, user_id: int, actor: User | None) -> User:
    """An admin (None: the command line) removes a user's MFA; an admin enrols again at login."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    if actor is not None and user.id == actor.id:
        raise DomainError("Another admin must reset your own two-step verification.")
    if not is_enrolled(session, user):
        raise NotEnrolled(f"{user.email} has no two-step verification to reset.")
    _clear(session, user)
    # The lost factor may be in someone else's hands: end the user's sessions too.
    user.session_token = new_session_token()
    end_all_sessions(session, user, SessionEnd.MFA_RESET, actor=actor)
    detail = "reset by an admin" if actor is not None else "reset from the command line"
    record_auth_event(session, AuthEventKind.MFA_RESET, user=user, actor=actor, detail=detail)
    session.commit()
    return user


def users_query(search: str = "", role: str = "") -> Select:
    """Users for the admin list, by email; optionally filtered by a search and a role."""
    query = select(User).order_by(User.email)
    if search:
        query = query.where(
            or_(
                User.email.icontains(search, autoescape=True),
                User.name.icontains(search, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return query


def enrolled_among(session: Session, user_ids: list[int]) -> dict[int, datetime]:
    """When each of these users enrolled, for those who did (one query for a page of users)."""
    rows = session.execute(
        select(MfaCredential.user_id, MfaCredential.enrolled_at).where(
            MfaCredential.user_id.in_(user_ids)
        )
    )
    return dict(rows.tuples().all())


def _verify(session: Session, user: User, code: str, purpose: str, now: datetime) -> str:
    _lock(session, user)
    credential = _locked_credential(session, user)
    if credential is None:
        raise NotEnrolled("Two-step verification is not on for this account.")
    failures = _check_throttle(session, user, now)
    value = mfa_codes.normalise(code)
    if len(value) == 6 and value.isdigit():
        step = mfa_codes.matching_step(credential.secret, value, now, after=credential.last_step)
        if step is not None:
            credential.last_step = step
            record_auth_event(session, AuthEventKind.MFA_USED, user=user, detail=purpose)
            return "totp"
        if mfa_codes.matching_step(credential.secret, value, now, after=None) is not None:
            _fail(session, user, f"{purpose}: code used before", failures)
            raise InvalidCode("This code was already used. Wait for the next code in your app.")
    elif mfa_codes.use_recovery_code(session, user, value, now):
        left = status(session, user)
        detail = f"{purpose}; {left.recovery_codes_left if left else 0} left"
        record_auth_event(session, AuthEventKind.MFA_RECOVERY_USED, user=user, detail=detail)
        return "recovery"
    _fail(session, user, purpose, failures)
    raise InvalidCode("This code is not correct.")


def _lock(session: Session, user: User) -> None:
    session.execute(select(User.id).where(User.id == user.id).with_for_update())


def _locked_credential(session: Session, user: User) -> MfaCredential | None:
    # Read again under the lock: another process may have just accepted a code.
    query = select(MfaCredential).where(MfaCredential.user_id == user.id)
    return session.scalar(query.execution_options(populate_existing=True))


def _check_throttle(session: Session, user: User, now: datetime) -> int:
    """The user's wrong codes in the window; TooManyAttempts once they reach the limit."""
    window = current_app.config["MFA_FAILURE_WINDOW"]
    failures = session.scalar(
        select(func.count())
        .select_from(AuthEvent)
        .where(
            AuthEvent.user_id == user.id,
            AuthEvent.kind == AuthEventKind.MFA_FAILED,
            AuthEvent.at > now - timedelta(seconds=window),
        )
    )
    if failures >= current_app.config["MFA_MAX_FAILURES"]:
        minutes = max(1, window // 60)
        raise TooManyAttempts(f"Too many wrong codes. Wait {minutes} minutes and try again.")
    return failures


def _fail(session: Session, user: User, purpose: str, failures_before: int) -> None:
    # Committed at once: the failure must count even though the request ends in an error.
    record_auth_event(session, AuthEventKind.MFA_FAILED, user=user, detail=purpose)
    if failures_before + 1 >= current_app.config["MFA_MAX_FAILURES"]:
        record_auth_event(session, AuthEventKind.LOCKED_OUT, user=user, detail="wrong MFA codes")
    session.commit()


def _secret_from(user: User, token: str) -> str:
    try:
        payload = read_token(ENROLMENT, token, current_app.config["MFA_ENROLMENT_MAX_AGE"])
    except InvalidToken as exc:
        raise EnrolmentExpired("The set-up expired. Scan the new QR code and try again.") from exc
    if payload.get("uid") != user.id or not isinstance(payload.get("secret"), str):
        raise EnrolmentExpired("The set-up expired. Scan the new QR code and try again.")
    return payload["secret"]


def _clear(session: Session, user: User) -> None:
    session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id))
    session.execute(delete(MfaCredential).where(MfaCredential.user_id == user.id))
