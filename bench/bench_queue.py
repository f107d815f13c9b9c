"""Benchmark the office queue page under load, next to a minimal page of the same app.

Fills a database with N suggestions (10 % routed to the viewed office), serves the app with
gunicorn (2 sync workers) on loopback, logs a staff member in through the login form, then runs
16 client threads against /queue and against /health, and prints:

    queue rps=R p99_ms=P minimal_rps=R0 minimal_p99_ms=P0

PostgreSQL when MATCHMAKER_BENCH_DATABASE_URL is set (the benchmark owns that database: it drops
and recreates its schema), else a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLIENTS = 16
EMAIL, PASSWORD = "bench-staff@offices.example", "bench staff passphrase 2024"
STAMP = "2025-01-01 00:00:00"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _suggestions_sql(dialect: str, n_priorities: int, n_profiles: int) -> str:
    """One INSERT ... SELECT writing every (priority, profile) pair: no Python loop per row."""
    total = n_priorities * n_profiles
    own = n_priorities // 10  # the first tenth of the priorities belong to office 1
    ts = f"'{STAMP}'" if dialect == "sqlite" else f"TIMESTAMP '{STAMP}'"
    select = f"""
      SELECT x / {n_profiles} + 1, x % {n_profiles} + 1, x % {n_profiles} + 1,
        (((x % 10007) * 7919) % 10007) / 10007.0,
        '{{}}', '{{"sentences": ["Shared sector."]}}', 'bench',
        CASE WHEN (x * 31) % 100 < 80 THEN 'suggested' WHEN (x * 31) % 100 < 85 THEN 'in_review'
             WHEN (x * 31) % 100 < 95 THEN 'declined' ELSE 'accepted' END,
        CASE WHEN x / {n_profiles} < {own} THEN 1 ELSE 2 + (x / {n_profiles}) % 9 END,
        false, '', false, '', {ts}, {ts}, {ts}, 1"""
    columns = """(priority_id, profile_id, company_id, score, components, explanation,
      model_version, status, routed_office_id, flagged, flag_rationale, company_initiated,
      message, created_at, updated_at, routed_at, version)"""
    if dialect == "sqlite":
        numbers = "SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < " + str(total - 1)  # noqa: S608
        source, head = "n", f"WITH RECURSIVE n(x) AS ({numbers})"
    else:
        head, source = "", f"generate_series(0, {total - 1}) AS x"
    # Only integers computed here go into the SQL text.
    return f"{head} INSERT INTO suggestion {columns} {select} FROM {source}"  # noqa: S608


def build_database(url: str, n_priorities: int, n_profiles: int) -> None:
    """Migrate an empty schema and fill it: offices, companies, priorities, suggestions."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from matchmaker import create_app, passwords
    from matchmaker.extensions import db
    from matchmaker.orm import City, Company, InterestProfile, Office, Priority, Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        dialect = db.engine.dialect.name
        if dialect == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        s = db.session
        s.add(City(id=1, name="Bench City", state="MA"))
        s.add_all(
            Office(id=i, city_id=1, name=f"Office {i}", kind="economic_development")
            for i in range(1, 11)
        )
        s.add_all(
            Company(
                id=i,
                name=f"Company {i:06d}",
                hq_country="DE" if i % 3 else "JP",
                naics_sectors=["5112"],
                status="active",
            )
            for i in range(1, n_profiles + 1)
        )
        s.flush()
        s.add_all(
            InterestProfile(id=i, company_id=i, title=f"Profile {i}", interests="bench")
            for i in range(1, n_profiles + 1)
        )
        own = n_priorities // 10
        s.add_all(
            Priority(
                id=i,
                office_id=1 if i <= own else 2 + (i - 1) % 9,
                title=f"Priority {i}",
                status="open",
            )
            for i in range(1, n_priorities + 1)
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
        total = n_priorities * n_profiles
        log(f"inserting {total:,} suggestions ({own * n_profiles:,} routed to office 1)")
        start = time.perf_counter()
        with db.engine.begin() as conn:
            conn.execute(text(_suggestions_sql(dialect, n_priorities, n_profiles)))
        log(f"  inserted in {time.perf_counter() - start:.0f} s; analyzing")
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        if dialect == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE suggestion"))
        log_plan(db, dialect)
        db.engine.dispose()


def log_plan(db, dialect: str) -> None:
    """EXPLAIN the first page of office 1's queue (stderr), to check the index is used."""
    from matchmaker.services.review.queue import QueueFilters, queue_query

    statement, values = queue_query(1, QueueFilters())
    compiled = statement.compile(db.engine)
    params = compiled.construct_params(values)
    if compiled.positiontup:  # SQLite's "?" placeholders
        params = tuple(params[name] for name in compiled.positiontup)
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN ANALYZE "
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + str(compiled), params).all()
    log(f"queue query plan ({dialect}):")
    for row in rows:
        log("  " + " | ".join(str(c) for c in row))


class Client:
    """Plain HTTP/1.1 requests to the server on loopback, one connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, body: str = "") -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def login(self) -> None:
        """Log in through the form, as a browser would: CSRF token, then the session cookie."""
        status, headers, body = self.request("GET", "/auth/login")
        html = body.decode()
        self.cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
            r'name="csrf_token" value="([^"]+)"', html
        )
        form = urlencode(
            {"csrf_token": token.group(1) if token else "", "email": EMAIL, "password": PASSWORD}
        )
        status, headers, _ = self.request("POST", "/auth/login", form)
        if status != 302 or "Set-Cookie" not in headers:
            raise SystemExit(f"bench: login failed with status {status}")
        self.cookie = headers["Set-Cookie"].split(";", 1)[0]


def load(client: Client, path: str, seconds: float, max_requests: int) -> tuple[float, float]:
    """16 threads hit one path for a bounded time and count; returns (rps, p99 ms)."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    per_thread = max_requests // CLIENTS

    def worker(slot: list[float]) -> None:
        for _ in range(per_thread):
            if time.perf_counter() >= deadline:
                return
            start = time.perf_counter()
            status, _, _ = client.request("GET", path)
            slot.append(time.perf_counter() - start)
            if status != 200:
                errors.append(f"{path}: {status}")
                return

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in latencies]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"bench: {errors[0]}")
    samples = sorted(x for slot in latencies for x in slot)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000
    return len(samples) / elapsed, p99


def serve(url: str, port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        MATCHMAKER_DATABASE_URL=url,
        MATCHMAKER_SECRET_KEY="bench-secret",  # noqa: S106 - a throwaway benchmark server
        MATCHMAKER_RATELIMIT_ENABLED="false",
        MATCHMAKER_REDIS_URL="",
    )
    env.pop("MATCHMAKER_REDIS_URL")
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "matchmaker:create_app()",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    client = Client(port)
    for _ in range(300):  # up to 30 s to come up
        try:
            if client.request("GET", "/health")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("bench: gunicorn did not start within 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="50,000 suggestions instead of 1M")
    parser.add_argument("--seconds", type=float, default=None, help="load time per page")
    args = parser.parse_args()
    n_priorities, n_profiles = (100, 500) if args.small else (1000, 1000)
    seconds = args.seconds or (8.0 if args.small else 15.0)
    with tempfile.TemporaryDirectory(prefix="mm-bench-") as tmp:
        url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        build_database(url, n_priorities, n_profiles)
        port = free_port()
        proc = serve(url, port)
        try:
            client = Client(port)
            client.login()
            status, _, html = client.request("GET", "/queue")
            rows = html.count(b'href="/suggestions/')
            if status != 200 or rows != 50:
                raise SystemExit(f"bench: the queue page answered {status} with {rows} rows")
            for path in ("/health", "/queue"):  # warm both workers up
                load(client, path, 1.0, 200)
            log(f"load: {CLIENTS} clients, {seconds:.0f} s per page")
            r0, p0 = load(client, "/health", seconds, 200_000)
            r, p = load(client, "/queue", seconds, 200_000)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"queue rps={r:.0f} p99_ms={p:.1f} minimal_rps={r0:.0f} minimal_p99_ms={p0:.1f}")
    log(f"targets: rps {r / r0:.2f} x minimal (>= 0.25), p99 {p / p0:.2f} x minimal (<= 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
