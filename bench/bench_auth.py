"""Benchmark: sign-up and password reset answer alike whether the address exists, and no page
waits on SMTP or Redis (issue 12, items 5, 7 and 8).

Serves the app on loopback with a real threaded server, production Argon2 parameters, an SMTP
server that accepts connections and never answers, and (optionally) a Redis URL nobody listens
on; then times each request until its whole response is read. Prints:

    auth signup known_p50_ms=A unknown_p50_ms=B reset known_p50_ms=C unknown_p50_ms=D
    auth health p50_ms=E smtp=silent redis=down
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench passphrase for accounts 2026"  # noqa: S105 - a throwaway account


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def silent_smtp() -> tuple[socket.socket, int]:
    """A listening socket that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def timed(port: int, method: str, path: str, form: dict | None = None) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = urlencode(form or {}, doseq=True)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1"}
    start = time.perf_counter()
    conn.request(method, path, body=body if form else None, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    assert response.status in (200, 302), (path, response.status)
    return elapsed


def signup_form(i: int, email: str) -> dict:
    return {
        "company_name": f"Bench Company {i}",
        "contact_name": "Bench Person",
        "hq_country": "DE",
        "website": f"https://bench-company-{i}.example",
        "size": "sme",
        "naics_sectors": ["5132"],
        "description": "A company made by the benchmark.",
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    rounds = 5 if args.small else 20

    from werkzeug.serving import make_server

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.orm import Role
    from matchmaker.services.accounts.credentials import create_user

    smtp, smtp_port = silent_smtp()
    folder = Path(tempfile.mkdtemp(prefix="mm-bench-auth-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "WTF_CSRF_ENABLED": False,
            # The benchmark repeats what a rate limit would stop.
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
            "BASE_URL": "http://127.0.0.1",
            "MODELS_DIR": str(folder / "models"),
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        create_user(db.session, "known@bench.example", Role.ADMIN, password=PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log(f"bench auth: {rounds} rounds each, SMTP silent on :{smtp_port}, Redis down")

    times: dict[str, list[float]] = {k: [] for k in ("sk", "su", "rk", "ru", "h")}
    for i in range(rounds):
        times["sk"].append(
            timed(port, "POST", "/signup", signup_form(2 * i, "known@bench.example"))
        )
        times["su"].append(
            timed(port, "POST", "/signup", signup_form(2 * i + 1, f"new{i}@bench.example"))
        )
        times["rk"].append(timed(port, "POST", "/auth/reset", {"email": "known@bench.example"}))
        times["ru"].append(timed(port, "POST", "/auth/reset", {"email": f"nobody{i}@x.example"}))
        times["h"].append(timed(port, "GET", "/health"))
        log(f"bench auth: round {i + 1}/{rounds}")
    p50 = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"auth signup known_p50_ms={p50['sk']:.1f} unknown_p50_ms={p50['su']:.1f} "
        f"reset known_p50_ms={p50['rk']:.1f} unknown_p50_ms={p50['ru']:.1f}"
    )
    print(f"auth health p50_ms={p50['h']:.1f} smtp=silent redis=down")
    server.shutdown()
    smtp.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
