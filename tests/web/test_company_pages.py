"""Company pages over HTTP: sign-up, own pages scoped to the company, import, export, admin."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import Company, CompanyStatus, InterestProfile, ProfileStatus
from tests import factories as f

SIGNUP = {
    "company_name": "Wyvern Volume Studios Ltd",
    "contact_name": "Gwen Wyvern",
    "hq_country": "GB",
    "website": "https://wyvern.example",
    "size": "large",
    "naics_sectors": ["5121", "7112"],
    "description": "Volumetric capture stages.",
    "email": "gwen@wyvern.example",
    "password": "a long and unusual passphrase",
    "confirm": "a long and unusual passphrase",
}
PROFILE = {
    "title": "Stadium pilots",
    "partnership_types": ["pilot_project", "sponsorship"],
    "naics_sectors": ["5121"],
    "states": ["MA"],
    "interests": "A venue for volumetric replays.",
    "status": "active",
}


def test_sign_up_confirm_and_land_on_the_profiles_page(client, mailbox):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302 and response.location.endswith("/signup/sent")
    link = mailbox.last_link("gwen@wyvern.example", "/signup/confirm/")
    path = link.replace("http://localhost", "")
    assert b"Confirm my email" in client.get(path).data  # the link only shows a button
    response = client.post(path, follow_redirects=True)
    assert b"Your email is confirmed" in response.data
    assert b"No interest profiles yet" in response.data


def test_sign_up_errors_appear_next_to_their_fields(client):
    bad = {
        **SIGNUP,
        "website": "wyvern",
        "hq_country": "XX",
        "naics_sectors": ["5112"],
        "email": "not-an-email",
        "company_name": "x" * 201,
    }
    response = client.post("/signup", data=bad)
    page = response.data.decode()
    for field in ("website", "hq_country", "naics_sectors", "email", "company_name"):
        assert f'id="{field}-error"' in page, field
    assert db.session.scalar(select(Company)) is None


def test_company_pages_escape_what_companies_write(client, auth):
    member = f.CompanyMemberFactory(company__name="<script>alert(1)</script>")
    auth.login(member.email)
    page = client.get("/company").data.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_member_adds_an_interest_profile_and_sees_it_listed(client, auth):
    member = f.CompanyMemberFactory()
    auth.login(member.email)
    response = client.post("/company/profiles/new", data=PROFILE)
    assert response.status_code == 302
    listing = client.get("/company/profiles").data.decode()
    assert "Stadium pilots" in listing and "Pilot project, Sponsorship" in listing


def test_any_state_and_specific_states_cannot_be_mixed(client, auth):
    auth.login(f.CompanyMemberFactory().email)
    response = client.post("/company/profiles/new", data={**PROFILE, "states": ["any", "MA"]})
    assert 'id="states-error"' in response.data.decode()


def test_another_companys_profile_answers_404(client, auth):
    theirs = f.ProfileFactory()
    auth.login(f.CompanyMemberFactory().email)
    assert client.get(f"/company/profiles/{theirs.id}/edit").status_code == 404
    response = client.post(f"/company/profiles/{theirs.id}/edit", data=PROFILE)
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(InterestProfile, theirs.id).title != "Stadium pilots"


def test_another_companys_member_answers_404(client, auth):
    theirs = f.CompanyMemberFactory()
    auth.login(f.CompanyMemberFactory().email)
    assert client.post(f"/company/members/{theirs.id}/remove").status_code == 404


def test_a_stale_profile_edit_answers_409_and_keeps_the_other_change(client, auth):
    profile = f.ProfileFactory(naics_sectors=["5121"])
    auth.login(f.CompanyMemberFactory(company=profile.company).email)
    stale = str(profile.version)
    client.post(f"/company/profiles/{profile.id}/edit", data={**PROFILE, "version": stale})
    response = client.post(
        f"/company/profiles/{profile.id}/edit",
        data={**PROFILE, "title": "Overwrite", "version": stale},
    )
    page = response.data.decode()
    assert response.status_code == 409 and "Someone else changed this" in page
    # No field is wrong: the message stands above the form, no field is marked invalid.
    assert "Please correct" not in page and 'aria-invalid="true"' not in page


def test_export_downloads_the_company_data_as_json(client, auth):
    member = f.CompanyMemberFactory(company__name="Acme")
    auth.login(member.email)
    response = client.get("/company/export.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(response.data)["company"]["name"] == "Acme"


def test_deleting_the_account_logs_out_and_anonymises(client, auth):
    member = f.CompanyMemberFactory()
    company_id = member.company_id
    auth.login(member.email)
    response = client.post("/company/delete", data={"password": f.PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert client.get("/company").status_code == 302  # logged out
    db.session.expire_all()
    assert db.session.get(Company, company_id).status == CompanyStatus.DELETED


def test_staff_upload_preview_and_import_a_csv(client, auth):
    staff = f.StaffFactory()
    auth.login(staff.email)
    data = f.IMPORT_CSV.encode()
    response = client.post("/companies/import", data={"file": (io.BytesIO(data), "c.csv")})
    assert response.status_code == 302
    preview = client.get(response.location)
    assert b"Import all 1 rows" in preview.data
    run = response.location + "/run"
    assert client.post(run, follow_redirects=True).status_code == 200
    assert db.session.scalar(select(Company.name)) == "Imported Example GmbH"


def test_a_semicolon_file_is_refused_next_to_the_file_field(client, auth):
    auth.login(f.StaffFactory().email)
    data = b"name;website;hq_country;size;naics_sectors\nA;https://a.example;DE;sme;5132\n"
    response = client.post("/companies/import", data={"file": (io.BytesIO(data), "c.csv")})
    page = response.data.decode()
    assert 'id="file-error"' in page and "separated by semicolons" in page


def test_the_template_and_the_export_are_csv_files(client, auth):
    f.CompanyFactory(name="=cmd|' /C calc'!A0", naics_sectors=["5132"])
    auth.login(f.StaffFactory().email)
    template = client.get("/companies/import/template.csv")
    assert template.mimetype == "text/csv" and b"external_id,name,website" in template.data
    export = client.get("/companies/export.csv").data.decode("utf-8-sig")
    assert "'=cmd" in export


def test_admin_verifies_a_waiting_company(client, auth, mailbox):
    company = f.CompanyFactory(status=CompanyStatus.PENDING_VERIFICATION, name="Waiting Co")
    f.ProfileFactory(company=company, status=ProfileStatus.ACTIVE)
    auth.login(f.AdminFactory().email)
    assert b"Waiting Co" in client.get("/admin/companies").data
    response = client.post(f"/admin/companies/{company.id}/verify", data={"verify-note": "ok"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Company, company.id).status == CompanyStatus.ACTIVE
