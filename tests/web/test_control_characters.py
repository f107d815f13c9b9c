"""Control characters: refused in every single-line field (forms, services, CSV rows); text
areas keep line breaks and tabs only."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, StringField, TextAreaField

import matchmaker.web
from matchmaker.extensions import db
from matchmaker.orm import Company, Priority
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.companies import registration as companies
from matchmaker.services.companies.csv_import.rows import check_row
from matchmaker.services.organisations import offices as org
from matchmaker.services.organisations import priorities
from matchmaker.text import InvalidText
from matchmaker.web.forms import Form, database_integer, multi_line, single_line
from tests import factories as f
from tests.services.test_priorities import _input as priority_input
from tests.web.test_company_pages import SIGNUP
from tests.web.test_priority_pages import _form as priority_form

BAD_IN_ONE_LINE = ["A\r\nBcc: x@evil.example", "A\tB", "A\x00B", "A\x07B", "A\x85B", "A\u2028B"]
BAD_IN_TEXT_AREA = ["A\x00B", "A\x1bB", "A\x0bB", "A\u2029B"]


def _form_classes() -> list[type]:
    for module in pkgutil.walk_packages(matchmaker.web.__path__, "matchmaker.web."):
        importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("matchmaker."):
                found.append(sub)
    return found


def test_every_form_derives_from_the_base_form():
    forms = _form_classes()
    assert len(forms) > 20
    assert [c.__qualname__ for c in forms if not issubclass(c, Form)] == []


def test_every_text_and_integer_field_checks_its_input_first(app):
    checked = 0
    with app.test_request_context(method="POST"):
        for form_class in _form_classes():
            for field in form_class():
                if isinstance(field, TextAreaField):
                    expected = multi_line
                elif isinstance(field, StringField):
                    expected = single_line
                elif isinstance(field, IntegerField):
                    expected = database_integer
                else:
                    continue
                assert field.validators[0] is expected, (form_class.__name__, field.name)
                checked += 1
    assert checked > 40


@pytest.mark.parametrize("bad", BAD_IN_ONE_LINE)
def test_sign_up_refuses_control_characters_in_the_company_name(client, bad):
    response = client.post("/signup", data={**SIGNUP, "company_name": bad})
    page = response.get_data(as_text=True)
    if "\x00" in bad:
        assert response.status_code == 400  # NUL is refused before any form is read
    else:
        assert 'id="company_name-error"' in page and "no line breaks, tabs" in page
    assert db.session.scalar(select(Company)) is None


def test_a_text_area_keeps_line_breaks_and_tabs_but_no_other_controls(client, auth):
    auth.login(f.StaffFactory().email)
    ok = client.post(
        "/office/priorities/new", data=priority_form(description="Line one\r\n\tLine two")
    )
    assert ok.status_code == 302
    assert db.session.scalar(select(Priority.description)) == "Line one\r\n\tLine two"
    for bad in BAD_IN_TEXT_AREA[1:]:
        page = client.post("/office/priorities/new", data=priority_form(description=bad))
        assert 'id="description-error"' in page.get_data(as_text=True)
    page = client.post("/office/priorities/new", data=priority_form(title="Stadium\npilots"))
    assert 'id="title-error"' in page.get_data(as_text=True)


def test_an_integer_beyond_the_database_is_a_form_error(client, auth):
    auth.login(f.AdminFactory().email)
    company = f.CompanyFactory()
    response = client.post(
        f"/admin/companies/{company.id}/merge",
        data={"target_id": str(2**63)},
        follow_redirects=True,
    )
    assert response.status_code == 200  # was a 500: SQLite cannot bind the number
    assert b"Give the number of the company to merge into" in response.data


@pytest.mark.parametrize("bad", BAD_IN_ONE_LINE)
def test_services_refuse_control_characters_in_names_and_titles(app, bad):
    details = companies.CompanyDetails(
        name=bad, website="https://a.example", hq_country="DE", size="sme", naics_sectors=["5132"]
    )
    with pytest.raises(InvalidText) as caught:
        companies.check_details(details)
    assert caught.value.field == "company_name"
    staff = f.StaffFactory()
    with pytest.raises(InvalidText):
        priorities.post_priority(db.session, staff.office_id, staff, priority_input(title=bad))
    with pytest.raises(InvalidText):
        org.create_city(db.session, org.CityInput(name=bad, state="MA"))
    with pytest.raises(InvalidText):
        accounts.create_user(db.session, "x@example.org", accounts.Role.ADMIN, name=bad)


def test_services_keep_line_breaks_in_descriptions(app):
    staff = f.StaffFactory()
    data = priority_input(description="One\nTwo")
    assert priorities.post_priority(db.session, staff.office_id, staff, data).description
    with pytest.raises(InvalidText) as caught:
        priorities.post_priority(
            db.session, staff.office_id, staff, priority_input(description="One\x00Two")
        )
    assert caught.value.field == "description"


ROW = {
    "name": "Acme",
    "website": "https://acme.example",
    "hq_country": "DE",
    "size": "sme",
    "naics_sectors": "5132",
}


@pytest.mark.parametrize("column", ["name", "contact_name", "external_id", "contact_email"])
def test_a_csv_row_with_control_characters_in_a_single_line_column_is_an_error(app, column):
    data, errors = check_row({**ROW, column: "Acme\nCorp"})
    assert data is None and f"{column}: control characters are not allowed" in errors[0]


def test_a_csv_row_keeps_line_breaks_in_its_description(app):
    data, errors = check_row({**ROW, "description": "One\nTwo\tThree"})
    assert not errors and data.company["description"] == "One\nTwo\tThree"
    _, errors = check_row({**ROW, "description": "One\x1bTwo"})
    assert errors == [
        "description: control characters are not allowed (tabs and line breaks only)."
    ]
