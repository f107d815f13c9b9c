"""Background jobs behind one enqueue(): in-process by default, RQ workers when Redis is set."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)

REGISTRY: dict[str, Callable] = {}
RQ_RETRY_INTERVALS = [10, 60, 300]


def job(fn: Callable) -> Callable:
    """Register a function as a job; jobs must be idempotent, as they may run more than once."""
    REGISTRY[f"{fn.__module__}.{fn.__name__}"] = fn
    fn.job_name = f"{fn.__module__}.{fn.__name__}"
    return fn


def _redis(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"])


def queue(app: Flask | None = None):
    """The RQ queue of the configured Redis."""
    from rq import Queue

    app = app or current_app
    return Queue("matchmaker", connection=_redis(app))


def enqueue(fn: Callable, *args) -> None:
    """Run a registered job: call it after the caller's transaction has committed."""
    name = fn.job_name
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from rq import Retry

        queue(app).enqueue(
            run_job, name, list(args), retry=Retry(max=3, interval=RQ_RETRY_INTERVALS)
        )
        return
    run_inline(name, list(args))


def run_inline(name: str, args: list) -> bool:
    """Run a job now, retrying; when every try fails, record it so nothing is silently dropped."""
    from matchmaker.extensions import db
    from matchmaker.orm import FailedJob

    attempts = current_app.config["JOBS_INLINE_RETRIES"]
    error = ""
    for attempt in range(1, attempts + 1):
        try:
            REGISTRY[name](*args)
            return True
        except Exception as exc:  # noqa: BLE001 - a job's failure must not break the request
            db.session.rollback()
            error = f"{type(exc).__name__}: {exc}"
            log.exception(
                "job %s%r failed (attempt %d of %d)", name, tuple(args), attempt, attempts
            )
    db.session.add(FailedJob(name=name, args=args, error=error[:4000], attempts=attempts))
    db.session.commit()
    return False


def run_job(name: str, args: list) -> None:
    """Entry point on an RQ worker: run the job inside an application context."""
    if has_app_context():
        REGISTRY[name](*args)
        return
    from matchmaker import create_app

    with create_app().app_context():
        REGISTRY[name](*args)


def retry_failed() -> tuple[int, int]:
    """Re-run recorded failed jobs; returns (succeeded, still failing)."""
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.orm import FailedJob, utcnow

    ok = failed = 0
    for record in db.session.scalars(select(FailedJob).where(FailedJob.resolved_at.is_(None))):
        try:
            REGISTRY[record.name](*record.args)
        except Exception as exc:  # noqa: BLE001
            db.session.rollback()
            record.attempts += 1
            record.error = f"{type(exc).__name__}: {exc}"[:4000]
            failed += 1
        else:
            record.resolved_at = utcnow()
            ok += 1
        db.session.commit()
    return ok, failed


def import_job_modules() -> None:
    """Import every module that registers jobs, so workers and retries can find them by name."""
    import matchmaker.services.company_import  # noqa: F401
    import matchmaker.services.mail  # noqa: F401
    import matchmaker.services.notifications  # noqa: F401
    import matchmaker.services.ranking  # noqa: F401
    import matchmaker.services.routing  # noqa: F401
