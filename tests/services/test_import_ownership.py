"""A re-import changes only the companies the importing office created (admins: any)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Company
from matchmaker.services.companies.csv_import import batches as company_import
from tests import factories as f
from tests.services.test_company_import import csv_bytes, upload

FIRST = "crm-1,Acme,https://acme.example,DE,sme,3332,,,"
CHANGED = "crm-1,Acme Hijacked,https://acme.example,AT,sme,3332,,,"
BY_DOMAIN = ",Acme Hijacked,https://www.acme.example,AT,sme,3332,,,"  # no external id


def imported_by(user, row: str = FIRST) -> Company:
    batch, _ = upload(csv_bytes(row), user)
    company_import.run_import(db.session, batch.id, user)
    return db.session.scalar(select(Company).order_by(Company.id.desc()).limit(1))


def test_an_import_records_the_office_that_created_the_company(app):
    staff = f.StaffFactory()
    assert imported_by(staff).created_by_office_id == staff.office_id


@pytest.mark.parametrize("row", [CHANGED, BY_DOMAIN])
def test_another_office_cannot_change_a_company_by_reimporting_it(app, row):
    acme = imported_by(f.StaffFactory())
    other = f.StaffFactory()
    batch, _ = upload(csv_bytes(row), other)
    preview = company_import.preview_import(db.session, batch)
    (result,) = preview.rows
    assert result.action == "skip" and result.company_id == acme.id
    assert result.note == "exists, owned by another office: unchanged"
    assert preview.counts.updated == 0 and preview.counts.skipped == 1
    company_import.run_import(db.session, batch.id, other)
    db.session.expire_all()
    assert (acme.name, acme.hq_country) == ("Acme", "DE")


def test_the_creating_office_may_update_its_company(app):
    staff = f.StaffFactory()
    acme = imported_by(staff)
    colleague = f.StaffFactory(office=staff.office)
    batch, _ = upload(csv_bytes(CHANGED), colleague)
    assert company_import.preview_import(db.session, batch).counts.updated == 1
    company_import.run_import(db.session, batch.id, colleague)
    db.session.expire_all()
    assert acme.name == "Acme Hijacked"


def test_an_admin_may_update_any_company_and_staff_not_an_admins(app):
    acme = imported_by(f.StaffFactory())
    admin = f.AdminFactory()
    batch, _ = upload(csv_bytes(CHANGED), admin)
    assert company_import.preview_import(db.session, batch).counts.updated == 1
    company_import.run_import(db.session, batch.id, admin)
    db.session.expire_all()
    assert acme.name == "Acme Hijacked"
    admins_own = imported_by(admin, "crm-2,Beta,https://beta.example,FR,sme,3114,,,")
    batch, _ = upload(csv_bytes("crm-2,Beta Changed,https://beta.example,FR,sme,3114,,,"))
    (result,) = company_import.preview_import(db.session, batch).rows
    assert result.action == "skip" and result.note == "exists, imported by an admin: unchanged"
    assert admins_own.created_by_office_id is None


def test_the_preview_page_shows_counts_and_the_owner_note(client, auth):
    owner = f.StaffFactory()
    imported_by(owner, FIRST)
    imported_by(owner, "crm-3,Gamma,https://gamma.example,FR,sme,3114,,,")
    other = f.StaffFactory()
    auth.login(owner.email)
    data = csv_bytes(CHANGED, "crm-3,Gamma,https://gamma.example,FR,sme,3114,,,")
    response = client.post("/companies/import", data={"file": (io.BytesIO(data), "c.csv")})
    page = client.get(response.location).get_data(as_text=True)
    assert "<dt>Updated</dt><dd>1</dd>" in page and "<dt>Unchanged</dt><dd>1</dd>" in page
    auth.logout()
    auth.login(other.email)
    response = client.post("/companies/import", data={"file": (io.BytesIO(data), "c.csv")})
    page = client.get(response.location).get_data(as_text=True)
    assert "<dt>Updated</dt><dd>0</dd>" in page and "<dt>Unchanged</dt><dd>2</dd>" in page
    assert page.count("exists, owned by another office: unchanged") == 2
