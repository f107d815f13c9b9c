"""The health check: the database, Redis and the mail and job backlogs, each on its own.

It answers in milliseconds whatever is down: Redis gets a ping with a short timeout, and SMTP
is never contacted (the age of the oldest waiting email says whether mail goes out)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from matchmaker.orm import BackgroundJob, JobStatus
from matchmaker.services.dashboard import database_ok
from matchmaker.services.mail import oldest_pending_age, pending_count

log = logging.getLogger(__name__)


@dataclass
class Health:
    database: str = "ok"  # ok | unreachable
    redis: str = "not configured"  # ok | unreachable | not configured
    outbox: dict = field(default_factory=dict)
    jobs: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        """error (the service cannot work), degraded (it works, slower or with a backlog), ok."""
        if self.database != "ok":
            return "error"
        return "degraded" if self.redis == "unreachable" else "ok"


def check(session: Session) -> Health:
    """Each dependency checked separately; a failure of one does not hide the others."""
    health = Health(redis=redis_status())
    if not database_ok(session):
        health.database = "unreachable"
        return health
    try:
        age = oldest_pending_age(session)
        health.outbox = {
            "pending": pending_count(session),
            "oldest_pending_seconds": None if age is None else round(age),
        }
        counts = dict(
            session.execute(
                select(BackgroundJob.status, func.count()).group_by(BackgroundJob.status)
            ).all()
        )
        health.jobs = {s.value: counts.get(s, 0) for s in JobStatus}
    except SQLAlchemyError:
        session.rollback()
        log.exception("health check: backlog query failed")
        health.database = "unreachable"
    return health


def redis_status() -> str:
    """Ping Redis with a short timeout (not configured: jobs run in the web process)."""
    if not current_app.config.get("REDIS_URL"):
        return "not configured"
    from redis.exceptions import RedisError

    from matchmaker.jobs import redis_client

    client = redis_client(timeout=float(current_app.config["HEALTH_REDIS_TIMEOUT"]))
    try:
        client.ping()
        return "ok"
    except (RedisError, OSError) as exc:
        log.warning("health check: Redis unreachable: %s", exc)
        return "unreachable"
    finally:
        client.close()
