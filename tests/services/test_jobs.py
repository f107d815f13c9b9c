"""Background jobs: in-process by default, on RQ workers over a real Redis when configured."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker import jobs
from matchmaker.extensions import db
from matchmaker.orm import FailedJob, OutboxEmail
from tests.conftest import REDIS_URL

CALLS: list[tuple] = []


@jobs.job
def record_call(value: str) -> None:
    CALLS.append(("ok", value))
    db.session.add(OutboxEmail(to=f"{value}@example.org", subject="job", body="from a job"))
    db.session.commit()


@jobs.job
def always_fails(value: str) -> None:
    CALLS.append(("fail", value))
    raise RuntimeError(f"cannot do {value}")


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def test_inline_job_runs_at_once(app):
    jobs.enqueue(record_call, "inline")
    assert CALLS == [("ok", "inline")]
    assert db.session.scalar(select(OutboxEmail.to)) == "inline@example.org"


def test_failing_inline_job_is_retried_then_recorded_not_dropped(app):
    jobs.enqueue(always_fails, "x")
    assert [("fail", "x")] * app.config["JOBS_INLINE_RETRIES"] == CALLS
    failed = db.session.scalar(select(FailedJob))
    assert failed.name == always_fails.job_name
    assert failed.args == ["x"] and "cannot do x" in failed.error


def test_retry_jobs_command_reruns_recorded_failures(app, runner):
    db.session.add(FailedJob(name=record_call.job_name, args=["later"], error="boom", attempts=3))
    db.session.commit()
    result = runner.invoke(args=["retry-jobs"])
    assert result.exit_code == 0, result.output
    assert "1 job(s) succeeded, 0 still failing" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(FailedJob)).resolved_at is not None


def test_retry_jobs_command_exits_non_zero_while_jobs_still_fail(app, runner):
    db.session.add(FailedJob(name=always_fails.job_name, args=["y"], error="boom", attempts=3))
    db.session.commit()
    result = runner.invoke(args=["retry-jobs"])
    assert result.exit_code == 1
    assert "0 job(s) succeeded, 1 still failing" in result.output


@pytest.fixture
def redis_app(app):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL).flushdb()
    except RedisDown:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    app.config["REDIS_URL"] = REDIS_URL
    return app


def test_with_redis_jobs_go_to_rq_and_a_worker_runs_them(redis_app):
    from rq import SimpleWorker

    jobs.enqueue(record_call, "queued")
    assert CALLS == []  # nothing ran in the web process
    queue = jobs.queue(redis_app)
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert CALLS == [("ok", "queued")]
    db.session.expire_all()
    assert db.session.scalar(select(OutboxEmail.to)) == "queued@example.org"


def test_with_redis_a_failing_job_is_scheduled_for_retry(redis_app):
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    jobs.enqueue(always_fails, "z")
    queue = jobs.queue(redis_app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert CALLS == [("fail", "z")]
    assert ScheduledJobRegistry(queue=queue).count == 1  # kept for its retry, not dropped


def test_worker_command_refuses_to_start_without_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "MATCHMAKER_REDIS_URL is not set" in result.output


def test_admins_see_failed_jobs_and_an_empty_state(app, client, auth):
    from tests import factories as f

    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    assert "No failed jobs." in client.get("/admin/jobs").get_data(as_text=True)
    jobs.enqueue(always_fails, "<x>")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert always_fails.job_name in page
    assert "RuntimeError: cannot do &lt;x&gt;" in page
