"""Engagements (meetings, calls, visits) of an introduction, and the outcomes and follow-ups of
an active partnership. Every change goes through services/introductions/engagements.py or
outcomes.py and appends an IntroductionEvent, so the introduction's history tells it all."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class EngagementKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    SITE_VISIT = "site_visit"
    DELEGATION = "delegation"
    EVENT = "event"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class EngagementMode(enum.StrEnum):
    VIRTUAL = "virtual"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class EngagementStatus(enum.StrEnum):
    PLANNED = "planned"  # invitations sent; the result comes after the date
    HAPPENED = "happened"
    CANCELLED = "cancelled"  # before (invitations withdrawn) or recorded as the result
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return {"no_show": "No-show"}.get(self.value, self.value.capitalize())


class Engagement(Base):
    __tablename__ = "engagement"
    __table_args__ = (
        # The introduction's page, and the dashboard's "this week" (by office, by time); with
        # the columns the metrics' split by mode reads, so it needs no row of the table.
        Index(
            "ix_engagement_intro_start",
            "introduction_id",
            "starts_at",
            "status",
            "office_id",
            "mode",
        ),
        Index(
            "ix_engagement_office_start",
            "office_id",
            "starts_at",
            "mode",
            "status",
            "staff_hours",
            "office_rating",
            "company_rating",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))  # the introduction's
    # The iCalendar UID: stable for the engagement's life, so updates replace the event.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: +1 per update
    kind: Mapped[EngagementKind] = mapped_column(str_enum(EngagementKind, 20))
    mode: Mapped[EngagementMode] = mapped_column(str_enum(EngagementMode, 20))
    status: Mapped[EngagementStatus] = mapped_column(
        str_enum(EngagementStatus, 20), default=EngagementStatus.PLANNED
    )
    starts_at: Mapped[datetime]  # UTC
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name the organiser chose
    duration_minutes: Mapped[int]
    location: Mapped[str] = mapped_column(String(300), default="")
    meeting_link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")  # internal: staff and admins only
    staff_ids: Mapped[list] = mapped_column(default=list)  # users of the office
    member_ids: Mapped[list] = mapped_column(default=list)  # users of the company
    guests: Mapped[list] = mapped_column(default=list)  # free text, "Name <email>" or a name
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    next_steps: Mapped[str] = mapped_column(Text, default="")
    staff_hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    office_rating: Mapped[int | None]
    company_rating: Mapped[int | None]
    company_rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    result_at: Mapped[datetime | None]  # when the result was recorded
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    introduction: Mapped[Introduction] = relationship()  # noqa: F821
    organiser: Mapped[User | None] = relationship(foreign_keys=[organiser_id])  # noqa: F821
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])  # noqa: F821

    __mapper_args__ = {"version_id_col": version}


class OutcomeKind(enum.StrEnum):
    INVESTMENT = "investment"
    PILOT = "pilot"
    OFFICE_OPENING = "office_opening"
    JOBS = "jobs"
    PROCUREMENT = "procurement"
    RESEARCH = "research"
    EXCHANGE = "exchange"  # cultural or sports exchange

    @property
    def label(self) -> str:
        if self is OutcomeKind.EXCHANGE:
            return "Cultural or sports exchange"
        return self.value.replace("_", " ").capitalize()


class Outcome(Base):
    """What an active partnership is expected to bring: one row per kind of result."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id"), index=True)
    kind: Mapped[OutcomeKind] = mapped_column(str_enum(OutcomeKind, 20))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str] = mapped_column(String(3), default="")  # ISO 4217 with an amount
    jobs_expected: Mapped[int | None]
    starts_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(Base):
    """A check 6 or 12 months after signing: what actually happened against the outcomes."""

    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("introduction_id", "months"),
        Index("ix_follow_up_office_due", "office_id", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    months: Mapped[int]  # 6 or 12
    due_on: Mapped[date]
    notified_at: Mapped[datetime | None]  # the "due" email went out (the daily run)
    actual_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    actual_currency: Mapped[str] = mapped_column(String(3), default="")
    actual_jobs: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    introduction: Mapped[Introduction] = relationship()  # noqa: F821
    done_by: Mapped[User | None] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}
