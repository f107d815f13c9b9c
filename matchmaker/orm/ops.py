"""Operational tables: the email outbox and the background jobs not yet done."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.orm.base import Base, str_enum, utcnow


class EmailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry; an admin can re-queue it


class OutboxEmail(Base):
    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(default=dict)
    # Files sent with the email (an invitation's .ics): [{"filename", "content_type", "data"}],
    # data in base64 so any file fits a JSON column; see services/mail.py Attachment.
    attachments: Mapped[list] = mapped_column(default=list)
    status: Mapped[EmailStatus] = mapped_column(
        str_enum(EmailStatus, 10), default=EmailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    transport: Mapped[str] = mapped_column(String(10), default="")


class JobStatus(enum.StrEnum):
    PENDING = "pending"  # recorded with its cause; waiting to be handed over or retried
    QUEUED = "queued"  # handed to the RQ queue
    RUNNING = "running"
    FAILED = "failed"  # gave up after the last retry; `flask retry-jobs` runs it again


class BackgroundJob(Base):
    """A job recorded in the transaction of the change that caused it; deleted once it ran.

    `name` is the job's stable registry name (matchmaker/jobs/registry.py), never a module path.
    """

    __tablename__ = "background_job"
    __table_args__ = (Index("ix_background_job_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[list] = mapped_column(default=list)
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus, 10), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    handed_at: Mapped[datetime | None]  # last handed to RQ, or started running
