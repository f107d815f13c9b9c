"""The distributed re-rank's bookkeeping: one row per run, one per chunk of its priorities."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class RerankStatus(enum.StrEnum):
    PENDING = "pending"  # a run waiting for its coordinator; a chunk waiting for a worker
    RUNNING = "running"
    FINISHING = "finishing"  # a run whose chunks are done: the last expiries are being written
    DONE = "done"
    FAILED = "failed"  # a run with a chunk that failed for good; a chunk out of attempts


IN_PROGRESS = (RerankStatus.PENDING, RerankStatus.RUNNING, RerankStatus.FINISHING)


class RerankRun(Base):
    """A distributed full re-rank: `flask rank --distributed`.

    `active` is True while the run is in progress and NULL after: being unique, it lets one run
    at a time exist in progress, race-free on every database (NULLs never collide)."""

    __tablename__ = "rerank_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[RerankStatus] = mapped_column(
        str_enum(RerankStatus, 10), default=RerankStatus.PENDING
    )
    active: Mapped[bool | None] = mapped_column(unique=True, default=True)
    model_version: Mapped[str] = mapped_column(String(140), default="")
    data_version: Mapped[str] = mapped_column(String(64), default="")
    artefact: Mapped[str] = mapped_column(Text, default="")  # the file the chunk jobs load
    chunks_total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict] = mapped_column(default=dict)  # RankResult counts, summed
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]  # the coordinator began
    finished_at: Mapped[datetime | None]

    chunks: Mapped[list[RerankChunk]] = relationship(
        back_populates="run", order_by="RerankChunk.number", cascade="all, delete-orphan"
    )


class RerankChunk(Base):
    """Some priorities of a run, ranked and upserted by one job in one transaction."""

    __tablename__ = "rerank_chunk"
    __table_args__ = (UniqueConstraint("run_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("rerank_run.id", ondelete="CASCADE"))
    number: Mapped[int]
    priority_ids: Mapped[list] = mapped_column(default=list)
    status: Mapped[RerankStatus] = mapped_column(
        str_enum(RerankStatus, 10), default=RerankStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str] = mapped_column(String(200), default="")  # host:pid of the last attempt
    result: Mapped[dict] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None]  # the last attempt's
    finished_at: Mapped[datetime | None]
    rank_seconds: Mapped[float | None]  # scoring, then writing, of the successful attempt
    write_seconds: Mapped[float | None]

    run: Mapped[RerankRun] = relationship(back_populates="chunks")
