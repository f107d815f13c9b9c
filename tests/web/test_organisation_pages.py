"""Admin pages for cities, offices and staff, and the staff invitation page."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import City, Office, User
from tests import factories as f

PASSWORD = "a long and unusual passphrase"


def _admin(auth):
    f.AdminFactory(email="admin@example.org")
    auth.login("admin@example.org")


def test_admin_adds_a_city_and_sees_it_listed(client, auth):
    _admin(auth)
    response = client.post(
        "/admin/cities/new", data={"name": "Boston", "state": "ma", "country": "US"}
    )
    assert response.status_code == 302
    page = client.get("/admin/cities?q=bos", follow_redirects=True).get_data(as_text=True)
    assert "Boston" in page and "<td>MA</td>" in page


def test_city_errors_are_shown_next_to_the_field(client, auth):
    _admin(auth)
    f.CityFactory(name="Boston", state="MA")
    html = client.post(
        "/admin/cities/new", data={"name": "Boston", "state": "MA", "country": "US"}
    ).get_data(as_text=True)
    assert 'id="name-error">This city already exists.' in html
    html = client.post(
        "/admin/cities/new", data={"name": "X", "state": "", "country": "XX"}
    ).get_data(as_text=True)
    assert 'id="country-error">Use a two-letter ISO country code' in html


def test_admin_adds_an_office_with_sectors_and_states(client, auth):
    _admin(auth)
    city = f.CityFactory(name="Boston")
    response = client.post(
        "/admin/offices/new",
        data={
            "city_id": city.id,
            "name": "Trade Office",
            "kind": "economic_development",
            "contact_email": "trade@boston.example",
            "sectors": ["5415", "3344"],
            "states": ["MA", "NH"],
        },
    )
    office = db.session.scalar(select(Office).where(Office.name == "Trade Office"))
    assert response.headers["Location"] == f"/admin/offices/{office.id}"
    assert office.sectors == ["5415", "3344"] and office.states == ["MA", "NH"]


def test_an_unknown_sector_is_refused_next_to_the_field(client, auth):
    _admin(auth)
    city = f.CityFactory()
    html = client.post(
        "/admin/offices/new",
        data={
            "city_id": city.id,
            "name": "Trade Office",
            "kind": "economic_development",
            "contact_email": "trade@boston.example",
            "sectors": ["5415", "9999"],
        },
    ).get_data(as_text=True)
    assert 'id="sectors-error">Not NAICS 2022 codes: 9999.' in html


def test_editing_an_office_from_an_old_version_answers_409(client, auth):
    _admin(auth)
    office = f.OfficeFactory(name="Before")
    form = {
        "city_id": office.city_id,
        "name": "After",
        "kind": "international_affairs",
        "contact_email": "x@city.example",
        "version": office.version,
    }
    assert client.post(f"/admin/offices/{office.id}/edit", data=form).status_code == 302
    response = client.post(f"/admin/offices/{office.id}/edit", data={**form, "name": "Later"})
    assert response.status_code == 409
    assert "Someone else changed this office" in response.get_data(as_text=True)
    db.session.refresh(office)
    assert office.name == "After"


def test_editing_a_city_from_an_old_version_answers_409(client, auth):
    _admin(auth)
    city = f.CityFactory(name="Boston", state="MA")
    page = client.get(f"/admin/cities/{city.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    form = {"name": "Boston", "state": "NH", "country": "US", "version": city.version}
    assert client.post(f"/admin/cities/{city.id}/edit", data=form).status_code == 302
    response = client.post(f"/admin/cities/{city.id}/edit", data={**form, "state": "VT"})
    assert response.status_code == 409
    assert "Someone else changed this city" in response.get_data(as_text=True)
    db.session.refresh(city)
    assert (city.state, city.version) == ("NH", 2)


def test_invited_staff_set_a_password_from_the_email_and_are_logged_in(client, auth, mailbox):
    _admin(auth)
    office = f.OfficeFactory(name="Global Boston")
    response = client.post(
        f"/admin/offices/{office.id}/staff", data={"email": "nia@boston.example", "name": "Nia"}
    )
    assert response.status_code == 302
    assert "invited" in client.get(f"/admin/offices/{office.id}").get_data(as_text=True)
    auth.logout()
    link = mailbox.last_link("nia@boston.example", "/invite/")
    path = link.removeprefix("http://localhost")
    assert "Global Boston" in client.get(path).get_data(as_text=True)
    mismatch = client.post(path, data={"password": PASSWORD, "confirm": "something else"})
    assert "The passwords differ." in mismatch.get_data(as_text=True)
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.headers["Location"] == "/office"
    assert "Global Boston" in client.get("/office").get_data(as_text=True)
    auth.logout()
    used = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "already been used" in used
    assert auth.login("nia@boston.example", PASSWORD).headers["Location"] == "/dashboard"


def test_a_bad_invitation_link_sends_to_login_with_a_message(client):
    response = client.get("/invite/garbage", follow_redirects=True)
    assert "This link is not valid. Ask an admin for a new invitation." in response.get_data(
        as_text=True
    )


def test_deactivating_staff_ends_their_session(app, auth):
    member = f.StaffFactory(email="staff@city.example")
    staff_client = app.test_client()
    staff_client.post("/auth/login", data={"email": member.email, "password": f.PASSWORD})
    assert staff_client.get("/office").status_code == 200
    _admin(auth)
    response = auth._client.post(f"/admin/staff/{member.id}/deactivate")
    assert response.headers["Location"] == f"/admin/offices/{member.office_id}"
    assert staff_client.get("/office").status_code == 302
    assert (
        staff_client.post(
            "/auth/login", data={"email": member.email, "password": f.PASSWORD}
        ).status_code
        == 200
    )
    auth._client.post(f"/admin/staff/{member.id}/activate")
    assert db.session.get(User, member.id).active


def test_admin_pages_list_and_filter(client, auth):
    _admin(auth)
    f.OfficeFactory(name="Sister Cities", kind="international_affairs")
    f.OfficeFactory(name="Trade Desk")
    html = client.get("/admin/offices?kind=international_affairs").get_data(as_text=True)
    assert "Sister Cities" in html and "Trade Desk" not in html
    assert "No office matches" in client.get("/admin/offices?q=nothing").get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(City.id))) == 2
