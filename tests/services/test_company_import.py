"""Bulk company import: preview errors, all-or-nothing, re-imports change nothing, export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import Company, CompanyStatus, InterestProfile
from matchmaker.services.companies.csv_import import batches as company_import
from matchmaker.services.companies.csv_import import columns as company_csv
from matchmaker.services.errors import InvalidTransition
from matchmaker.services.matching import ranking
from tests import factories as f
from tests.conftest import AuthActions

HEADER = "external_id,name,website,hq_country,size,naics_sectors,partnership_types,states,interests"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def upload(data: bytes, user=None):
    user = user or f.StaffFactory()
    return company_import.upload_import(db.session, user, "companies.csv", data), user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_clean_file_imports_companies_and_their_interest_profiles(app):
    data = csv_bytes(
        "crm-1,Acme Robotics,https://acme.example,DE,sme,3332|5415,pilot_project,MA|NY,Pilots",
        ",Beta Foods,https://www.beta.example,France,large,3114,,,",
    )
    batch, user = upload(data)
    preview = company_import.preview_import(db.session, batch)
    assert preview.counts.new == 2 and not preview.errors
    company_import.run_import(db.session, batch.id, user)
    acme = db.session.scalar(select(Company).where(Company.external_id == "crm-1"))
    assert acme.status == CompanyStatus.ACTIVE and acme.naics_sectors == ["3332", "5415"]
    assert acme.profiles[0].states == ["MA", "NY"]
    beta = db.session.scalar(select(Company).where(Company.website_domain == "beta.example"))
    assert beta.hq_country == "FR" and beta.profiles == []
    assert batch.created_count == 2


def test_importing_the_same_file_twice_changes_nothing(app):
    data = csv_bytes(
        "crm-1,Acme Robotics,https://acme.example,DE,sme,3332,pilot_project,any,Pilots",
        ",Beta Foods,https://beta.example,FR,large,3114,,,",
    )
    first, user = upload(data)
    company_import.run_import(db.session, first.id, user)
    versions = dict(db.session.execute(select(Company.id, Company.version)).all())
    second, _ = upload(data, user)
    preview = company_import.preview_import(db.session, second)
    assert preview.counts.unchanged == 2 and preview.counts.new == 0
    assert company_import.earlier_import(db.session, second).id == first.id
    company_import.run_import(db.session, second.id, user)
    assert count(Company) == 2 and count(InterestProfile) == 1
    assert dict(db.session.execute(select(Company.id, Company.version)).all()) == versions


def test_a_changed_row_updates_its_company(app):
    first, user = upload(csv_bytes("crm-1,Acme,https://acme.example,DE,sme,3332,,,"))
    company_import.run_import(db.session, first.id, user)
    second, _ = upload(csv_bytes("crm-1,Acme Robotics,https://acme.example,AT,sme,3332,,,"), user)
    assert company_import.preview_import(db.session, second).counts.updated == 1
    company_import.run_import(db.session, second.id, user)
    acme = db.session.scalar(select(Company))
    assert (acme.name, acme.hq_country) == ("Acme Robotics", "AT")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x1,Acme,https://acme.example,Atlantis,sme,3332,,,", "unknown country"),
        ("x1,Acme,https://acme.example,DE,sme,3332|5112,,,", "unknown NAICS 2022 code(s) 5112"),
        ("x1,,https://acme.example,DE,sme,3332,,,", "name: required"),
        ("x1,Acme,https://acme.example,DE,,3332,,,", "size: required"),
        ("x1,Acme,https://acme.example,DE,sme,3332,barter,,", "partnership_types: unknown"),
        ("x1,Acme,https://acme.example,DE,sme,3332,,ZZ,", "states: unknown"),
    ],
)
def test_row_errors_block_the_whole_import(app, row, message):
    good = "x0,Good,https://good.example,DE,sme,3332,,,"
    batch, user = upload(csv_bytes(good, row))
    preview = company_import.preview_import(db.session, batch)
    assert [r.number for r in preview.errors] == [3]
    assert message in " ".join(preview.errors[0].errors)
    with pytest.raises(InvalidTransition, match="nothing was imported"):
        company_import.run_import(db.session, batch.id, user)
    assert count(Company) == 0


def test_duplicates_in_the_file_are_errors(app):
    batch, _ = upload(
        csv_bytes(
            "x1,Acme,https://acme.example,DE,sme,3332,,,",
            "x2,Acme again,https://www.acme.example/about,DE,sme,3332,,,",
            "x1,Other,https://other.example,DE,sme,3332,,,",
        )
    )
    errors = {
        r.number: " ".join(r.errors)
        for r in company_import.preview_import(db.session, batch).errors
    }
    assert "same website domain as row 2" in errors[3]
    assert "same external id as row 2" in errors[4]


def test_a_domain_held_under_another_external_id_is_a_duplicate_in_the_database(app):
    f.CompanyFactory(name="Acme", website_domain="acme.example", external_id="crm-1")
    batch, _ = upload(csv_bytes("other-7,Acme,https://acme.example,DE,sme,3332,,,"))
    errors = company_import.preview_import(db.session, batch).errors
    assert "Duplicate in database" in errors[0].errors[0]


def test_a_self_registered_company_is_never_changed_by_an_import(app):
    member = f.CompanyMemberFactory(company__website_domain="acme.example", company__name="Acme")
    batch, user = upload(csv_bytes(",Acme renamed,https://acme.example,DE,sme,3332,,,"))
    preview = company_import.preview_import(db.session, batch)
    assert preview.rows[0].action == "skip"
    company_import.run_import(db.session, batch.id, user)
    db.session.expire_all()
    assert db.session.get(Company, member.company_id).name == "Acme"


def test_an_import_runs_once(app):
    batch, user = upload(csv_bytes("x1,Acme,https://acme.example,DE,sme,3332,,,"))
    company_import.run_import(db.session, batch.id, user)
    with pytest.raises(InvalidTransition, match="already imported"):
        company_import.run_import(db.session, batch.id, user)


def test_ten_thousand_rows_import_in_one_go(app):
    rows = [
        f"ext-{i},Company {i},https://company-{i}.example,DE,sme,5132,pilot_project,any,Text {i}"
        for i in range(10_000)
    ]
    batch, user = upload(csv_bytes(*rows))
    assert batch.row_count == 10_000
    company_import.run_import(db.session, batch.id, user)
    assert count(Company) == 10_000 and count(InterestProfile) == 10_000
    again, _ = upload(csv_bytes(*rows), user)
    assert company_import.preview_import(db.session, again).counts.unchanged == 10_000


def test_an_import_run_in_a_web_request_ranks_without_forking(app, monkeypatch):
    """Without Redis the ranking job runs inline, in the web worker, which must never fork."""
    f.PriorityFactory()
    rows = [
        f"ext-{i},Company {i},https://company-{i}.example,DE,sme,5132,pilot_project,any,Text {i}"
        for i in range(company_import.RANK_ONE_BY_ONE + 1)
    ]
    batch, user = upload(csv_bytes(*rows))
    asked, full_rerank = [], ranking.top_k_matches

    def spy(*args, **kwargs):
        asked.append(kwargs["processes"])
        return full_rerank(*args, **kwargs)

    monkeypatch.setattr(ranking, "top_k_matches", spy)
    client = app.test_client()
    AuthActions(client).login(user.email)
    # Without Redis the job runs in this web process once the response is sent: no fork there.
    assert client.post(f"/companies/import/{batch.id}/run").status_code == 302
    assert asked == [False]


def test_the_same_ranking_job_forks_its_encoders_on_a_worker_or_a_command(app, monkeypatch):
    f.PriorityFactory()
    rows = [
        f"ext-{i},Company {i},https://company-{i}.example,DE,sme,5132,pilot_project,any,Text {i}"
        for i in range(company_import.RANK_ONE_BY_ONE + 1)
    ]
    batch, user = upload(csv_bytes(*rows))
    asked, full_rerank = [], ranking.top_k_matches

    def spy(*args, **kwargs):
        asked.append(kwargs["processes"])
        return full_rerank(*args, **kwargs)

    monkeypatch.setattr(ranking, "top_k_matches", spy)
    company_import.run_import(db.session, batch.id, user)  # as a command or an RQ job would
    assert asked == [True]


def test_export_is_safe_for_spreadsheets_and_imports_back_unchanged(app):
    f.CompanyFactory(
        name='=HYPERLINK("http://evil.example")',
        naics_sectors=["5132"],
        description="-1+1",
        external_id="e-1",
        website="https://evil.example",
        website_domain="evil.example",
    )
    text = company_csv.export_companies(db.session, (CompanyStatus.ACTIVE,))
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=") and row["description"] == "'-1+1"
    batch, _ = upload(text.encode(), f.AdminFactory())  # an admin may update any company
    preview = company_import.preview_import(db.session, batch)
    assert preview.counts.unchanged == 1, [r.errors for r in preview.rows]
