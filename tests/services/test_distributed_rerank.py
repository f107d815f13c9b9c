"""The full re-rank spread over RQ workers in chunks: equal to the single-process re-rank, one run
at a time, a failed chunk retried alone, progress and failures reported by `flask rank`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from matchmaker import jobs
from matchmaker.extensions import db
from matchmaker.orm import (
    BackgroundJob,
    PriorityStatus,
    RerankChunk,
    RerankRun,
    RerankStatus,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
)
from matchmaker.services.matching import distributed, ranking
from matchmaker.services.matching.model_store import ensure_model
from tests import factories as f
from tests.conftest import REDIS_URL

THEMES = [
    "Fan engagement software for stadium pilots with sports teams and venue sponsorship.",
    "Industrial water pumps and irrigation valves for farms; distributors wanted.",
    "Battery storage for solar farms and grid operators; pilot projects with utilities.",
    "Hospital software for patient scheduling; pilots with regional health systems.",
    "Port logistics robotics and container tracking for shipping terminals.",
    "Food processing equipment for dairies and bakeries; joint ventures welcome.",
]


@pytest.fixture
def market(app, tmp_path):
    """Six priorities in three chunks of two, fourteen profiles, top 3 each, and history:
    a decision ranking must keep, and an open suggestion of a priority closed since."""
    app.config.update(
        RANK_TOP_K=3,
        RANK_CHUNK_SIZE=2,
        RERANK_CHUNK_PRIORITIES=2,
        RERANK_POLL_SECONDS=0.05,
        RERANK_ARTEFACT_DIR=str(tmp_path / "artefacts"),
    )
    office = f.OfficeFactory()
    priorities = [
        f.PriorityFactory(office=office, title=theme[:40], description=theme) for theme in THEMES
    ]
    profiles = [
        f.ProfileFactory(interests=THEMES[i % 6], company__description=THEMES[(i * 5) % 6])
        for i in range(14)
    ]
    closed = f.PriorityFactory(office=office, status=PriorityStatus.CLOSED)
    ensure_model(db.session)  # fitted once, before any worker could race to fit it
    return priorities, profiles, closed


def _history(market) -> None:
    priorities, profiles, closed = market
    f.SuggestionFactory(priority=priorities[0], profile=profiles[1], status="accepted", score=0.9)
    f.SuggestionFactory(priority=closed, profile=profiles[0], score=0.7)
    db.session.commit()


def _snapshot() -> tuple[list, list]:
    """Suggestions and their events by pair, without ids or times (which differ by nature)."""
    db.session.expire_all()
    rows = [
        (
            r.priority_id,
            r.profile_id,
            r.status.value,
            r.score,
            r.components,
            r.model_version,
            r.explanation,
            r.routed_office_id,
        )
        for r in db.session.scalars(select(Suggestion))
    ]
    events = [
        (e.suggestion.priority_id, e.suggestion.profile_id, e.from_status, e.to_status, e.reason)
        for e in db.session.scalars(select(ReviewEvent))
    ]
    return sorted(rows), sorted(events, key=repr)


def _single_process_result(market) -> tuple[list, list]:
    """The same history ranked by rerank_all, from scratch."""
    db.session.execute(delete(ReviewEvent))
    db.session.execute(delete(Suggestion))
    db.session.commit()
    _history(market)
    ranking.rerank_all(db.session)
    return _snapshot()


def _chunks() -> list[RerankChunk]:
    db.session.expire_all()
    return list(db.session.scalars(select(RerankChunk).order_by(RerankChunk.number)))


def test_rank_distributed_runs_the_chunks_and_equals_the_single_process_rerank(app, runner, market):
    _history(market)
    result = runner.invoke(args=["rank", "--distributed"])
    assert result.exit_code == 0, result.output
    assert "no Redis configured: the chunk jobs run here" in result.output
    assert "re-rank run 1: 3/3 chunks done" in result.output
    assert [(c.number, c.status, c.attempts) for c in _chunks()] == [
        (0, "done", 1),
        (1, "done", 1),
        (2, "done", 1),
    ]
    distributed_result = _snapshot()
    suggested = [r for r in distributed_result[0] if r[2] == "suggested"]
    assert len(suggested) == 6 * 3 and "accepted" in {r[2] for r in distributed_result[0]}
    closed = market[2]
    assert [r[2] for r in distributed_result[0] if r[0] == closed.id] == ["expired"]
    run = db.session.scalar(select(RerankRun))
    assert (run.status, run.active, run.result["created"]) == ("done", None, 18)
    assert f"created {run.result['created']}," in result.output
    assert _single_process_result(market) == distributed_result


def test_a_second_distributed_run_is_refused_while_one_is_in_progress(app, runner, market):
    running = RerankRun(status=RerankStatus.RUNNING)
    db.session.add(running)
    db.session.commit()
    result = runner.invoke(args=["rank", "--distributed"])
    assert result.exit_code == 1
    assert f"already in progress (run {running.id}" in result.output
    assert db.session.scalar(select(RerankRun.id).where(RerankRun.id != running.id)) is None
    with pytest.raises(IntegrityError):  # the unique slot refuses a racing insert too
        db.session.add(RerankRun(status=RerankStatus.PENDING))
        db.session.flush()
    db.session.rollback()


def _failing_chunk(monkeypatch, number: int, times: int) -> list[int]:
    """Make the ranking of chunk `number` fail `times` times; returns the chunks ranked."""
    ranked, real = [], distributed.top_k_in_blocks
    failures = {"left": times}

    def rank(model, priorities, *args, **kwargs):
        chunk = [c for c in _chunk_ids() if priorities[0].key in c[1]][0][0]
        ranked.append(chunk)
        if chunk == number and failures["left"] > 0:
            failures["left"] -= 1
            raise MemoryError("worker out of memory")
        return real(model, priorities, *args, **kwargs)

    monkeypatch.setattr(distributed, "top_k_in_blocks", rank)
    return ranked


def _chunk_ids() -> list[tuple[int, list]]:
    return [(c.number, c.priority_ids) for c in db.session.scalars(select(RerankChunk))]


def test_a_failed_chunk_is_retried_alone_and_the_result_is_still_exact(
    app, runner, market, monkeypatch
):
    ranked = _failing_chunk(monkeypatch, number=1, times=1)
    result = runner.invoke(args=["rank", "--distributed"])
    assert result.exit_code == 0, result.output
    assert sorted(ranked) == [0, 1, 1, 2]  # only chunk 1 ran again
    chunks = _chunks()
    assert [(c.status, c.attempts) for c in chunks] == [("done", 1), ("done", 2), ("done", 1)]
    assert chunks[1].error == ""
    assert ranking.rerank_all(db.session).written == 0  # nothing left for a single process to do


def test_a_chunk_that_fails_for_good_fails_the_run_and_the_command(
    app, runner, market, monkeypatch
):
    app.config["RERANK_CHUNK_ATTEMPTS"] = 2
    _failing_chunk(monkeypatch, number=2, times=5)
    result = runner.invoke(args=["rank", "--distributed"])
    assert result.exit_code == 1
    assert "failed: chunk 2 failed: MemoryError: worker out of memory" in result.output
    assert [(c.status, c.attempts) for c in _chunks()] == [
        ("done", 1),
        ("done", 1),
        ("failed", 2),
    ]
    run = db.session.scalar(select(RerankRun))
    assert (run.status, run.active) == ("failed", None)  # the next run may start
    assert runner.invoke(args=["rank", "--distributed"]).exit_code == 1  # and fails again


def test_the_artefact_is_written_once_and_replaced_when_a_profile_changes(app, runner, market):
    from matchmaker.services.matching.artefacts import artefact_dir

    assert runner.invoke(args=["rank", "--distributed"]).exit_code == 0
    first = db.session.scalar(select(RerankRun).order_by(RerankRun.id.desc()))
    assert runner.invoke(args=["rank", "--distributed"]).exit_code == 0
    second = db.session.scalar(select(RerankRun).order_by(RerankRun.id.desc()))
    assert (second.artefact, second.data_version) == (first.artefact, first.data_version)
    market[1][0].interests = "Cold chain warehouses for seafood exporters."
    db.session.commit()
    assert runner.invoke(args=["rank", "--distributed"]).exit_code == 0
    third = db.session.scalar(select(RerankRun).order_by(RerankRun.id.desc()))
    assert third.data_version != first.data_version
    assert third.artefact.startswith(str(artefact_dir() / third.model_version))
    assert [p.name for p in artefact_dir().iterdir()] == [third.artefact.rsplit("/", 1)[1]]


def _worker(app, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "matchmaker", "worker", "--burst"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_real_workers_give_the_single_process_result(app, market, mailbox):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL).flushdb()
    except RedisDown:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    app.config["REDIS_URL"] = REDIS_URL
    _history(market)
    run = distributed.start_run(db.session)
    # The coordinator runs here, so that both workers start on a queue of chunk jobs (a burst
    # worker that found the queue empty would stop at once).
    [coordinator] = db.session.scalars(select(BackgroundJob.id)).all()
    assert jobs.runner.run(coordinator) is True
    assert len(_chunks()) == 3
    db.session.commit()  # SQLite: this session's transaction must not hold the write lock
    env = {
        **os.environ,
        **{
            f"MATCHMAKER_{key}": str(app.config[key])
            for key in (
                "SECRET_KEY",
                "MODELS_DIR",
                "RANK_TOP_K",
                "RANK_CHUNK_SIZE",
                "RERANK_CHUNK_PRIORITIES",
                "RERANK_ARTEFACT_DIR",
                "MAIL_SERVER",
                "MAIL_PORT",
                "BASE_URL",
                "REDIS_URL",
            )
        },
        "MATCHMAKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MATCHMAKER_SQLITE_BUSY_TIMEOUT_MS": "30000",
    }
    workers = [_worker(app, env), _worker(app, env)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    db.session.expire_all()
    assert db.session.get(RerankRun, run.id).status == "done", outputs
    assert {c.status for c in _chunks()} == {"done"}
    app.config["REDIS_URL"] = None
    distributed_result = _snapshot()
    assert _single_process_result(market) == distributed_result
    assert SuggestionStatus.ACCEPTED in {r[2] for r in distributed_result[0]}


def test_a_coordinator_whose_worker_died_before_queuing_the_chunks_runs_again(app, market):
    run = RerankRun(status=RerankStatus.RUNNING)  # started, then its worker was killed
    db.session.add(run)
    db.session.commit()
    distributed.coordinate(db.session, run.id)  # the job, handed over again by the sweep
    db.session.expire_all()
    assert (run.status, run.chunks_total) == ("done", 3)
    distributed.coordinate(db.session, run.id)  # once queued, never again
    assert len(_chunks()) == 3
