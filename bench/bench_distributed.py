"""The full re-rank against a database: in one process (rerank_all), and spread over RQ workers.

Called by bench_ranking.py with its model and synthetic data, so the figures sit next to the
ranking-only figure of the same run. Both runs here start from no suggestions and write every
one of them (explanation, review event, routing), which the ranking-only figure leaves out.

Database: MATCHMAKER_BENCH_DATABASE_URL (PostgreSQL: its public schema is dropped and recreated),
else SQLite in a temporary directory (where the workers' writes take turns). Redis:
MATCHMAKER_BENCH_REDIS_URL (default redis://127.0.0.1:6379/15, flushed). The workers are
`flask worker` processes started here and stopped after.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, delete, insert, text

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.orm import (
    City,
    Company,
    CompanyStatus,
    InterestProfile,
    Office,
    OfficeKind,
    Priority,
    PriorityStatus,
    RerankRun,
    RerankStatus,
    ReviewEvent,
    Suggestion,
)
from matchmaker.ranking import PartnershipRanker, PriorityInput, ProfileInput
from matchmaker.ranking.persistence import save_model

ROOT = Path(__file__).resolve().parents[1]
_ROWS = 5000  # rows per INSERT while seeding


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _fresh_database(url: str | None, tmp: Path) -> str:
    if not url:
        return f"sqlite:///{tmp / 'bench.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _seed(priorities: list[PriorityInput], profiles: list[ProfileInput]) -> None:
    """Cities and offices for the priorities' states, a company per profile; all active."""
    session = db.session
    states = sorted({p.state for p in priorities})
    session.execute(
        insert(City), [{"id": i + 1, "name": f"City {s}", "state": s} for i, s in enumerate(states)]
    )
    session.execute(
        insert(Office),
        [
            {
                "id": i + 1,
                "city_id": i + 1,
                "name": f"Office {s}",
                "kind": OfficeKind.ECONOMIC_DEVELOPMENT,
            }
            for i, s in enumerate(states)
        ],
    )
    office_of = {s: i + 1 for i, s in enumerate(states)}
    rows = [
        {
            "office_id": office_of[p.state],
            "title": p.title[:200],
            "description": p.description,
            "naics_sectors": list(p.naics_sectors),
            "partnership_types": list(p.partnership_types),
            "target_countries": list(p.target_countries),
            "status": PriorityStatus.OPEN,
        }
        for p in priorities
    ]
    for a in range(0, len(rows), _ROWS):
        session.execute(insert(Priority), rows[a : a + _ROWS])
    for a in range(0, len(profiles), _ROWS):
        batch = profiles[a : a + _ROWS]
        session.execute(
            insert(Company),
            [
                {
                    "id": a + i + 1,
                    "name": p.company_name[:200],
                    "description": p.company_description,
                    "hq_country": p.hq_country,
                    "size": p.size,
                    "naics_sectors": list(p.naics_sectors),
                    "status": CompanyStatus.ACTIVE,
                }
                for i, p in enumerate(batch)
            ],
        )
        session.execute(
            insert(InterestProfile),
            [
                {
                    "company_id": a + i + 1,
                    "title": f"Profile {a + i}",
                    "partnership_types": list(p.partnership_types),
                    "naics_sectors": list(p.naics_sectors),
                    "states": list(p.regions_of_interest),
                    "interests": p.interests,
                }
                for i, p in enumerate(batch)
            ],
        )
    session.commit()


def _no_suggestions() -> None:
    db.session.execute(delete(ReviewEvent))
    db.session.execute(delete(Suggestion))
    db.session.commit()


def _workers(env: dict, n: int) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "flask", "--app", "matchmaker", "worker"]
    return [
        subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL) for _ in range(n)
    ]


def _distributed(workers: int, env: dict) -> tuple[float, RerankRun]:
    """Seconds from the run's start to its end, with workers already waiting on the queue."""
    from rq import Worker

    from matchmaker.jobs import queue
    from matchmaker.services.matching.distributed import start_run

    procs = _workers(env, workers)
    try:
        while Worker.count(queue=queue()) < workers:  # they import the application first
            if any(p.poll() is not None for p in procs):
                raise SystemExit("a worker stopped before it started listening")
            time.sleep(0.2)
        start = time.perf_counter()
        run_id = start_run(db.session).id
        while True:
            db.session.expire_all()
            run = db.session.get(RerankRun, run_id)
            if run.status in (RerankStatus.DONE, RerankStatus.FAILED):
                break
            db.session.rollback()
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        _ = [len(c.priority_ids) for c in run.chunks]  # loaded before the session lets go
        return seconds, run
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=120)


def bench_db_rerank(
    model: PartnershipRanker,
    priorities: list[PriorityInput],
    profiles: list[ProfileInput],
    workers: int = 2,
) -> None:
    """Print the single-process and the distributed re-rank of the same database."""
    from matchmaker.services.matching.ranking import rerank_all

    n_p, n_c = len(priorities), len(profiles)
    redis_url = os.environ.get("MATCHMAKER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    with tempfile.TemporaryDirectory(prefix="mm-bench-") as name:
        tmp = Path(name)
        url = _fresh_database(os.environ.get("MATCHMAKER_BENCH_DATABASE_URL"), tmp)
        config = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MODELS_DIR": str(tmp / "models"),
            "RERANK_ARTEFACT_DIR": str(tmp / "artefacts"),
            "REDIS_URL": redis_url,
        }
        app = create_app(config)
        with app.app_context():
            from flask_migrate import upgrade
            from redis import Redis

            upgrade(directory=str(ROOT / "migrations"))
            Redis.from_url(redis_url).flushdb()
            save_model(model, Path(config["MODELS_DIR"]), "bench", {"source": "bench"})
            _log(f"seeding the database with P={n_p} C={n_c}")
            _seed(priorities, profiles)

            _log("re-rank in this process (rerank_all)")
            start = time.perf_counter()
            result = rerank_all(db.session)
            single = time.perf_counter() - start
            print(
                f"rerank db single-process P={n_p} C={n_c} seconds={single:.1f} "
                f"suggestions={result.created}",
                flush=True,
            )

            _no_suggestions()
            _log(f"re-rank over {workers} worker processes (flask rank --distributed)")
            env = {**os.environ, **{f"MATCHMAKER_{k}": str(v) for k, v in config.items()}}
            env["MATCHMAKER_DATABASE_URL"] = url
            seconds, run = _distributed(workers, env)
            if run.status != RerankStatus.DONE:
                raise SystemExit(f"the distributed re-rank failed: {run.error}")
            chunks = run.chunks
            coordinator = (min(c.started_at for c in chunks) - run.started_at).total_seconds()
            print(
                f"rerank distributed workers={workers} P={n_p} C={n_c} seconds={seconds:.1f} "
                f"suggestions={run.result['created']} chunks={len(chunks)} "
                f"coordinator_seconds={coordinator:.1f} "
                f"chunk_rank_seconds={sum(c.rank_seconds for c in chunks):.1f} "
                f"chunk_write_seconds={sum(c.write_seconds for c in chunks):.1f}",
                flush=True,
            )
            db.session.remove()
            db.engine.dispose()
