"""Running recorded jobs: claimed once, deleted when done, retried with back-off, then failed.

Jobs must be idempotent: a job may run again after a crash, or when Redis lost it."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, exists, select, update

from matchmaker.extensions import db
from matchmaker.jobs import redisq, registry
from matchmaker.orm import BackgroundJob, EmailStatus, JobStatus, OutboxEmail, utcnow

log = logging.getLogger(__name__)

CLAIMABLE = (JobStatus.PENDING, JobStatus.QUEUED)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min ... capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** (max(attempts, 1) - 1), 3600))


def run(job_id: int, *, tries: int = 1, final: bool = True) -> bool | None:
    """Run one recorded job, `tries` times at most; True when it succeeded, False when it
    failed, None when there was nothing to run (done already, or running elsewhere).

    A failure is kept with its error: failed for good when `final` or out of attempts,
    else pending again after a back-off, for the next sweep."""
    session = db.session
    claimed = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status.in_(CLAIMABLE))
        .values(status=JobStatus.RUNNING, handed_at=utcnow())
    ).rowcount
    session.commit()
    if not claimed:
        return None
    record = session.get(BackgroundJob, job_id)
    name, args = record.name, list(record.args)
    error = ""
    for attempt in range(1, tries + 1):
        try:
            registry.resolve(name)(*args)
        except Exception as exc:  # noqa: BLE001 - a job's failure is recorded, never lost
            session.rollback()
            error = f"{type(exc).__name__}: {exc}"
            log.exception("job %s%r failed (attempt %d of %d)", name, tuple(args), attempt, tries)
        else:
            session.execute(delete(BackgroundJob).where(BackgroundJob.id == job_id))
            session.commit()
            return True
    _record_failure(job_id, tries, error, final)
    return False


def _record_failure(job_id: int, tries: int, error: str, final: bool) -> None:
    session = db.session
    record = session.get(BackgroundJob, job_id)
    record.attempts += tries
    record.error = error[:4000]
    if final or record.attempts >= current_app.config["JOBS_MAX_ATTEMPTS"]:
        record.status = JobStatus.FAILED
    else:
        record.status = JobStatus.PENDING
        record.next_attempt_at = utcnow() + backoff(record.attempts)
    session.commit()


def run_job(name: str, job_id: int) -> None:
    """RQ's entry point: run a recorded job (its stable name is there for people reading Redis)."""
    if has_app_context():
        run(job_id, final=False)
        return
    from matchmaker import create_app

    with create_app().app_context():
        run(job_id, final=False)


def requeue_stale() -> None:
    """Jobs handed over so long ago that Redis or a worker must have lost them: pending again."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["JOBS_STALE_AFTER"])
    db.session.execute(
        update(BackgroundJob)
        .where(
            BackgroundJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
            BackgroundJob.handed_at < cutoff,
        )
        .values(status=JobStatus.PENDING, next_attempt_at=utcnow())
    )
    db.session.commit()


def sweep() -> None:
    """The worker's periodic round: hand over what is due, and ask for the outbox's due mail."""
    from matchmaker.jobs.dispatch import due_ids, enqueue

    requeue_stale()
    if _mail_due() and not _waiting("deliver_outbox"):
        enqueue("deliver_outbox")
        db.session.commit()  # its hand-over pushes it with the rest of what is due
    else:
        redisq.push(due_ids())


def retry_all() -> tuple[int, int]:
    """Run every job not done, failed ones included, in this process: (succeeded, failing)."""
    session = db.session
    requeue_stale()
    session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.status == JobStatus.FAILED)
        .values(status=JobStatus.PENDING)
    )
    session.commit()
    ids = session.scalars(
        select(BackgroundJob.id)
        .where(BackgroundJob.status == JobStatus.PENDING)
        .order_by(BackgroundJob.id)
    ).all()
    results = [run(job_id) for job_id in ids]
    return results.count(True), results.count(False)


def listing():
    """Jobs not done, for the admin page: failed ones first, then the newest."""
    failed_first = (BackgroundJob.status == JobStatus.FAILED).desc()
    return select(BackgroundJob).order_by(failed_first, BackgroundJob.id.desc())


def _mail_due() -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    OutboxEmail.status == EmailStatus.PENDING,
                    OutboxEmail.next_attempt_at <= utcnow(),
                )
            )
        )
    )


def _waiting(name: str) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(BackgroundJob.name == name, BackgroundJob.status != JobStatus.FAILED)
            )
        )
    )


def worker_class():
    """An RQ SimpleWorker that also sweeps every maintenance interval (`flask worker`)."""
    from rq import SimpleWorker

    class SweepingWorker(SimpleWorker):
        def run_maintenance_tasks(self):
            super().run_maintenance_tasks()
            try:
                sweep()
            except Exception:  # noqa: BLE001 - a failed sweep must not stop the worker
                db.session.rollback()
                log.exception("job sweep failed; the next one retries")

    return SweepingWorker
