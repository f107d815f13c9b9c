"""Admin-defined routing rules and the sensitive-partnership policy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, utcnow


class RoutingRule(Base):
    """Send matching new suggestions to target_office instead of the priority's own office.

    Rules are tried in `position` order; the first whose every non-empty condition holds wins.
    """

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(120))
    naics_prefix: Mapped[str] = mapped_column(String(6), default="")
    hq_country: Mapped[str] = mapped_column(String(2), default="")
    partnership_type: Mapped[str] = mapped_column(String(40), default="")
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"))
    target_office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    city: Mapped[City | None] = relationship()  # noqa: F821
    target_office: Mapped[Office] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name


class SensitiveCountry(Base):
    """One entry of the sensitivity policy: suggestions with companies headquartered here are
    flagged for admin review from `effective_from` on."""

    __tablename__ = "sensitive_country"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
