"""Numbers and bytes from URLs the database cannot hold: 404 / 400 with a message, never 500."""

from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import text

from matchmaker.extensions import db
from tests import factories as f
from tests.web.test_route_matrix import ROUTES
from tests.world import build_world

HUGE = ["99999999999999999999", str(2**63), str(2**31)]


@pytest.fixture
def admin(auth):
    user = f.AdminFactory()
    auth.login(user.email)
    return user


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if conv.regex == r"\d+"]
        if ints:
            yield rule, ints


@pytest.mark.parametrize("number", HUGE)
def test_every_route_answers_404_for_an_id_beyond_the_database(app, client, admin, number):
    failures = []
    for rule, ints in _id_routes(app):
        path = rule.rule
        for name in ints:
            path = path.replace(f"<int:{name}>", number)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(path, method=method)
        if response.status_code != 404:
            failures.append(f"{method} {path}: {response.status_code}")
    assert failures == [] and list(_id_routes(app))


def test_the_suggestion_page_of_a_huge_id_is_a_clear_404(client, admin):
    response = client.get("/suggestions/99999999999999999999")
    assert response.status_code == 404 and b"There is nothing here" in response.data


@pytest.mark.parametrize("page", [HUGE[0], str(2**63), "0", "-1", "abc", "1e3"])
def test_list_pages_answer_400_for_a_page_number_out_of_range(client, admin, page):
    world = build_world()
    checked = 0
    for endpoint, (method, url, expected) in sorted(ROUTES.items()):
        if method != "GET" or expected["admin"] != 200 or endpoint == "static":
            continue
        path = url(world)
        response = client.get(path + ("&" if "?" in path else "?") + f"page={page}")
        assert response.status_code in (200, 400), (endpoint, response.status_code)
        if response.status_code == 400:
            checked += 1
            assert b"page number must be a whole number from 1 to" in response.data, endpoint
    assert checked >= 8  # every paginated admin list


def test_a_normal_page_number_still_works(client, admin):
    f.CityFactory.create_batch(3)
    assert client.get("/admin/cities?page=2").status_code == 200


def test_a_query_string_id_beyond_the_database_answers_400(client, admin):
    response = client.get("/admin/offices?city_id=99999999999999999999")
    assert response.status_code == 400 and b"city_id must be a whole number" in response.data


def test_a_queue_cursor_with_a_huge_id_shows_the_first_page(client, auth):
    world = build_world()
    auth.login(world.staff_a.email)
    cursor = base64.urlsafe_b64encode(b"0.5:99999999999999999999").decode().rstrip("=")
    assert client.get(f"/queue?after={cursor}").status_code == 200


def test_bulk_decline_ignores_ids_beyond_the_database(client, auth):
    world = build_world()
    auth.login(world.staff_a.email)
    data = {
        "bulk-items": [f"{HUGE[0]}:1", f"{world.suggestion_a.id}:{HUGE[0]}"],
        "bulk-reason": "not_a_fit",
    }
    assert client.post("/queue/decline", data=data).status_code in (200, 302)


def test_nul_in_a_query_string_or_form_answers_400(client, admin):
    response = client.get("/admin/companies?q=a%00b")
    assert response.status_code == 400 and b"NUL character" in response.data
    response = client.post("/admin/cities/new", data={"name": "A\x00B", "country": "US"})
    assert response.status_code == 400
    # A repeated key is checked in every value, not only the first.
    assert client.get("/admin/companies?q=ok&q=a%00b").status_code == 400


def test_a_csv_with_nul_bytes_answers_400_with_a_clear_error(client, auth):
    auth.login(f.StaffFactory().email)
    data = f.IMPORT_CSV.replace("Imported", "Imp\x00orted").encode()
    response = client.post("/companies/import", data={"file": (io.BytesIO(data), "c.csv")})
    assert response.status_code == 400
    assert "contains NUL characters" in response.get_data(as_text=True)


def test_the_error_page_works_after_a_failed_database_statement(app, client, auth):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500 as in production

    @app.route("/test-broken-query")
    def broken():
        db.session.commit()  # as a service does: the signed-in user is expired, read again later
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))

    auth.login(f.AdminFactory().email)  # the error page then reads the user from the database
    response = client.get("/test-broken-query")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data  # the page, not a bare server error
