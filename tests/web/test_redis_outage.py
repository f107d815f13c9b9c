"""Redis configured but down (a closed port) costs no page: the rate limiter falls back to
memory and says so, and a job Redis refuses stays recorded with its cause, visible to admins,
and runs once Redis is back."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from matchmaker import jobs
from matchmaker.extensions import db, limiter
from matchmaker.orm import BackgroundJob, JobStatus
from tests import factories as f
from tests.conftest import REDIS_URL
from tests.smtp import free_port
from tests.web.test_company_pages import PROFILE


def _jobs() -> list[tuple[str, list]]:
    db.session.expire_all()
    found = [(j.name, j.args) for j in db.session.scalars(select(BackgroundJob))]
    db.session.commit()
    return found


@pytest.fixture
def app_config(app_config):
    """Redis "down": a port that was bound, then closed, so nothing listens on it."""
    return {
        **app_config,
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "RATELIMIT_ENABLED": True,
    }


@pytest.fixture(autouse=True)
def _limiter_back_to_its_storage():
    yield
    limiter._storage_dead = False  # the extension is shared by every app in the test process


def test_with_redis_down_pages_answer_limits_hold_and_jobs_wait(app, client, auth, caplog):
    member = f.CompanyMemberFactory(email="member@example.org")
    caplog.set_level(logging.WARNING)
    assert auth.login(member.email).status_code == 302  # a rate-limited page
    assert "falling back to in-memory storage" in caplog.text
    assert client.post("/company/profiles/new", data=PROFILE).status_code == 302
    auth.logout()
    statuses = {
        client.post("/auth/reset", data={"email": member.email}).status_code for _ in range(10)
    }
    assert statuses == {302}
    # The limit still holds, counted in memory: the 11th request in the hour is refused.
    assert client.post("/auth/reset", data={"email": member.email}).status_code == 429
    assert client.get("/health").json["redis"] == "unreachable"
    assert client.get("/health").status_code == 200

    waiting = db.session.scalars(select(BackgroundJob).order_by(BackgroundJob.id)).all()
    assert [j.name for j in waiting][:1] == ["rank_profile"]
    assert {j.status for j in waiting} == {JobStatus.PENDING}
    assert all("Redis unavailable" in j.error for j in waiting)
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "rank_profile" in page and "not queued, Redis unavailable" in page


def test_a_job_redis_refused_runs_once_redis_is_back(app, client, auth):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    member = f.CompanyMemberFactory(email="member@example.org")
    auth.login(member.email)
    client.post("/company/profiles/new", data=PROFILE)
    assert [name for name, _ in _jobs()] == ["rank_profile"]

    try:
        Redis.from_url(REDIS_URL).flushdb()
    except RedisDown:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    app.config["REDIS_URL"] = REDIS_URL  # Redis is back
    jobs.sweep()  # the worker's periodic round hands it over
    queue = jobs.queue(app, worker=True)
    jobs.worker_class()([queue], connection=queue.connection).work(burst=True)
    assert _jobs() == []  # it ran, and a job that ran leaves no record
