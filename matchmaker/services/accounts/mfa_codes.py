"""The codes themselves: TOTP steps (RFC 6238, pyotp) and hashed single-use recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from matchmaker.orm import MfaRecoveryCode, User

DRIFT = 1  # time steps accepted either side of now, for a phone whose clock is a little off
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o or 1/l/i: easy to copy by hand


def matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step near now whose code this is, later than `after` (else it is a replay)."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def normalise(code: str | None) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())[:32]


def digest(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    """Mark the recovery code used; False when it is unknown or was used before."""
    if len(code) != 10:
        return False
    result = session.execute(
        update(MfaRecoveryCode)
        .where(
            MfaRecoveryCode.user_id == user.id,
            MfaRecoveryCode.code_hash == digest(user.id, code),
            MfaRecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return result.rowcount == 1


def replace_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user.id))
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODES:
        codes.add("".join(secrets.choice(_ALPHABET) for _ in range(10)))
    session.add_all(MfaRecoveryCode(user_id=user.id, code_hash=digest(user.id, c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in sorted(codes)]


def recovery_codes_left(session: Session, user: User) -> int:
    query = select(func.count()).select_from(MfaRecoveryCode)
    query = query.where(MfaRecoveryCode.user_id == user.id, MfaRecoveryCode.used_at.is_(None))
    return session.scalar(query) or 0
