"""Items staff chose to feature in their city's briefing, each with a one-paragraph summary.

One mark per introduction (or the partnership it became); removing the mark deletes the row,
and every change appends an IntroductionEvent, so the introduction's history keeps the trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, utcnow


class BriefingFeature(Base):
    __tablename__ = "briefing_feature"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id"), unique=True)
    # The introduction's office: the briefing lists its city's features by this column.
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)  # written for officials: shown in the briefing
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    introduction: Mapped[Introduction] = relationship()  # noqa: F821
    marked_by: Mapped[User | None] = relationship(foreign_keys=[marked_by_id])  # noqa: F821
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])  # noqa: F821

    __mapper_args__ = {"version_id_col": version}
