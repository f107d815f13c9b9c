"""The Redis side of the jobs: connections with short timeouts, and handing jobs to RQ."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import select, update

from matchmaker.extensions import db
from matchmaker.orm import BackgroundJob, JobStatus, utcnow

log = logging.getLogger(__name__)

QUEUE_NAME = "matchmaker"
# What RQ stores in Redis: this one public entry point and the job's stable name, no module
# path of a task. Keep `matchmaker.jobs.run_job` importable under this name.
ENTRY_POINT = "matchmaker.jobs.run_job"


def redis_client(app: Flask | None = None, *, timeout: float | None = None, worker: bool = False):
    """A Redis client; outside the worker every call gives up quickly, so a Redis that is down
    or unreachable costs the web process a fraction of a second, never a page."""
    from redis import Redis

    app = app or current_app
    if worker:  # the worker blocks on BLPOP for a minute at a time; RQ sets its own timeouts
        return Redis.from_url(app.config["REDIS_URL"])
    seconds = float(timeout if timeout is not None else app.config["REDIS_SOCKET_TIMEOUT"])
    return Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=seconds, socket_timeout=seconds
    )


def queue(app: Flask | None = None, *, worker: bool = False):
    """The RQ queue of the configured Redis."""
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_client(app, worker=worker))


def push(ids: list[int]) -> int:
    """Hand recorded jobs to RQ and mark them queued; returns how many went.

    When Redis refuses, the rest stay pending with the reason, for the next sweep or dispatch:
    nothing is lost and nothing raises."""
    from redis.exceptions import RedisError

    if not ids:
        return 0
    session = db.session
    names = dict(
        session.execute(
            select(BackgroundJob.id, BackgroundJob.name).where(
                BackgroundJob.id.in_(ids), BackgroundJob.status == JobStatus.PENDING
            )
        ).all()
    )
    pushed: list[int] = []
    try:
        rq = queue()
        for job_id, name in names.items():
            rq.enqueue(
                ENTRY_POINT,
                name,
                job_id,
                description=f"{name} #{job_id}",
                job_timeout=int(current_app.config["JOBS_TIMEOUT"]),
            )
            pushed.append(job_id)
    except (RedisError, OSError) as exc:
        left = [i for i in names if i not in pushed]
        log.warning("Redis unavailable: %d job(s) stay recorded for a retry: %s", len(left), exc)
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id.in_(left))
            .values(error=f"not queued, Redis unavailable: {type(exc).__name__}: {exc}"[:4000])
        )
    if pushed:
        # A worker may have claimed (or finished) a job already: only pending rows change.
        session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id.in_(pushed), BackgroundJob.status == JobStatus.PENDING)
            .values(status=JobStatus.QUEUED, handed_at=utcnow(), error="")
        )
    session.commit()
    return len(pushed)
