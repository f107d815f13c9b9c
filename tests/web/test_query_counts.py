"""List pages run a fixed number of SQL statements, however many rows they show: no query per
row (an N+1 is a correctness bug of the page, not a matter of timing)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests import factories as f
from tests.querycount import queries_of


def _grows(client, path: str, add: Callable[[], object], first: int = 3, then: int = 12) -> None:
    """The page's statement count with `first` rows equals the one with `then` rows."""
    for _ in range(first):
        add()
    few = queries_of(client, path)
    for _ in range(then - first):
        add()
    many = queries_of(client, path)
    assert many == few, f"{path}: {few} statements for {first} rows, {many} for {then}"


@pytest.fixture
def admin(auth):
    f.AdminFactory(email="counter@city.example")
    auth.login("counter@city.example")


def _office_with_staff():
    office = f.OfficeFactory()
    f.StaffFactory.create_batch(2, office=office)
    return office


def test_the_offices_list(client, admin):
    _grows(client, "/admin/offices", _office_with_staff)


def test_the_offices_list_shows_staff_counts(client, admin):
    office = _office_with_staff()
    f.StaffFactory(office=office)
    f.OfficeFactory(name="Empty Office")
    html = client.get("/admin/offices").get_data(as_text=True)
    assert f"{office.city}</td>" in html
    assert "<td>3</td></tr>" in html and "<td>0</td></tr>" in html


def test_the_cities_list(client, admin):
    _grows(client, "/admin/cities", lambda: f.OfficeFactory())


def test_the_opportunities_list(client, auth):
    member = f.CompanyMemberFactory(email="browser@company.example")
    auth.login(member.email)
    _grows(client, "/opportunities", lambda: f.PriorityFactory())


def test_the_priorities_dashboard_of_an_admin(client, admin):
    _grows(client, "/office", lambda: f.PriorityFactory())


def test_a_suggestion_page_with_many_offices_to_reassign_to(client, admin):
    row = f.SuggestionFactory(flagged=True)
    _grows(client, f"/suggestions/{row.id}", lambda: f.OfficeFactory())
