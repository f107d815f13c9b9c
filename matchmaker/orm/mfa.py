"""Multi-factor authentication: a user's TOTP secret and their single-use recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.orm.base import Base, utcnow


class MfaCredential(Base):
    """One per user, written when the user confirms enrolment with a first code."""

    __tablename__ = "mfa_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    # Base32 TOTP secret (RFC 6238). Never logged, never put in an audit event or a flash.
    secret: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last accepted 30-second time step: a code of that step or an earlier one is a replay.
    last_step: Mapped[int | None] = mapped_column(BigInteger)

    def __repr__(self) -> str:  # without the secret, so it cannot leak through a log line
        return f"<MfaCredential user={self.user_id} enrolled={self.enrolled_at:%Y-%m-%d}>"


class MfaRecoveryCode(Base):
    """A single-use code that stands in for a TOTP code; only its SHA-256 digest is kept."""

    __tablename__ = "mfa_recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
