"""Background jobs by stable name: recorded with their cause, run after the commit (in-process
by default, on RQ workers over a real Redis when configured), retried, never lost."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker import jobs
from matchmaker.extensions import db
from matchmaker.jobs import registry
from matchmaker.orm import BackgroundJob, JobStatus, OutboxEmail
from tests.conftest import REDIS_URL

CALLS: list[tuple] = []


def record_call(value: str) -> None:
    CALLS.append(("ok", value))
    db.session.add(OutboxEmail(to=f"{value}@example.org", subject="job", body="from a job"))
    db.session.commit()


def always_fails(value: str) -> None:
    CALLS.append(("fail", value))
    raise RuntimeError(f"cannot do {value}")


@pytest.fixture(autouse=True)
def _test_jobs(monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(registry.JOBS, "test_record_call", f"{__name__}:record_call")
    monkeypatch.setitem(registry.JOBS, "test_always_fails", f"{__name__}:always_fails")


def _records() -> list[BackgroundJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(BackgroundJob).order_by(BackgroundJob.id)))


def test_every_registered_job_resolves_to_a_callable():
    for name in registry.JOBS:
        assert callable(registry.resolve(name)), name


def _is_our_enqueue(func: ast.expr) -> bool:
    """`enqueue(...)` or `jobs.enqueue(...)`; RQ's own `queue.enqueue` is the machinery's."""
    if isinstance(func, ast.Name):
        return func.id == "enqueue"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "enqueue"
        and (isinstance(func.value, ast.Name) and func.value.id == "jobs")
    )


def _enqueued_names(root: Path) -> list[tuple[str, object]]:
    """(where, first argument) of every enqueue(...) call in the application's source."""
    found = []
    for path in sorted((root / "matchmaker").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and _is_our_enqueue(node.func) and node.args:
                arg = node.args[0]
                value = arg.value if isinstance(arg, ast.Constant) else ast.dump(arg)
                found.append((f"{path.relative_to(root)}:{node.lineno}", value))
    return found


def test_every_enqueue_in_the_code_names_a_registered_job(root):
    calls = _enqueued_names(root)
    assert len(calls) > 10  # the scan does find the calls
    wrong = [(where, value) for where, value in calls if value not in registry.JOBS]
    assert wrong == [], "enqueue() takes a registered job name as a literal string"


def test_an_unknown_job_name_is_refused_at_the_call(app):
    with pytest.raises(jobs.UnknownJob):
        jobs.enqueue("no_such_job", 1)


def test_the_registry_imports_no_application_code():
    tree = ast.parse(Path(registry.__file__).read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [m for m in imported if m and m.startswith("matchmaker")]


def test_inline_job_runs_after_the_commit_and_leaves_no_record(app):
    jobs.enqueue("test_record_call", "inline")
    assert CALLS == []  # recorded with the transaction, not run yet
    db.session.commit()
    assert CALLS == [("ok", "inline")]
    assert "inline@example.org" in db.session.scalars(select(OutboxEmail.to)).all()
    assert _records() == []


def test_a_job_of_a_rolled_back_change_never_runs(app):
    jobs.enqueue("test_record_call", "undone")
    db.session.rollback()
    db.session.commit()
    assert CALLS == [] and _records() == []


def test_the_same_job_is_recorded_once_per_transaction(app):
    jobs.enqueue("test_record_call", "twice")
    jobs.enqueue("test_record_call", "twice")
    db.session.commit()
    assert CALLS == [("ok", "twice")]


def test_failing_inline_job_is_retried_then_recorded_not_dropped(app):
    jobs.enqueue("test_always_fails", "x")
    db.session.commit()
    assert [("fail", "x")] * app.config["JOBS_INLINE_RETRIES"] == CALLS
    [failed] = _records()
    assert failed.name == "test_always_fails" and failed.status == JobStatus.FAILED
    assert failed.args == ["x"] and "cannot do x" in failed.error


def test_retry_jobs_command_reruns_recorded_failures(app, runner):
    db.session.add(BackgroundJob(name="test_record_call", args=["later"], status="failed"))
    db.session.commit()
    result = runner.invoke(args=["retry-jobs"])
    assert result.exit_code == 0, result.output
    assert "1 job(s) succeeded, 0 still failing" in result.output
    assert _records() == [] and CALLS == [("ok", "later")]


def test_retry_jobs_command_exits_non_zero_while_jobs_still_fail(app, runner):
    db.session.add(BackgroundJob(name="test_always_fails", args=["y"], status="failed"))
    db.session.commit()
    result = runner.invoke(args=["retry-jobs"])
    assert result.exit_code == 1
    assert "0 job(s) succeeded, 1 still failing" in result.output
    assert _records()[0].status == JobStatus.FAILED


def test_a_stored_job_runs_by_its_name_after_its_code_moved(app, runner, monkeypatch):
    db.session.add(BackgroundJob(name="test_record_call", args=["moved"], status="pending"))
    db.session.commit()
    # The task moved to another module: only the registry's path changes, stored rows still run.
    monkeypatch.setitem(registry.JOBS, "test_record_call", "tests.services.moved_task:run")
    result = runner.invoke(args=["retry-jobs"])
    assert "1 job(s) succeeded" in result.output
    assert db.session.scalar(select(OutboxEmail.to)) == "moved@example.org"


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


def _work(app) -> None:
    queue = jobs.queue(app, worker=True)
    jobs.worker_class()([queue], connection=queue.connection).work(burst=True)


def test_with_redis_jobs_go_to_rq_by_name_and_a_worker_runs_them(redis_app):
    jobs.enqueue("test_record_call", "queued")
    db.session.commit()
    assert CALLS == []  # nothing ran in the web process
    [record] = _records()
    assert record.status == JobStatus.QUEUED
    queue = jobs.queue(redis_app)
    [rq_job] = queue.get_jobs()
    assert rq_job.func_name == "matchmaker.jobs.run_job"  # one entry point; the rest is data
    assert rq_job.args == ("test_record_call", record.id)
    _work(redis_app)
    assert CALLS == [("ok", "queued")]
    assert _records() == []
    assert db.session.scalar(select(OutboxEmail.to)) == "queued@example.org"


def test_with_redis_a_failing_job_waits_for_its_retry_then_fails_for_good(redis_app):
    redis_app.config["JOBS_MAX_ATTEMPTS"] = 2
    jobs.enqueue("test_always_fails", "z")
    db.session.commit()
    _work(redis_app)
    [record] = _records()
    assert CALLS == [("fail", "z")]
    assert record.status == JobStatus.PENDING and record.attempts == 1
    assert "cannot do z" in record.error
    record.next_attempt_at = record.created_at  # its back-off is over
    db.session.commit()
    jobs.sweep()
    _work(redis_app)
    [record] = _records()
    assert record.status == JobStatus.FAILED and record.attempts == 2


def test_worker_command_refuses_to_start_without_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "MATCHMAKER_REDIS_URL is not set" in result.output


def test_admins_see_failed_jobs_and_an_empty_state(app, client, auth):
    from tests import factories as f

    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    assert "No failed jobs." in client.get("/admin/jobs").get_data(as_text=True)
    jobs.enqueue("test_always_fails", "<x>")
    db.session.commit()
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "test_always_fails" in page and "failed" in page
    assert "RuntimeError: cannot do &lt;x&gt;" in page
