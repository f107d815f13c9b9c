"""Authentication events: an append-only record of who signed in, failed, reset or ended what."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class AuthEventKind(enum.StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    LOGOUT = "logout"
    RESET_REQUESTED = "reset_requested"
    RESET_USED = "reset_used"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name
    MFA_ENROLLED = "mfa_enrolled"
    MFA_USED = "mfa_used"
    MFA_FAILED = "mfa_failed"
    MFA_RECOVERY_USED = "mfa_recovery_used"
    MFA_RESET = "mfa_reset"
    SESSION_ENDED = "session_ended"
    ROLE_CHANGED = "role_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    MEMBERSHIP_CHANGED = "membership_changed"  # a member moved to another company (a merge)
    API_TOKEN_CREATED = "api_token_created"  # noqa: S105 - an event name
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105 - an event name

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize().replace("Mfa", "MFA").replace("Api", "API")


class AuthEvent(Base):
    """One authentication event. Never holds a password, a token or a one-time code."""

    __tablename__ = "auth_event"
    __table_args__ = (Index("ix_auth_event_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[AuthEventKind] = mapped_column(str_enum(AuthEventKind, 30))
    # The account concerned; null when the address matches no account (a failed login).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The address typed or the account's address at the time (kept if the user goes away).
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    # Who acted when it was not the user themselves (an admin resetting MFA or changing a role).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])  # noqa: F821
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])  # noqa: F821
