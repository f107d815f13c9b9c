"""`flask demo`: demo data on an empty database, printed accounts that work, data kept on re-run."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from matchmaker.demo import demo_accounts
from matchmaker.extensions import db
from matchmaker.orm import (
    Agreement,
    AgreementStatus,
    BackgroundJob,
    City,
    Company,
    Engagement,
    InterestProfile,
    Introduction,
    Office,
    OutboxEmail,
    Priority,
    Suggestion,
    User,
    utcnow,
)
from matchmaker.services.briefing.period import default_period


def test_demo_loads_once_and_its_printed_accounts_log_in(app, runner, client, auth):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "http://localhost" in result.output
    for _role, email, password in demo_accounts():
        assert email in result.output and password in result.output
    counts = {
        m.__name__: db.session.scalar(select(func.count(m.id)))
        for m in (City, Office, Priority, Company, InterestProfile)
    }
    history = {"introductions": db.session.scalar(select(func.count(Introduction.id)))}
    assert counts["City"] >= 2 and counts["Office"] >= 2
    assert counts["Company"] >= 10 and counts["InterestProfile"] >= 10
    assert counts["Priority"] >= 6
    assert db.session.scalar(select(func.count(User.id).filter(User.office_id.is_not(None)))) >= 2

    assert "sets up two-step verification at first login" in result.output
    for role, email, password in demo_accounts():
        response = client.post("/auth/login", data={"email": email, "password": password})
        if role == "admin":  # admins must use MFA: the demo admin sets it up at first login
            assert response.headers["Location"] == "/auth/mfa/enrol"
            assert auth.enrol().status_code == 200
        else:
            assert response.headers["Location"] == "/dashboard"
        assert client.get("/dashboard").status_code == 200
        auth.logout()

    _the_history_shows_on_the_pages(client, auth, result.output)

    again = runner.invoke(args=["demo"])
    assert "already has data" in again.output
    assert db.session.scalar(select(func.count(Company.id))) == counts["Company"]
    assert db.session.scalar(select(func.count(Introduction.id))) == history["introductions"]

    names = set(db.session.scalars(select(Company.name)))
    assert "<b>Pitchlark</b> Sales AI" in names  # kept as typed; escaping is the templates' job
    assert "Tembusu Water &amp; Sensing Pte Ltd" in names


def _readme_slug(name: str) -> str:
    """The README's definition, written out again: lower case, each run of other characters
    than letters and digits one hyphen (none at either end)."""
    out, gap = [], False
    for ch in name.lower():
        if ch.isascii() and ch.isalnum():
            out.append("-" if gap and out else "")
            out.append(ch)
            gap = False
        else:
            gap = True
    return "".join(out)


def test_the_readme_rules_for_demo_addresses_hold_for_every_office_and_company(app, root):
    from matchmaker.demo import load_demo

    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "`<office-name-slug>@offices.example`" in readme and "`team@<website domain>`" in readme
    example = "`st-louis-office-of-international-trade-and-investment@offices.example`"
    assert example in readme
    load_demo(db.session, echo=lambda *_: None)
    staff = set(db.session.scalars(select(User.email).where(User.office_id.is_not(None))))
    offices = db.session.scalars(select(Office.name)).all()
    assert {f"{_readme_slug(name)}@offices.example" for name in offices} == staff
    assert example.strip("`") in staff
    members = set(db.session.scalars(select(User.email).where(User.company_id.is_not(None))))
    domains = db.session.scalars(select(Company.website_domain)).all()
    assert {f"team@{domain}" for domain in domains} == members


def _the_history_shows_on_the_pages(client, auth, output):
    """The demo's partnership history: the Boston staff's metrics funnel has numbers, the
    briefing of the last full quarter lists a signed agreement with its fingerprint, the demo
    company has a request to answer and an agreement to sign; no email was queued."""
    assert "history:" in output
    assert db.session.scalar(select(func.count(Introduction.id))) >= 20
    assert db.session.scalar(select(func.count(Engagement.id))) >= 25
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0
    undecided = select(func.min(Suggestion.created_at)).where(Suggestion.status == "suggested")
    assert db.session.scalar(undecided) > utcnow() - timedelta(hours=1)  # only played ones move
    assert not db.session.scalar(
        select(func.count(BackgroundJob.id)).where(BackgroundJob.name == "deliver_outbox")
    )
    _role, staff_email, staff_password = demo_accounts()[1]
    client.post("/auth/login", data={"email": staff_email, "password": staff_password})
    assert "Funnel" in client.get("/metrics").text
    for preset, steps in (("last_90", 4), ("last_365", 6)):  # the default period, the year
        rows = list(csv.reader(io.StringIO(client.get(f"/metrics.csv?preset={preset}").text)))
        funnel = [int(r[3]) for r in rows[1:] if r[0] == "Funnel" and r[2] == "Suggestions"]
        assert len(funnel) == 6 and all(n > 0 for n in funnel[:steps]), (preset, funnel)

    quarter = default_period(utcnow().date())
    signed = db.session.scalars(
        select(Agreement)
        .join(Introduction)
        .join(Office, Office.id == Introduction.office_id)
        .where(
            Agreement.status == AgreementStatus.SIGNED,
            Office.contact_email == staff_email,
        )
    ).all()
    in_quarter = [a for a in signed if quarter.start <= a.signed_at.date() <= quarter.end]
    assert in_quarter
    page = client.get(f"/briefing/document?start={quarter.start}&end={quarter.end}").text
    assert all(a.document.sha256 in page for a in in_quarter)
    auth.logout()

    _role, member_email, member_password = demo_accounts()[2]
    client.post("/auth/login", data={"email": member_email, "password": member_password})
    page = client.get("/company/introductions?stage=requested").text
    pending = db.session.scalars(
        select(Introduction)
        .join(User, User.company_id == Introduction.company_id)
        .where(User.email == member_email, Introduction.stage == "requested")
    ).all()
    assert len(pending) == 1
    assert pending[0].priority.title in page
    waiting = db.session.scalars(
        select(Agreement)
        .join(Introduction)
        .join(User, User.company_id == Introduction.company_id)
        .where(User.email == member_email, Agreement.status == AgreementStatus.SIGNING)
    ).all()
    assert len(waiting) == 1
    assert [s.status.value for s in waiting[0].signatories] == ["signed", "invited"]
    link = output.split("signing link (valid 14 days): ", 1)[1].split()[0]
    review = client.get(urlsplit(link).path)
    assert review.status_code == 200 and waiting[0].title in review.text
    auth.logout()
