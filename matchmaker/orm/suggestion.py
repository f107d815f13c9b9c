"""Suggested partnerships (priority x interest profile) and their append-only history."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class SuggestionStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    INTRODUCED = "introduced"
    ENGAGED = "engaged"
    AGREEMENT = "agreement"
    DECLINED = "declined"
    COMPANY_DECLINED = "company_declined"
    SNOOZED = "snoozed"
    EXPIRED = "expired"
    # The office proposed an introduction and the company never answered: back in the queue.
    NO_ANSWER = "no_answer"


# States that re-ranking may still rewrite; every other state is someone's decision.
RERANKABLE = (SuggestionStatus.SUGGESTED, SuggestionStatus.EXPIRED)


class Suggestion(Base):
    __tablename__ = "suggestion"
    __table_args__ = (
        UniqueConstraint("priority_id", "profile_id"),
        # The office queue: routed office, status, best score first, id as the keyset tie-breaker.
        Index("ix_suggestion_queue", "routed_office_id", "status", "score", "id"),
        Index("ix_suggestion_profile", "profile_id"),
        # Digests and the admin backlog: what was routed to an office since a given time.
        Index("ix_suggestion_routed", "routed_office_id", "routed_at"),
        # Metrics: an office's suggestions created in a period, and how far each went (covering).
        Index("ix_suggestion_office_created", "routed_office_id", "created_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"))
    profile_id: Mapped[int] = mapped_column(ForeignKey("interest_profile.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    components: Mapped[dict] = mapped_column(default=dict)
    explanation: Mapped[dict] = mapped_column(default=dict)
    model_version: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[SuggestionStatus] = mapped_column(
        str_enum(SuggestionStatus, 20), default=SuggestionStatus.SUGGESTED
    )
    routed_office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    routing_rule_id: Mapped[int | None]
    # When the suggestion reached its current office (routing, reassignment or a cleared flag).
    routed_at: Mapped[datetime | None]
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_rationale: Mapped[str] = mapped_column(Text, default="")
    company_initiated: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    snoozed_until: Mapped[date | None]
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    priority: Mapped[Priority] = relationship()  # noqa: F821
    profile: Mapped[InterestProfile] = relationship()  # noqa: F821
    company: Mapped[Company] = relationship()  # noqa: F821
    routed_office: Mapped[Office | None] = relationship()  # noqa: F821
    assigned_to: Mapped[User | None] = relationship()  # noqa: F821
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="suggestion", order_by="ReviewEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def awaiting_admin(self) -> bool:
        """Flagged as sensitive and not yet decided by an admin: the office may not act."""
        return self.flagged and not self.flag_rationale


class ReviewEvent(Base):
    """One transition of a suggestion: never updated, never deleted."""

    __tablename__ = "review_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")

    suggestion: Mapped[Suggestion] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()  # noqa: F821
