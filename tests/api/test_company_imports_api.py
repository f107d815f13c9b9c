"""POST /api/v1/companies/imports: admins import companies from CSV as a job and poll it; a file
with any error, too large or of another type is refused as a problem and changes nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import Company, ImportBatch, ImportStatus
from matchmaker.services.companies.csv_import import batches as company_import
from matchmaker.services.companies.csv_import import queued
from tests import factories as f
from tests.api.helpers import bearer, token_for

HEADER = "external_id,name,website,hq_country,size,naics_sectors,partnership_types,states,interests"
GOOD = [
    "crm-1,Acme Robotics,https://acme.example,DE,sme,3332|5415,pilot_project,MA|NY,Pilots",
    ",Beta Foods,https://www.beta.example,France,large,3114,,,",
]
CSV = {"Content-Type": "text/csv"}


def csv_bytes(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(app):
    return f.AdminFactory()


def test_an_import_is_queued_then_polled_to_its_counts(client, admin):
    headers = bearer(token_for(admin))
    response = client.post(
        "/api/v1/companies/imports", data=csv_bytes(*GOOD), headers=headers | CSV
    )
    assert response.status_code == 202, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] in ("queued", "succeeded")  # the job ran after the response
    assert response.headers["Location"] == f"/api/v1/companies/imports/{body['id']}"
    polled = client.get(response.headers["Location"], headers=headers)
    assert polled.status_code == 200
    status = polled.get_json()
    assert status["status"] == "succeeded", status
    assert status["progress"] == {"rows": 2, "done": 2}
    assert status["result"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert status["failure"] is None and status["row_errors"] == []
    assert status["imported_at"].endswith("+00:00")
    acme = db.session.scalar(select(Company).where(Company.external_id == "crm-1"))
    assert acme.name == "Acme Robotics" and acme.profiles[0].states == ["MA", "NY"]


def test_a_multipart_file_imports_the_same_way_and_again_changes_nothing(client, admin):
    headers = bearer(token_for(admin))
    client.post("/api/v1/companies/imports", data=csv_bytes(*GOOD), headers=headers | CSV)
    form = {"file": (io.BytesIO(csv_bytes(*GOOD)), "crm.csv")}
    again = client.post("/api/v1/companies/imports", data=form, headers=headers)
    assert again.status_code == 202 and again.get_json()["filename"] == "crm.csv"
    status = client.get(again.headers["Location"], headers=headers).get_json()
    assert status["result"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert count(Company) == 2


def test_row_errors_are_a_422_problem_and_nothing_is_stored(client, admin):
    bad = "x9,Bad,https://bad.example,DE,barter,3332,,,"
    response = client.post(
        "/api/v1/companies/imports",
        data=csv_bytes(*GOOD, bad),
        headers=bearer(token_for(admin)) | CSV,
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["detail"] == "1 row(s) have errors; nothing was imported."
    assert problem["errors"] == {"row 4": ["size: use startup, sme or large."]}
    assert count(Company) == 0 and count(ImportBatch) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"name;website\r\nA;b\r\n", "separated by semicolons"),
        (b"\xff\xfe", "not UTF-8"),
        (b"name,colour\r\n", "Unknown column(s): colour"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_422_problem(client, admin, data, message):
    response = client.post(
        "/api/v1/companies/imports", data=data, headers=bearer(token_for(admin)) | CSV
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert message in response.get_json()["errors"]["file"][0]
    assert count(ImportBatch) == 0


def test_a_form_without_the_file_a_wrong_type_or_too_large_a_body_is_refused(app, client, admin):
    headers = bearer(token_for(admin))
    no_file = client.post(
        "/api/v1/companies/imports", data={"other": (io.BytesIO(b"x"), "x.csv")}, headers=headers
    )
    assert no_file.status_code == 422 and "“file”" in no_file.get_json()["detail"]
    as_json = client.post("/api/v1/companies/imports", json={"csv": "x"}, headers=headers)
    assert as_json.status_code == 415 and as_json.mimetype == "application/problem+json"
    app.config["API_MAX_IMPORT_BODY"] = 1000
    big = csv_bytes(*GOOD * 20)
    response = client.post("/api/v1/companies/imports", data=big, headers=headers | CSV)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert "at most 5 MB" in response.get_json()["detail"]
    assert count(ImportBatch) == 0 and count(Company) == 0


def test_only_admins_with_the_scope_import_and_only_their_own_imports_are_shown(client, admin):
    url = "/api/v1/companies/imports"
    users = (f.StaffFactory(), f.CompanyMemberFactory())
    before = count(Company)  # the member's own
    for user in users:
        response = client.post(url, data=csv_bytes(*GOOD), headers=bearer(token_for(user)) | CSV)
        assert response.status_code == 403 and response.mimetype == "application/problem+json"
    reader = bearer(token_for(admin, ["read:companies"]))
    refused = client.post(url, data=csv_bytes(*GOOD), headers=reader | CSV)
    assert refused.status_code == 403 and "write:companies" in refused.get_json()["detail"]
    assert client.post(url, data=csv_bytes(*GOOD)).status_code == 401
    assert count(Company) == before and count(ImportBatch) == 0
    done = client.post(url, data=csv_bytes(*GOOD), headers=bearer(token_for(admin)) | CSV)
    other = bearer(token_for(f.AdminFactory()))
    assert client.get(done.headers["Location"], headers=other).status_code == 404
    assert client.get(f"{url}/999999", headers=bearer(token_for(admin))).status_code == 404


def test_a_job_that_finds_errors_fails_the_import_with_its_rows_and_changes_nothing(client, admin):
    """The database changed between the check and the job: the job imports nothing."""
    batch = queued.queue_import(db.session, admin, "crm.csv", csv_bytes(*GOOD))  # ran inline
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.IMPORTED
    # A second file naming Acme's domain under another external id: fine when checked...
    clash = "crm-2,Acme Again,https://acme.example,DE,sme,3332,,,"
    later = queued.new_batch(admin, "late.csv", csv_bytes(clash))
    later.status = ImportStatus.QUEUED
    db.session.add(later)
    db.session.commit()
    names = dict(db.session.execute(select(Company.id, Company.name)).all())
    queued.run_queued_import(db.session, later.id)
    db.session.expire_all()
    failed = db.session.get(ImportBatch, later.id)
    assert failed.status == ImportStatus.FAILED
    assert failed.failure == "1 row(s) have errors; nothing was imported."
    assert (
        failed.row_errors[0]["row"] == 2
        and "Duplicate in database" in failed.row_errors[0]["errors"][0]
    )
    assert dict(db.session.execute(select(Company.id, Company.name)).all()) == names
    shown = client.get(f"/api/v1/companies/imports/{later.id}", headers=bearer(token_for(admin)))
    body = shown.get_json()
    assert body["status"] == "failed" and body["result"] is None
    assert body["failure"] == "1 row(s) have errors; nothing was imported."
    assert body["row_errors"][0]["row"] == 2 and body["progress"] == {"rows": 1, "done": 0}
    queued.run_queued_import(db.session, later.id)  # a retry of a finished job does nothing
    assert db.session.get(ImportBatch, later.id).status == ImportStatus.FAILED


def test_a_file_uploaded_on_the_page_shows_as_previewed(client, admin):
    batch = company_import.upload_import(db.session, admin, "page.csv", csv_bytes(*GOOD))
    shown = client.get(f"/api/v1/companies/imports/{batch.id}", headers=bearer(token_for(admin)))
    assert shown.get_json()["status"] == "previewed" and shown.get_json()["result"] is None
