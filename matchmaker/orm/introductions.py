"""Introductions: an office's consented contact with a company, from the request onward.

An Introduction starts when an office accepts a suggestion (or a company's expressed interest)
and moves through IntroductionStage by one service (services/introductions/transitions.py), each
step an append-only IntroductionEvent. Contact details cross only after both sides said yes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class IntroductionStage(enum.StrEnum):
    REQUESTED = "requested"  # waiting for the company's answer
    INTRODUCED = "introduced"  # the company accepted: both sides see each other's contacts
    DECLINED = "declined"  # the company said no
    EXPIRED = "expired"  # no answer within the time limit
    WITHDRAWN = "withdrawn"  # the office took its request back before the company answered
    ENGAGED = "engaged"  # a first engagement (meeting, call...) was logged
    AGREEMENT_DRAFTED = "agreement_drafted"
    AGREEMENT_SIGNED = "agreement_signed"
    ACTIVE = "active"  # an active partnership
    CLOSED = "closed"  # ended, with a reason

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    IntroductionStage.REQUESTED: "Waiting for the company",
    IntroductionStage.INTRODUCED: "Introduced",
    IntroductionStage.DECLINED: "Declined by the company",
    IntroductionStage.EXPIRED: "No answer",
    IntroductionStage.WITHDRAWN: "Withdrawn by the office",
    IntroductionStage.ENGAGED: "Engaged",
    IntroductionStage.AGREEMENT_DRAFTED: "Agreement drafted",
    IntroductionStage.AGREEMENT_SIGNED: "Agreement signed",
    IntroductionStage.ACTIVE: "Active partnership",
    IntroductionStage.CLOSED: "Closed",
}

# Both sides said yes: from here on each sees the other's contact people and may write.
CONNECTED = frozenset(
    {
        IntroductionStage.INTRODUCED,
        IntroductionStage.ENGAGED,
        IntroductionStage.AGREEMENT_DRAFTED,
        IntroductionStage.AGREEMENT_SIGNED,
        IntroductionStage.ACTIVE,
        IntroductionStage.CLOSED,
    }
)


class Introduction(Base):
    __tablename__ = "introduction"
    __table_args__ = (
        # The office's list (by stage, newest first) and the company's list.
        Index("ix_introduction_office_stage", "office_id", "stage", "requested_at"),
        Index("ix_introduction_company_stage", "company_id", "stage", "requested_at"),
        # The daily run: requests still waiting, oldest first.
        Index("ix_introduction_stage_requested", "stage", "requested_at"),
        # Metrics: the funnel of a period's suggestions from this index alone (grouped by
        # suggestion, no event or agreement join).
        Index(
            "ix_introduction_funnel",
            "suggestion_id",
            "requested_at",
            "stage",
            "reached_step",
            "introduced_at",
            "engaged_at",
            "signed_at",
            "active_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_introduction_funnel (its first column).
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"))
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The office's note to the company, shown on the request.
    note: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[IntroductionStage] = mapped_column(
        str_enum(IntroductionStage, 20), default=IntroductionStage.REQUESTED
    )
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    close_reason: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # What its events and signed agreements say, kept on the row by services/introductions/
    # milestones.py in the transaction of each event or signature (the metrics' funnel reads
    # them): the furthest funnel step reached (1 requested .. 5 active) and when each step was
    # first reached (signed: the first signed agreement, else the first "signed" event).
    reached_step: Mapped[int] = mapped_column(default=1, server_default="1")
    introduced_at: Mapped[datetime | None]
    engaged_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    active_at: Mapped[datetime | None]

    suggestion: Mapped[Suggestion] = relationship()  # noqa: F821
    office: Mapped[Office] = relationship()  # noqa: F821
    company: Mapped[Company] = relationship()  # noqa: F821
    priority: Mapped[Priority] = relationship()  # noqa: F821
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])  # noqa: F821
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])  # noqa: F821
    events: Mapped[list[IntroductionEvent]] = relationship(
        back_populates="introduction", order_by="IntroductionEvent.id"
    )
    messages: Mapped[list[IntroductionMessage]] = relationship(
        back_populates="introduction", order_by="IntroductionMessage.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def connected(self) -> bool:
        """Both sides said yes: contact details and messages are open."""
        return self.stage in CONNECTED


class IntroductionEvent(Base):
    """One transition of an introduction: never updated, never deleted."""

    __tablename__ = "introduction_event"
    __table_args__ = (
        # Metrics: when an introduction first reached a stage (one index lookup per stage).
        Index("ix_introduction_event_stage", "introduction_id", "to_stage", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")

    introduction: Mapped[Introduction] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()  # noqa: F821


class IntroductionMessage(Base):
    """A message of the thread between the office and the company, kept in the record."""

    __tablename__ = "introduction_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    side: Mapped[str] = mapped_column(String(10))  # "office" or "company"
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    introduction: Mapped[Introduction] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()  # noqa: F821


class IntroductionBlock(Base):
    """A company asked for no more introductions from an office: ranking and the queue skip it."""

    __tablename__ = "introduction_block"
    __table_args__ = (UniqueConstraint("company_id", "office_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    office: Mapped[Office] = relationship()  # noqa: F821
