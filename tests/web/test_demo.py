"""`flask demo`: demo data on an empty database, printed accounts that work, data kept on re-run."""

from sqlalchemy import func, select

from matchmaker.demo import demo_accounts
from matchmaker.extensions import db
from matchmaker.orm import City, Company, InterestProfile, Office, Priority, User


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

    again = runner.invoke(args=["demo"])
    assert "already has data" in again.output
    assert db.session.scalar(select(func.count(Company.id))) == counts["Company"]

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
