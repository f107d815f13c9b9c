"""Benchmark the company-demand page on 10,000 interest profiles (issue 11.3).

Fills a database with N active companies, one profile each (random NAICS codes, partnership
types, US states, countries, created over three years; a tenth paused, a twentieth withdrawn)
and P priorities over 50 cities (four in five open), then times, per dimension, the whole report
(demand counts, coverage, trend) and the rendered page as staff see it, median of 5. Prints:

    demand profiles=N priorities=P dimension=D report_ms=R page_ms=T

PostgreSQL when MATCHMAKER_BENCH_DATABASE_URL is set (the benchmark owns that database: it drops
and recreates its schema), else a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECTORS = [
    "5415",
    "5413",
    "3361",
    "3364",
    "541",
    "54",
    "7112",
    "6113",
    "5132",
    "3254",
    "2211",
    "4931",
    "33",
    "5182",
    "6221",
    "7211",
    "111",
    "2362",
    "5239",
    "3344",
]
COUNTRIES = ["DE", "JP", "FR", "GB", "KR", "IN", "CA", "MX", "BR", "IT", "NL", "SE", "US", "CN"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build(url: str, n_profiles: int, n_priorities: int) -> object:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from matchmaker import create_app, vocab
    from matchmaker.extensions import db
    from matchmaker.orm import City, Company, InterestProfile, Office, Priority, Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rng = random.Random(11)
    types, states = list(vocab.PARTNERSHIP_TYPES), list(vocab.US_STATES)
    now = datetime.now(UTC)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        s = db.session
        s.add_all(City(id=i, name=f"City {i}", state=states[i % len(states)]) for i in range(1, 51))
        s.add_all(
            Office(id=i, city_id=i, name=f"Office {i}", kind="economic_development")
            for i in range(1, 51)
        )
        s.add_all(
            Company(id=i, name=f"Company {i}", hq_country=rng.choice(COUNTRIES), status="active")
            for i in range(1, n_profiles + 1)
        )
        s.flush()
        s.add_all(
            InterestProfile(
                id=i,
                company_id=i,
                title=f"Profile {i}",
                naics_sectors=rng.sample(SECTORS, rng.randint(1, 3)),
                partnership_types=rng.sample(types, rng.randint(1, 3)),
                states=["any"] if rng.random() < 0.4 else rng.sample(states, rng.randint(1, 4)),
                status="paused" if i % 10 == 0 else "withdrawn" if i % 20 == 1 else "active",
                created_at=now - timedelta(days=rng.randint(0, 3 * 365)),
            )
            for i in range(1, n_profiles + 1)
        )
        s.add_all(
            Priority(
                id=i,
                office_id=1 + i % 50,
                title=f"Priority {i}",
                naics_sectors=rng.sample(SECTORS[:12], rng.randint(1, 2)),
                partnership_types=rng.sample(types[:6], rng.randint(1, 2)),
                target_countries=[] if rng.random() < 0.5 else rng.sample(COUNTRIES[:6], 2),
                status="open" if i % 5 else "closed",
            )
            for i in range(1, n_priorities + 1)
        )
        s.add(
            User(
                email="bench@offices.example",
                name="Bench",
                role=Role.OFFICE_STAFF,
                office_id=1,
                password_hash="x",  # noqa: S106 - nobody logs in
                notify_mode="off",
            )
        )
        s.commit()
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return app


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="1,000 profiles")
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--priorities", type=int, default=1_000)
    args = parser.parse_args()
    n = 1_000 if args.small else args.profiles
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/demand.db"
        log(f"building {n:,} profiles and {args.priorities:,} priorities")
        app = build(url, n, args.priorities)
        from flask import render_template
        from flask_login import login_user

        from matchmaker.extensions import db
        from matchmaker.orm import User
        from matchmaker.services.demand import report
        from matchmaker.services.demand.chart import bar_chart
        from matchmaker.services.demand.dimensions import Dimension
        from matchmaker.web.demand.forms import DemandFilterForm

        for dimension in Dimension:
            query = f"/demand?dimension={dimension.value}&months=24"
            with app.test_request_context(query):
                login_user(db.session.query(User).first())
                f = report.DemandFilters(dimension=dimension, months=24)
                report_ms = median_ms(lambda f=f: report.demand_report(db.session, f))

                def page(f=f):
                    data = report.demand_report(db.session, f)
                    rows = report.page_of(data.rows, 1, 25)
                    render_template(
                        "demand/overview.html",
                        form=DemandFilterForm(),
                        data=data,
                        page=rows,
                        chart=bar_chart(data.trend),
                    )

                page_ms = median_ms(page)
            print(
                f"demand profiles={n} priorities={args.priorities} dimension={dimension.value} "
                f"report_ms={report_ms:.0f} page_ms={page_ms:.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
