"""Company exports: the data-rights export shows only what the company took part in; staff exports
leave contacts out."""

from __future__ import annotations

import json

import pytest

from matchmaker.extensions import db
from matchmaker.orm import (
    CompanyStatus,
    SuggestionStatus,
)
from matchmaker.services.companies import data_rights
from matchmaker.services.companies.csv_import import batches as company_import
from tests import factories as f

S = SuggestionStatus
UNDECIDED = (S.SUGGESTED, S.IN_REVIEW, S.SNOOZED)


pytestmark = pytest.mark.usefixtures("no_ranking")


def test_the_export_shows_only_what_the_company_took_part_in(app):
    profile = f.ProfileFactory()
    hidden = f.PriorityFactory(title="Secret stadium bid", visible_to_companies=False)
    f.SuggestionFactory(profile=profile, priority=hidden, score=0.91)
    f.SuggestionFactory(
        profile=profile,
        priority__title="Declined quietly",
        status=S.DECLINED,
        decline_reason="company_too_small",
        score=0.77,
    )
    f.SuggestionFactory(profile=profile, priority__title="Under review", status=S.IN_REVIEW)
    asked = f.SuggestionFactory(
        profile=profile,
        priority__title="Harbour pilot",
        company_initiated=True,
        message="We would love to pilot here.",
        status=S.DECLINED,
        decline_reason="not_a_fit",
    )
    introduced = f.SuggestionFactory(
        profile=profile, priority__title="Fan zone", status=S.INTRODUCED, score=0.66
    )
    data = data_rights.export_company(db.session, profile.company_id)
    text = json.dumps(data)
    by_id = {s["id"]: s for s in data["suggestions"]}
    assert set(by_id) == {asked.id, introduced.id}
    assert by_id[asked.id]["message"] == "We would love to pilot here."
    assert by_id[asked.id]["priority"] == "Harbour pilot"
    assert by_id[introduced.id]["status"] == "introduced"
    assert data["internal_match_records"] == 3
    for secret in (
        "Secret stadium",
        "Declined quietly",
        "Under review",
        "score",
        ": 0.91",  # as a JSON value: a bare "0.91" can occur inside a timestamp
        "declined",
        "not_a_fit",
        "company_too_small",
        "in_review",
    ):
        assert secret not in text, secret


def test_staff_export_leaves_contacts_out_and_imports_back_without_clearing_them(app):
    importer = f.StaffFactory()
    f.CompanyFactory(
        name="Acme",
        contact_name="Ada Lovelace",
        contact_email="ada@acme.example",
        external_id="e-1",
        website="https://acme.example",
        website_domain="acme.example",
        created_by_office_id=importer.office_id,  # an import of this office created it
    )
    staff = company_csv_export(include_contacts=False)
    assert "contact_email" not in staff and "ada@acme.example" not in staff
    assert "Ada Lovelace" not in staff
    admin = company_csv_export(include_contacts=True)
    assert "ada@acme.example" in admin and "Ada Lovelace" in admin
    batch = company_import.upload_import(db.session, importer, "c.csv", staff.encode())
    assert company_import.preview_import(db.session, batch).counts.unchanged == 1


def company_csv_export(include_contacts: bool) -> str:
    from matchmaker.services.companies.csv_import import columns as company_csv

    return company_csv.export_companies(
        db.session, (CompanyStatus.ACTIVE,), include_contacts=include_contacts
    )
