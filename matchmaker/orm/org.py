"""Cities and their offices."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class OfficeKind(enum.StrEnum):
    INTERNATIONAL_AFFAIRS = "international_affairs"
    ECONOMIC_DEVELOPMENT = "economic_development"
    REGIONAL_PARTNERSHIP = "regional_partnership"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class City(Base):
    __tablename__ = "city"
    __table_args__ = (UniqueConstraint("name", "state", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    state: Mapped[str] = mapped_column(String(2))
    country: Mapped[str] = mapped_column(String(2), default="US")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    offices: Mapped[list[Office]] = relationship(back_populates="city", order_by="Office.name")

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"


class Office(Base):
    __tablename__ = "office"
    __table_args__ = (UniqueConstraint("city_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[OfficeKind] = mapped_column(str_enum(OfficeKind, 40), index=True)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    sectors: Mapped[list] = mapped_column(default=list)
    states: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    city: Mapped[City] = relationship(back_populates="offices")
    staff: Mapped[list[User]] = relationship(back_populates="office")  # noqa: F821
    # Filled by queries that ask for it (the admin list: with_expression), else None.
    staff_count: Mapped[int | None] = query_expression()
    priorities: Mapped[list[Priority]] = relationship(back_populates="office")  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.name
