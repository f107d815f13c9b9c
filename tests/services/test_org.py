"""Cities and offices: validation, uniqueness and concurrent edits."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.orm import OfficeKind
from matchmaker.services.errors import Conflict, NotFound
from matchmaker.services.organisations import offices as org
from tests import factories as f


def _office(city_id: int, **changes) -> org.OfficeInput:
    values = dict(
        city_id=city_id,
        name="Office of Global Partnerships",
        kind=OfficeKind.INTERNATIONAL_AFFAIRS,
        contact_email="Global@City.example",
        sectors=["5415", "7112"],
        states=["MA"],
    )
    return org.OfficeInput(**{**values, **changes})


def test_create_city_tidies_its_fields(app):
    city = org.create_city(db.session, org.CityInput(name="  Boston  ", state="ma", country="us"))
    assert (city.name, city.state, city.country) == ("Boston", "MA", "US")


def test_a_city_exists_once_regardless_of_case(app):
    org.create_city(db.session, org.CityInput(name="Boston", state="MA"))
    with pytest.raises(org.DuplicateCity) as err:
        org.create_city(db.session, org.CityInput(name="boston", state="MA"))
    assert err.value.field == "name"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (org.CityInput(name="Boston", state="", country="US"), "state"),
        (org.CityInput(name="Boston", state="ZZ", country="US"), "state"),
        (org.CityInput(name="Munich", state="BY", country="XX"), "country"),
        (org.CityInput(name="Munich", state="BAY", country="DE"), "state"),
    ],
)
def test_city_codes_are_checked(app, data, field):
    with pytest.raises(org.InvalidCode) as err:
        org.create_city(db.session, data)
    assert err.value.field == field


def test_a_city_outside_the_us_may_have_no_state(app):
    city = org.create_city(db.session, org.CityInput(name="Munich", state="", country="DE"))
    assert city.country == "DE" and city.state == ""


def test_update_city_refuses_to_collide_with_another(app):
    org.create_city(db.session, org.CityInput(name="Boston", state="MA"))
    other = org.create_city(db.session, org.CityInput(name="Cambridge", state="MA"))
    with pytest.raises(org.DuplicateCity):
        org.update_city(db.session, other.id, org.CityInput(name="Boston", state="MA"), 1)
    renamed = org.update_city(
        db.session, other.id, org.CityInput(name="Somerville", state="MA"), other.version
    )
    assert (renamed.name, renamed.version) == ("Somerville", 2)


def test_update_city_from_an_old_version_is_a_conflict(app):
    city = org.create_city(db.session, org.CityInput(name="Boston", state="MA"))
    org.update_city(db.session, city.id, org.CityInput(name="Boston", state="NH"), 1)
    with pytest.raises(Conflict, match="Someone else changed this city"):
        org.update_city(db.session, city.id, org.CityInput(name="Bostonia", state="MA"), 1)
    db.session.refresh(city)
    assert (city.name, city.state, city.version) == ("Boston", "NH", 2)


def test_create_office_normalises_codes_and_email(app):
    city = f.CityFactory()
    office = org.create_office(db.session, _office(city.id, sectors="5415, 7112 5415"))
    assert office.sectors == ["5415", "7112"]
    assert office.contact_email == "global@city.example"
    assert office.kind == OfficeKind.INTERNATIONAL_AFFAIRS


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sectors": ["54a"]}, "sectors"),
        ({"sectors": ["1"]}, "sectors"),
        ({"states": ["XX"]}, "states"),
    ],
)
def test_office_codes_are_checked(app, changes, field):
    city = f.CityFactory()
    with pytest.raises(org.InvalidCode) as err:
        org.create_office(db.session, _office(city.id, **changes))
    assert err.value.field == field


def test_office_needs_an_existing_city(app):
    with pytest.raises(NotFound):
        org.create_office(db.session, _office(99999))


def test_office_names_are_unique_within_a_city_only(app):
    boston, cambridge = f.CityFactory(), f.CityFactory()
    org.create_office(db.session, _office(boston.id))
    with pytest.raises(org.DuplicateOffice):
        org.create_office(db.session, _office(boston.id, name="office of global partnerships"))
    assert org.create_office(db.session, _office(cambridge.id)).city_id == cambridge.id


def test_update_office_from_a_stale_version_is_a_conflict(app):
    office = f.OfficeFactory(name="Before")
    stale = office.version
    org.update_office(db.session, office.id, _office(office.city_id, name="First"), stale)
    with pytest.raises(Conflict):
        org.update_office(db.session, office.id, _office(office.city_id, name="Second"), stale)
    db.session.refresh(office)
    assert office.name == "First"


def test_offices_query_searches_and_filters(app):
    boston = f.CityFactory(name="Boston")
    f.OfficeFactory(name="Trade Desk", city=boston, kind=OfficeKind.ECONOMIC_DEVELOPMENT)
    f.OfficeFactory(name="Sister Cities", kind=OfficeKind.INTERNATIONAL_AFFAIRS)
    names = lambda q: [o.name for o in db.session.scalars(q)]  # noqa: E731
    assert names(org.offices_query("boston")) == ["Trade Desk"]
    assert names(org.offices_query(kind="international_affairs")) == ["Sister Cities"]
    assert names(org.offices_query("50%_")) == []
