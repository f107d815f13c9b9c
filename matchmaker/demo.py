"""Demo data drawn from the labelled development set (labels stripped), and its command.

After the ranking, `flask demo` plays a year of partnership history through the services
(matchmaker/demo_history.py: its docstring says how past times are set and why no email goes).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from importlib import resources

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker import passwords, vocab
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
    Role,
    User,
    utcnow,
)

ADMIN = ("admin@matchmaker.example", "demo-admin-passphrase")
STAFF_PASSWORD = "demo-staff-passphrase"  # noqa: S105 - printed demo credential, not a secret
COMPANY_PASSWORD = "demo-company-passphrase"  # noqa: S105


def _rows(name: str) -> list[dict]:
    return json.loads(resources.files("matchmaker.data.demo").joinpath(name).read_text("utf-8"))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


LOCAL_PART_MAX = 64  # RFC 5321: the longest part of an address before the @


def staff_email(office_name: str) -> str:
    """`<office-name-slug>@offices.example`, exactly the rule the README gives (a test checks
    it for every demo office). Never shortened: a cut slug broke the rule for long names."""
    local = slug(office_name)
    if len(local) > LOCAL_PART_MAX:
        raise ValueError(f"office name too long for a demo address: {office_name}")
    return f"{local}@offices.example"


def company_email(website: str) -> str:
    return "team@" + website.split("//", 1)[-1].strip("/")


def office_kind(name: str) -> OfficeKind:
    if "International" in name or "Diplomacy" in name or "Visitors" in name:
        return OfficeKind.INTERNATIONAL_AFFAIRS
    if re.search(r"Partnership|Alliance|Initiative|Compact", name):
        return OfficeKind.REGIONAL_PARTNERSHIP
    return OfficeKind.ECONOMIC_DEVELOPMENT


def profile_title(row: dict) -> str:
    types = ", ".join(vocab.partnership_label(t).lower() for t in row["partnership_types"])
    regions = row["regions_of_interest"]
    where = "any US state" if regions == ["any"] else ", ".join(regions)
    return f"{types.capitalize()} in {where}"[:200]


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(User.id)))


def load_demo(session: Session, echo=print) -> None:
    """Create cities, offices, staff, companies, profiles and priorities in one transaction."""
    staff_hash = passwords.hash_password(STAFF_PASSWORD)
    company_hash = passwords.hash_password(COMPANY_PASSWORD)
    now = utcnow()
    session.add(
        User(
            email=ADMIN[0],
            name="Demo Admin",
            role=Role.ADMIN,
            password_hash=passwords.hash_password(ADMIN[1]),
            email_confirmed_at=now,
        )
    )
    cities: dict[tuple, City] = {}
    offices: dict[str, Office] = {}
    priorities = _rows("priorities.json")
    with click.progressbar(priorities, label="priorities", file=None) as bar:
        for row in bar:
            key = (row["city"], row["state"])
            city = cities.get(key) or City(name=row["city"], state=row["state"], country="US")
            cities[key] = city
            office = offices.get(row["office"])
            if office is None:
                office = Office(
                    city=city,
                    name=row["office"],
                    kind=office_kind(row["office"]),
                    contact_email=staff_email(row["office"]),
                    sectors=[],
                    states=[row["state"]],
                )
                offices[row["office"]] = office
                session.add(
                    User(
                        email=staff_email(row["office"]),
                        name=f"{row['office']} staff",
                        role=Role.OFFICE_STAFF,
                        office=office,
                        password_hash=staff_hash,
                        email_confirmed_at=now,
                    )
                )
            session.add(
                Priority(
                    office=office,
                    title=row["title"],
                    description=row["description"],
                    naics_sectors=row["naics_sectors"],
                    partnership_types=row["partnership_types"],
                    target_countries=row["target_countries"],
                    status=PriorityStatus.OPEN,
                    visible_to_companies=True,
                )
            )
    companies = _rows("companies.json")
    with click.progressbar(companies, label="companies ") as bar:
        for k, row in enumerate(bar):
            # Profiles arrived over the past year (the demand page's trend): a fixed spread.
            arrived = now - timedelta(days=(k * 37) % 365)
            company = Company(
                name=row["name"],
                website=row["website"],
                website_domain=row["website"].split("//", 1)[-1].strip("/").lower(),
                external_id=row["id"],
                hq_country=row["hq_country"],
                size=row["size"],
                naics_sectors=row["naics_sectors"],
                description=row["description"],
                contact_name="Partnerships team",
                contact_email=company_email(row["website"]),
                status=CompanyStatus.ACTIVE,
            )
            session.add(company)
            session.add(
                InterestProfile(
                    company=company,
                    title=profile_title(row),
                    partnership_types=row["partnership_types"],
                    naics_sectors=row["naics_sectors"],
                    states=row["regions_of_interest"],
                    interests=row["interests"],
                    created_at=arrived,
                )
            )
            session.add(
                User(
                    email=company_email(row["website"]),
                    name=f"{row['name'].strip()} team",
                    role=Role.COMPANY_MEMBER,
                    company=company,
                    password_hash=company_hash,
                    email_confirmed_at=now,
                )
            )
    session.commit()
    echo(
        f"loaded {len(cities)} cities, {len(offices)} offices, {len(priorities)} priorities, "
        f"{len(companies)} companies"
    )


def home_office() -> str:
    """The demo staff account's office (Boston's): most of the demo history is its own."""
    return _rows("priorities.json")[0]["office"]


def demo_accounts() -> list[tuple[str, str, str]]:
    """The accounts to print: (role, email, password)."""
    priorities = _rows("priorities.json")
    companies = _rows("companies.json")
    return [
        ("admin", *ADMIN),
        ("office staff", staff_email(priorities[0]["office"]), STAFF_PASSWORD),
        ("company member", company_email(companies[0]["website"]), COMPANY_PASSWORD),
    ]


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data into an empty database and print the demo accounts."""
    from matchmaker.ranking import ModelNotFound
    from matchmaker.services.matching.model_store import current_model, train_model
    from matchmaker.services.matching.ranking import Progress, rerank_all

    fresh = loaded = is_empty(db.session)
    if fresh:
        load_demo(db.session, echo=click.echo)
    else:
        click.echo("database already has data: demo data not loaded again")
    try:
        current_model()
    except ModelNotFound:
        click.echo("no ranking model yet: fitting one on the database ...")
        click.echo(f"saved model {train_model(db.session)}")
        fresh = True
    if fresh:
        report = Progress(note=lambda msg: click.echo(f"  {msg}"))
        result = rerank_all(db.session, progress=report)
        click.echo(f"ranked: {result.created} suggestions")
    if loaded:
        from matchmaker.demo_history import load_history

        accounts = demo_accounts()
        load_history(db.session, home_office(), accounts[2][1], echo=click.echo)
    click.echo(f"\nMatchmaker serves at {current_app.config['BASE_URL']}\nDemo accounts:")
    for role, email, password in demo_accounts():
        click.echo(f"  {role:<15} {email:<55} {password}")
    click.echo("  (every office and company in the demo has an account; passwords as above)")
    click.echo(
        "  The admin sets up two-step verification at first login: scan the QR code with an\n"
        "  authenticator app (or type its key), then give the app's code at every login."
    )
