"""The company's data export carries its partnerships: introductions with the events and messages
it sees, its blocks, engagements without the office's internal notes, and the agreements it may
see with its own signatories' signature events; never another company's, never an office draft."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.orm import IntroductionEvent, IntroductionMessage, Signature
from matchmaker.services.companies import data_rights
from tests import factories as f

pytestmark = pytest.mark.usefixtures("no_ranking")


@pytest.fixture
def fan(app):
    office = f.OfficeFactory(name="Boston Global")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    mia = f.CompanyMemberFactory(company=company, name="Mia Member", email="mia@fan.example")
    intro = f.IntroductionFactory(
        stage="agreement_signed",
        suggestion__priority=f.PriorityFactory(office=office, title="Stadium pilots"),
        suggestion__profile=f.ProfileFactory(company=company),
    )
    db.session.add_all(
        [
            IntroductionEvent(
                introduction=intro, actor=mia, from_stage="requested", to_stage="introduced"
            ),
            IntroductionMessage(introduction=intro, author=ana, side="office", body="Hi Mia!"),
        ]
    )
    f.EngagementFactory(
        introduction=intro,
        status="happened",
        agenda="Stadium tour",
        next_steps="Draft the MOU",
        notes="Staff only: their CFO seems hesitant",
        staff_hours=Decimal("3.5"),
        office_rating=2,
        company_rating=5,
    )
    signed = f.AgreementFactory(introduction=intro, title="Stadium pilot MOU", status="signed")
    own = f.SignatoryFactory(
        agreement=signed, name="Ben Boss", email="ben@fan.example", party="Fan GmbH"
    )
    city = f.SignatoryFactory(
        agreement=signed, name="Anna Mayor", email="anna@city.example", party="Boston Global"
    )
    for who, ip in ((own, "198.51.100.7"), (city, "203.0.113.99")):
        who.status = "signed"
        db.session.add(
            Signature(
                signatory=who,
                document=signed.document,
                typed_name=who.name,
                email=who.email,
                ip_address=ip,
                user_agent="TestBrowser/1.0",
                sha256=signed.document.sha256,
            )
        )
    f.AgreementFactory(introduction=intro, title="Unsent side letter", status="draft")
    f.IntroductionBlockFactory(company_id=company.id, office_id=f.OfficeFactory(name="Nope").id)
    # Another company's introduction with the same office.
    other = f.IntroductionFactory(
        stage="introduced",
        suggestion__priority=f.PriorityFactory(office=office, title="Harbour logistics"),
        suggestion__profile=f.ProfileFactory(company=f.CompanyFactory(name="Other AG")),
    )
    db.session.add(IntroductionMessage(introduction=other, side="office", body="Hi Other!"))
    f.AgreementFactory(introduction=other, title="Harbour MOU")
    db.session.commit()
    return company, intro, signed


def test_the_export_lists_the_companys_partnerships(fan):
    company, intro, signed = fan
    data = data_rights.export_company(db.session, company.id)
    assert data["format"] == "matchmaker-company-export/3"
    (exported,) = data["introductions"]
    assert exported["office"] == "Boston Global" and exported["stage"] == "agreement_signed"
    assert exported["priority"] == "Stadium pilots"
    assert [e["to_stage"] for e in exported["events"]] == ["introduced"]
    assert exported["events"][0]["by"] == "Mia Member"
    assert [(m["by"], m["body"]) for m in exported["messages"]] == [("Ana Alvarez", "Hi Mia!")]
    assert data["introduction_blocks"][0]["office"] == "Nope"
    (engagement,) = data["engagements"]
    assert engagement["agenda"] == "Stadium tour" and engagement["company_rating"] == 5
    assert engagement["next_steps"] == "Draft the MOU" and engagement["status"] == "happened"
    (agreement,) = data["agreements"]
    assert agreement["title"] == "Stadium pilot MOU" and agreement["status"] == "signed"
    assert agreement["document_sha256"] == signed.document.sha256
    (ben,) = agreement["own_signatories"]
    assert ben["email"] == "ben@fan.example" and ben["status"] == "signed"
    (signature,) = ben["signatures"]
    assert signature["ip_address"] == "198.51.100.7"
    assert signature["document_sha256"] == signed.document.sha256


def test_the_export_leaves_out_internal_notes_drafts_and_other_companies(fan):
    company, *_ = fan
    text = json.dumps(data_rights.export_company(db.session, company.id))
    for absent in (
        "CFO seems hesitant",  # the office's internal engagement notes
        "staff_hours",
        "office_rating",
        "Unsent side letter",  # an office draft
        "Harbour",  # another company's introduction and agreement
        "Hi Other!",
        "Other AG",
        "anna@city.example",  # the office's signatory and its signature event
        "203.0.113.99",
    ):
        assert absent not in text, absent
