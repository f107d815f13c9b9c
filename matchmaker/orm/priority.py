"""City priorities posted by offices."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class PriorityStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class Priority(Base):
    __tablename__ = "priority"
    __table_args__ = (
        Index("ix_priority_office_status", "office_id", "status"),
        # The office dashboard lists an office's priorities, most recently updated first.
        Index("ix_priority_office_updated", "office_id", "updated_at"),
        # Companies browse open priorities marked visible, newest first.
        Index("ix_priority_browse", "status", "visible_to_companies", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    title: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    naics_sectors: Mapped[list] = mapped_column(default=list)
    partnership_types: Mapped[list] = mapped_column(default=list)
    target_countries: Mapped[list] = mapped_column(default=list)
    horizon: Mapped[date | None]
    status: Mapped[PriorityStatus] = mapped_column(
        str_enum(PriorityStatus, 20), default=PriorityStatus.DRAFT, index=True
    )
    visible_to_companies: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    material_change_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    office: Mapped[Office] = relationship(back_populates="priorities")  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.title
