"""Companies and their interest profiles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class CompanyStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # signed up, email not yet confirmed
    PENDING_VERIFICATION = "pending_verification"  # looks like a duplicate: an admin decides
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"  # anonymised at the company's request
    MERGED = "merged"  # a duplicate folded into merged_into_id by an admin


class ProfileStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"


class Company(Base):
    __tablename__ = "company"
    __table_args__ = (Index("ix_company_status_name", "status", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    website_domain: Mapped[str | None] = mapped_column(String(253), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    hq_country: Mapped[str] = mapped_column(String(2), index=True)
    size: Mapped[str] = mapped_column(String(10), default="sme")
    naics_sectors: Mapped[list] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[CompanyStatus] = mapped_column(
        str_enum(CompanyStatus, 30), default=CompanyStatus.UNCONFIRMED
    )
    verification_note: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    # The office whose CSV import created the company: only that office's imports may change it
    # (admins' imports may change any). None for sign-ups and for companies an admin imported.
    created_by_office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    # Unconfirmed sign-ups older than a week are deleted by `expire-signups`: it filters on this.
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    members: Mapped[list[User]] = relationship(back_populates="company")  # noqa: F821
    profiles: Mapped[list[InterestProfile]] = relationship(
        back_populates="company", order_by="InterestProfile.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name


class InterestProfile(Base):
    __tablename__ = "interest_profile"
    __table_args__ = (Index("ix_interest_profile_status_updated", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    partnership_types: Mapped[list] = mapped_column(default=list)
    naics_sectors: Mapped[list] = mapped_column(default=list)
    states: Mapped[list] = mapped_column(default=lambda: ["any"])
    interests: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProfileStatus] = mapped_column(
        str_enum(ProfileStatus, 20), default=ProfileStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the content ranking reads last changed: a decline is revisited only after this moves.
    material_change_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminder_sent_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    company: Mapped[Company] = relationship(back_populates="profiles")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.title
