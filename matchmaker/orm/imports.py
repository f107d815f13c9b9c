"""Bulk company imports: the uploaded CSV kept between its preview and its import."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.orm.base import Base, str_enum, utcnow


class ImportStatus(enum.StrEnum):
    PREVIEWED = "previewed"
    IMPORTED = "imported"
    # An API import (services/companies/csv_import/queued.py): checked, waiting for its job,
    # being imported by it, or refused when the job found errors (`failure`, `row_errors`).
    QUEUED = "queued"
    RUNNING = "running"
    FAILED = "failed"


class ImportBatch(Base):
    """One uploaded file; stored in the database so any web process can import what another
    previewed."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    row_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[ImportStatus] = mapped_column(
        str_enum(ImportStatus, 20), default=ImportStatus.PREVIEWED
    )
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    imported_at: Mapped[datetime | None]
    failure: Mapped[str] = mapped_column(Text, default="")
    row_errors: Mapped[list] = mapped_column(default=list)  # [{"row", "name", "errors"}]
