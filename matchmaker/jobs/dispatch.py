"""enqueue(): record a job with the change that caused it, hand it over once that commits.

A job is a row of background_job added to the caller's session, so it commits, or rolls back,
with the caller's change: a saved profile never loses its re-rank. After the commit the job is
handed over: to RQ when Redis is configured (if Redis refuses, the row waits for a retry),
otherwise it runs in this process. During a web request the hand-over waits until the response
has been sent (jobs/after_response.py), so no page waits on a job, on Redis or on SMTP.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from matchmaker.extensions import db
from matchmaker.jobs import registry
from matchmaker.jobs.after_response import call_after_response
from matchmaker.orm import BackgroundJob, JobStatus, utcnow

log = logging.getLogger(__name__)

_RECORDED = "jobs.recorded"  # session.info: jobs added in the current transaction
_WAITING = "matchmaker.jobs"  # request.environ: committed jobs to hand over after the response
# True while jobs run in a web process after its response (no Redis): such work must not fork.
_AFTER_RESPONSE: ContextVar[bool] = ContextVar("matchmaker_after_response", default=False)


def in_web_process() -> bool:
    """Whether this code runs for a web request: during it, or in the jobs it left for after its
    response. Heavy work there must stay in-process (a web worker must never fork)."""
    return has_request_context() or _AFTER_RESPONSE.get()


def enqueue(name: str, *args, session: Session | None = None) -> BackgroundJob:
    """Record the registered job `name` in the current transaction; it runs after the commit.

    Call it before the caller's `session.commit()` (a job enqueued after the last commit is
    never recorded). `args` are stored as JSON, so pass ids and plain values, not objects.
    The same job with the same arguments is recorded once per transaction."""
    registry.check(name)
    json.dumps(args)  # fail here, at the call, rather than at the commit
    session = session or db.session()
    recorded = session.info.setdefault(_RECORDED, [])
    for record in recorded:
        if record.name == name and record.args == list(args):
            return record
    record = BackgroundJob(name=name, args=list(args))
    session.add(record)
    recorded.append(record)
    return record


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    records = session.info.pop(_RECORDED, None)
    if not records:
        return
    # The session cannot run SQL here; identities survive the commit's expiry.
    states = [inspect(r) for r in records]
    hand_over([s.identity[0] for s in states if s.persistent])


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_RECORDED, None)


def hand_over(ids: list[int]) -> None:
    """Dispatch committed jobs now, or after the response when inside a request."""
    if not ids:
        return
    app = current_app._get_current_object()
    if not has_request_context():
        _dispatch_in_own_context(app, ids)
        return
    waiting = request.environ.get(_WAITING)
    if waiting is None:
        waiting = request.environ[_WAITING] = []
        call_after_response(
            request.environ, lambda: _dispatch_in_own_context(app, waiting, after_response=True)
        )
    waiting.extend(ids)


def _dispatch_in_own_context(app: Flask, ids: list[int], *, after_response: bool = False) -> None:
    """Dispatch with a session of its own (the caller's just committed, or the request ended).

    Never raises: whatever goes wrong, the jobs stay recorded and the sweep retries them."""
    token = _AFTER_RESPONSE.set(after_response or _AFTER_RESPONSE.get())
    try:
        with app.app_context():
            try:
                dispatch(ids)
            except Exception:  # noqa: BLE001 - after a commit or a response nobody can handle it
                db.session.rollback()
                log.exception("handing over jobs %s failed; they stay recorded", ids)
    finally:
        _AFTER_RESPONSE.reset(token)


def dispatch(ids: list[int]) -> None:
    """Hand jobs over: to RQ with Redis (with any an outage left behind), else run them here."""
    from matchmaker.jobs import redisq, runner

    if current_app.config.get("REDIS_URL"):
        redisq.push(sorted(set(ids) | set(due_ids())))
        return
    for job_id in ids:
        runner.run(job_id, tries=current_app.config["JOBS_INLINE_RETRIES"])


def due_ids(limit: int = 500) -> list[int]:
    """Pending jobs whose time has come, oldest first."""
    return list(
        db.session.scalars(
            select(BackgroundJob.id)
            .where(
                BackgroundJob.status == JobStatus.PENDING,
                BackgroundJob.next_attempt_at <= utcnow(),
            )
            .order_by(BackgroundJob.id)
            .limit(limit)
        )
    )
