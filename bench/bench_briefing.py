"""Benchmark generating one city's briefing (the HTML page's data and the PDF) for a quarter.

Fills a database with one city of N introductions (a fifth active partnerships with an outcome
and a follow-up, a tenth with a signed agreement), 5 N engagements in the quarter and N / 20
featured items, plus as much again for another city, then prints:

    briefing introductions=N agreements=A engagements=E build_ms=B pdf_ms=P pdf_kb=K

PostgreSQL when MATCHMAKER_BENCH_DATABASE_URL is set (the benchmark drops and recreates its
schema), else a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

START, END = date(2026, 1, 1), date(2026, 3, 31)
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _fill(session, city_name: str, n: int) -> int:
    from matchmaker import orm as m

    city = m.City(name=city_name, state="MA")
    office = m.Office(city=city, name=f"{city_name} office", kind="economic_development")
    session.add(office)
    session.flush()
    priority = m.Priority(office_id=office.id, title="Stadium district pilots")
    session.add(priority)
    session.flush()
    sectors = [["5132"], ["3345", "5415"], ["7112"], []]
    countries = ["DE", "JP", "GR", "CA", "FR"]
    companies = session.scalars(
        insert(m.Company).returning(m.Company.id),
        [
            {"name": f"{city_name} company {i}", "hq_country": countries[i % 5],
             "naics_sectors": sectors[i % 4], "status": "active"}
            for i in range(n)
        ],
    ).all()  # fmt: skip
    profiles = session.scalars(
        insert(m.InterestProfile).returning(m.InterestProfile.id),
        [{"company_id": c, "title": "Pilot"} for c in companies],
    ).all()
    suggestions = session.scalars(
        insert(m.Suggestion).returning(m.Suggestion.id),
        [
            {"priority_id": priority.id, "profile_id": p, "company_id": c,
             "routed_office_id": office.id, "status": "accepted"}
            for p, c in zip(profiles, companies, strict=True)
        ],
    ).all()  # fmt: skip
    stages = ["engaged", "agreement_signed", "active", "active", "engaged"]
    intros = session.scalars(
        insert(m.Introduction).returning(m.Introduction.id),
        [
            {"suggestion_id": s, "office_id": office.id, "company_id": c,
             "priority_id": priority.id, "stage": stages[i % 5],
             "requested_at": T0 - timedelta(days=90), "expires_at": T0}
            for i, (s, c) in enumerate(zip(suggestions, companies, strict=True))
        ],
    ).all()  # fmt: skip
    active = [i for k, i in enumerate(intros) if stages[k % 5] == "active"]
    session.execute(
        insert(m.IntroductionEvent),
        [{"introduction_id": i, "at": T0, "from_stage": "agreement_signed", "to_stage": "active"}
         for i in active],
    )  # fmt: skip
    session.execute(
        insert(m.Outcome),
        [{"introduction_id": i, "kind": "investment", "amount": Decimal(1000000),
          "currency": "EUR", "jobs_expected": 10} for i in active],
    )  # fmt: skip
    session.execute(
        insert(m.FollowUp),
        [{"introduction_id": i, "office_id": office.id, "months": 6, "due_on": START,
          "done_at": T0 + timedelta(days=30), "actual_amount": Decimal(400000),
          "actual_currency": "EUR", "actual_jobs": 4} for i in active],
    )  # fmt: skip
    content = f"%PDF-1.4 {city_name}".encode()
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    session.add(m.AgreementFile(sha256=sha, size=len(content), content=content))
    signed = intros[:: max(1, 10)][: n // 10]
    agreements = session.scalars(
        insert(m.Agreement).returning(m.Agreement.id),
        [{"introduction_id": i, "title": f"MOU {i}", "kind": "mou", "status": "signed",
          "signed_at": T0 + timedelta(days=i % 80), "other_parties": "Chamber"} for i in signed],
    ).all()  # fmt: skip
    session.execute(
        insert(m.AgreementDocument),
        [{"agreement_id": a, "number": 1, "sha256": sha, "filename": "mou.pdf", "size": 1,
          "pages": 1} for a in agreements],
    )  # fmt: skip
    modes, kinds = ["virtual", "in_person", "hybrid"], ["call", "meeting", "site_visit"]
    session.execute(
        insert(m.Engagement),
        [{"introduction_id": intros[k % n], "office_id": office.id, "uid": f"{city_name}-{k}",
          "kind": kinds[k % 3], "mode": modes[k % 7 % 3], "status": "happened",
          "starts_at": T0 + timedelta(hours=k % 2000), "time_zone": "UTC",
          "duration_minutes": 60, "notes": "internal"} for k in range(5 * n)],
    )  # fmt: skip
    session.execute(
        insert(m.BriefingFeature),
        [{"introduction_id": i, "office_id": office.id, "summary": "A notable pilot. " * 10}
         for i in intros[: n // 20]],
    )  # fmt: skip
    session.commit()
    return city.id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--introductions", type=int, default=None)
    args = parser.parse_args()
    n = args.introductions or (500 if args.small else 4000)
    url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp()
    url = url or f"sqlite:///{folder}/bench.db"
    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.orm import Base, Role, User
    from matchmaker.services.briefing import report
    from matchmaker.services.briefing.pdf import render_pdf
    from matchmaker.services.briefing.period import Period

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        log(f"filling {n} introductions per city ...")
        city_id = _fill(db.session, "Boston", n)
        _fill(db.session, "Denver", n)
        admin = User(email="bench-admin@example.org", role=Role.ADMIN)
        db.session.add(admin)
        db.session.commit()
        period = Period(START, END)
        report.build_briefing(db.session, admin, city_id, period)  # warm the caches
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            b = report.build_briefing(db.session, admin, city_id, period)
            built = time.perf_counter()
            pdf = render_pdf(b)
            runs.append(((built - t) * 1000, (time.perf_counter() - built) * 1000))
            db.session.rollback()
        build_ms, pdf_ms = min(r[0] for r in runs), min(r[1] for r in runs)
        engagements = db.session.scalar(select(db.func.count()).select_from(db.text("engagement")))
        print(
            f"briefing introductions={n} agreements={len(b.agreements)} "
            f"engagements={engagements // 2} build_ms={build_ms:.0f} pdf_ms={pdf_ms:.0f} "
            f"pdf_kb={len(pdf) // 1024}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
