"""Users and their roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICE_STAFF = "office_staff"
    COMPANY_MEMBER = "company_member"

    @property
    def label(self) -> str:
        return {
            "admin": "Admin",
            "office_staff": "Office staff",
            "company_member": "Company member",
        }[self.value]


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, Base):
    __tablename__ = "user"
    __table_args__ = (
        # A staff member belongs to an office, a company member to a company, an admin to neither.
        CheckConstraint(
            "(role = 'admin' AND office_id IS NULL AND company_id IS NULL)"
            " OR (role = 'office_staff' AND office_id IS NOT NULL AND company_id IS NULL)"
            " OR (role = 'company_member' AND company_id IS NOT NULL AND office_id IS NULL)",
            name="role_membership",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, 20), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None]
    # Rotated on password change and deactivation, so every other session of the user ends.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Email about newly routed suggestions (staff): "immediate", "daily" (digest) or "off".
    notify_mode: Mapped[str] = mapped_column(String(10), default="daily")
    digest_sent_at: Mapped[datetime | None]

    office: Mapped[Office | None] = relationship(back_populates="staff")  # noqa: F821
    company: Mapped[Company | None] = relationship(back_populates="members")  # noqa: F821

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role == Role.OFFICE_STAFF

    @property
    def is_company(self) -> bool:
        return self.role == Role.COMPANY_MEMBER

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
