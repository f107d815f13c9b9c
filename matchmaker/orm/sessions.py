"""Signed-in sessions kept on the server: the cookie names one, and only a live one lets in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, utcnow


class SessionEnd(enum.StrEnum):
    """Why a session ended (timeouts are not written: a session past them is simply not live)."""

    LOGOUT = "logout"
    ENDED_BY_USER = "ended_by_user"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    PASSWORD_RESET = "password_reset"  # noqa: S105
    DEACTIVATED = "deactivated"
    MFA_RESET = "mfa_reset"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class UserSession(Base):
    """One browser's session of a user, from login until it ends or times out."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_live", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # SHA-256 of the random secret the cookie carries; a stolen database row cannot be replayed.
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Refreshed at most every few minutes, so that reading a page does not write each time.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(30), default="")

    user: Mapped[User] = relationship()  # noqa: F821
