"""Benchmark the metrics page of a city with 100,000 suggestions, 10,000 introductions and
20,000 engagements (with their events, agreements, outcomes and follow-ups).

Fills the database with INSERT ... SELECT statements (no Python loop per row), logs a staff
member of the city in through the test client, renders /metrics for the whole city over all
of 2025 a few times, and prints the median:

    metrics rows=R ms=M cpu_ms=C

where R counts the rows the page aggregates. PostgreSQL when MATCHMAKER_BENCH_DATABASE_URL is set
(the benchmark owns that database: it drops and recreates its schema), else a SQLite file in a
temporary folder. The query plans go to stderr. Target: under 500 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMAIL, PASSWORD = "bench-staff@offices.example", "bench staff passphrase 2024"
OFFICES, PROFILES = 5, 1000
TABLES = ("suggestion", "introduction", "introduction_event", "engagement", "agreement", "outcome",
          "follow_up")  # fmt: skip
PAGE = "/metrics?scope=city:1&preset=custom&since=2025-01-01&until=2025-12-31"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Sql:
    """The few expressions SQLite and PostgreSQL spell differently."""

    def __init__(self, dialect: str):
        self.pg = dialect == "postgresql"

    def numbers(self, n: int) -> tuple[str, str]:
        """(WITH clause, FROM source) giving x = 0 .. n-1."""
        if self.pg:
            return "", f"generate_series(0, {n - 1}) AS n(x)"
        return (
            f"WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < {n - 1})",  # noqa: S608
            "n",
        )

    def plus_days(self, ts: str, days: str) -> str:
        if self.pg:
            return f"({ts} + ({days}) * INTERVAL '1 day')"
        return f"datetime({ts}, '+' || ({days}) || ' days')"

    def stamp(self, text: str) -> str:
        return f"TIMESTAMP '{text}'" if self.pg else f"'{text}'"


def statements(sql: Sql, n_s: int, n_i: int, n_e: int) -> list[tuple[str, str]]:
    """(what, SQL) in order; only integers computed here go into the SQL text."""
    start = sql.stamp("2025-01-01 09:00:00")
    head, src = sql.numbers(n_s)
    created = sql.plus_days(start, "x % 360")
    spacing = n_s // n_i  # every spacing-th suggestion was accepted
    stage = f"""CASE x / {spacing} % 10 WHEN 0 THEN 'declined' WHEN 1 THEN 'declined'
        WHEN 2 THEN 'requested' WHEN 3 THEN 'introduced' WHEN 7 THEN 'agreement_signed'
        WHEN 8 THEN 'active' WHEN 9 THEN 'closed' ELSE 'engaged' END"""
    suggestions = f"""{head} INSERT INTO suggestion (priority_id, profile_id, company_id, score,
        components, explanation, model_version, status, routed_office_id, flagged,
        flag_rationale, company_initiated, message, created_at, updated_at, routed_at, version)
      SELECT x / {PROFILES} + 1, x % {PROFILES} + 1, x % {PROFILES} + 1, 0.5, '{{}}', '{{}}',
        'bench', CASE WHEN x % {spacing} = 0 THEN 'accepted' WHEN x % 7 = 0 THEN 'declined'
        ELSE 'suggested' END, (x / {PROFILES}) % {OFFICES} + 1, false, '', false, '',
        {created}, {created}, {created}, 1 FROM {src}"""  # noqa: S608
    requested = sql.plus_days("s.created_at", "2")
    intro_stage = stage.replace("x /", "(s.id - 1) /")
    introductions = f"""INSERT INTO introduction (suggestion_id, office_id, company_id,
        priority_id, note, stage, decline_reason, close_reason, requested_at, answered_at,
        expires_at, updated_at, version)
      SELECT s.id, s.routed_office_id, s.company_id, s.priority_id, '', {intro_stage}, '', '',
        {requested}, {sql.plus_days("s.created_at", "5")}, {sql.plus_days("s.created_at", "32")},
        {requested}, 1
      FROM suggestion s WHERE (s.id - 1) % {spacing} = 0"""  # noqa: S608
    reached = {
        "introduced": ("'introduced','engaged','agreement_signed','active','closed'", "3"),
        "engaged": ("'engaged','agreement_signed','active','closed'", "8"),
        "agreement_signed": ("'agreement_signed','active'", "18 + i.id % 7"),
        "active": ("'active'", "30"),
    }
    events = [
        (
            f"events {to}",
            f"""INSERT INTO introduction_event (introduction_id, at, from_stage, to_stage, reason)
              SELECT i.id, {sql.plus_days("i.requested_at", days)}, 'requested', '{to}', ''
              FROM introduction i WHERE i.stage IN ({stages})""",  # noqa: S608
        )
        for to, (stages, days) in reached.items()
    ]
    engaged_ids = """SELECT id, office_id, requested_at, ROW_NUMBER() OVER (ORDER BY id) - 1 AS m
      FROM introduction WHERE stage IN ('engaged', 'agreement_signed', 'active', 'closed')"""
    e_head, e_src = sql.numbers(n_e)
    joiner = "," if e_head else "WITH"
    engagements = f"""{e_head}{joiner} eng AS ({engaged_ids}), k(c) AS (SELECT COUNT(*) FROM eng)
      INSERT INTO engagement (introduction_id, office_id, uid, sequence, kind, mode, status,
        starts_at, time_zone, duration_minutes, location, meeting_link, agenda, notes, staff_ids,
        member_ids, guests, next_steps, staff_hours, office_rating, company_rating, created_at,
        updated_at, version)
      SELECT eng.id, eng.office_id, 'bench-' || x, 0, 'meeting',
        CASE (x * 7) % 3 WHEN 0 THEN 'virtual' WHEN 1 THEN 'in_person' ELSE 'hybrid' END,
        CASE WHEN x % 10 < 8 THEN 'happened' WHEN x % 10 = 8 THEN 'cancelled' ELSE 'no_show' END,
        {sql.plus_days("eng.requested_at", "8 + x / 6000")}, 'UTC', 60, '', '', '', '', '[]',
        '[]', '[]', '', 1 + x % 4, 1 + x % 5, CASE WHEN x % 3 = 0 THEN 1 + x % 5 END,
        eng.requested_at, eng.requested_at, 1
      FROM {e_src} JOIN k ON true JOIN eng ON eng.m = x % k.c"""  # noqa: S608
    agreements = f"""INSERT INTO agreement (introduction_id, title, kind, other_parties,
        signing_order, status, created_at, updated_at, signed_at, terminated_reason, version)
      SELECT i.id, 'Bench MOU', 'mou', '', 'parallel', 'signed', i.requested_at, i.requested_at,
        {sql.plus_days("i.requested_at", "18 + i.id % 7")}, '', 1
      FROM introduction i WHERE i.stage IN ('agreement_signed', 'active')"""  # noqa: S608
    outcomes = f"""INSERT INTO outcome (introduction_id, kind, amount, currency, jobs_expected,
        description, recorded_at)
      SELECT i.id, CASE i.id % 3 WHEN 0 THEN 'investment' WHEN 1 THEN 'pilot'
        ELSE 'office_opening' END, 100000 * (i.id % 10 + 1),
        CASE i.id % 2 WHEN 0 THEN 'EUR' ELSE 'USD' END, i.id % 20, '',
        {sql.plus_days("i.requested_at", "31")}
      FROM introduction i WHERE i.stage = 'active'"""  # noqa: S608
    follow_ups = f"""INSERT INTO follow_up (introduction_id, office_id, months, due_on,
        actual_amount, actual_currency, actual_jobs, notes, done_at, version)
      SELECT i.id, i.office_id, 6, {sql.plus_days("i.requested_at", "200")}, 50000, 'EUR',
        i.id % 15, '', {sql.plus_days("i.requested_at", "201")}, 1
      FROM introduction i WHERE i.stage = 'active'"""  # noqa: S608
    return [
        ("suggestions", suggestions),
        ("introductions", introductions),
        *events,
        ("engagements", engagements),
        ("agreements", agreements),
        ("outcomes", outcomes),
        ("follow-ups", follow_ups),
    ]


def build_database(app, n_s: int, n_i: int, n_e: int) -> int:
    """Migrate an empty schema and fill it; returns the number of rows the page aggregates."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from matchmaker import passwords
    from matchmaker.extensions import db
    from matchmaker.orm import City, Company, InterestProfile, Office, Priority, Role, User
    from matchmaker.services.introductions import milestones

    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()
    s = db.session
    s.add(City(id=1, name="Bench City", state="MA"))
    s.add(City(id=2, name="Other City", state="NY"))
    s.add_all(
        Office(id=i, city_id=1, name=f"Office {i}", kind="economic_development")
        for i in range(1, OFFICES + 1)
    )
    s.add(Office(id=OFFICES + 1, city_id=2, name="Elsewhere", kind="economic_development"))
    s.add_all(
        Company(id=i, name=f"Company {i:06d}", hq_country="DE", naics_sectors=["5112"])
        for i in range(1, PROFILES + 1)
    )
    s.flush()
    s.add_all(
        InterestProfile(id=i, company_id=i, title=f"Profile {i}", interests="bench")
        for i in range(1, PROFILES + 1)
    )
    s.add_all(
        Priority(id=i, office_id=(i - 1) % OFFICES + 1, title=f"Priority {i}", status="open")
        for i in range(1, n_s // PROFILES + 1)
    )
    s.add(
        User(
            email=EMAIL,
            name="Bench Staff",
            role=Role.OFFICE_STAFF,
            office_id=1,
            password_hash=passwords.hash_password(PASSWORD),
            notify_mode="off",
        )
    )
    s.commit()
    sql = Sql(dialect)
    for what, statement in statements(sql, n_s, n_i, n_e):
        started = time.perf_counter()
        with db.engine.begin() as conn:
            conn.execute(text(statement))
        log(f"  {what} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    milestones.backfill(s)  # the introductions' milestones, from the events and agreements
    s.commit()
    log(f"  milestones in {time.perf_counter() - started:.1f} s")
    with db.engine.connect() as conn:
        # The table names are the constants of TABLES.
        counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in TABLES}  # noqa: S608
    log("  " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    rows = sum(counts.values())
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    if dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--repeat", type=int, default=7, help="renders to time")
    args = parser.parse_args()
    n_s, n_i, n_e = (10_000, 1_000, 2_000) if args.small else (100_000, 10_000, 20_000)
    from matchmaker import create_app

    with tempfile.TemporaryDirectory(prefix="mm-bench-") as tmp:
        url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        config = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
        app = create_app(config)
        with app.app_context():
            log(f"filling: {n_s:,} suggestions, {n_i:,} introductions, {n_e:,} engagements")
            rows = build_database(app, n_s, n_i, n_e)
        client = app.test_client()
        answer = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
        if answer.status_code != 302:
            raise SystemExit(f"bench: login failed with status {answer.status_code}")
        times, cpu = [], []
        for n in range(args.repeat + 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(PAGE)
            elapsed = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu_started) * 1000
            if response.status_code != 200 or response.data.count(b"<svg") != 10:
                raise SystemExit(f"bench: the metrics page answered {response.status_code}")
            if n:  # the first render warms caches and compiles the templates
                times.append(elapsed)
                cpu.append(cpu_ms)
        with app.app_context():
            from matchmaker.extensions import db

            db.engine.dispose()
    ms = statistics.median(times)
    # cpu_ms: this process's CPU time per render (with SQLite, the queries' too): what the page
    # costs whatever else the machine is doing; ms is the wall-clock time.
    print(f"metrics rows={rows} ms={ms:.0f} cpu_ms={statistics.median(cpu):.0f}")
    log(
        f"target: under 500 ms ({'met' if ms < 500 else 'MISSED'}); all runs: "
        + ", ".join(f"{t:.0f}" for t in times)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
