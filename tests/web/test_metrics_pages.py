"""The metrics page: charts with their tables, the small-number note, the period chooser's errors,
scoping (another office answers 404, companies 403), and the CSV equal to the tables."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

from tests.metrics_world import FUNNEL_A, SINCE, UNTIL, build_metrics_world

PERIOD = f"preset=custom&since={SINCE}&until={UNTIL}"


@pytest.fixture
def world(app):
    return build_metrics_world()


class Tables(HTMLParser):
    """(chart, row, column, cell) of every metrics table, and the number of SVG charts."""

    def __init__(self):
        super().__init__()
        self.cells, self.svgs, self.chart, self.columns = [], 0, None, []
        self.row, self.text, self.inside, self.in_head = [], "", False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "chart" in (attrs.get("class") or ""):
            self.svgs += 1
        if tag == "table" and "data-chart" in attrs:
            self.chart, self.columns = attrs["data-chart"], []
        if tag == "thead":
            self.in_head = True
        if tag == "tr":
            self.row = []
        if tag in ("th", "td") and self.chart:
            self.inside, self.text = True, ""

    def handle_data(self, data):
        if self.inside:
            self.text += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.inside:
            self.inside = False
            (self.columns if self.in_head else self.row).append(self.text.strip())
        if tag == "thead":
            self.in_head = False
        if tag == "tr" and self.chart and self.row:
            label, *values = self.row
            self.cells += [
                (self.chart, label, c, v) for c, v in zip(self.columns[1:], values, strict=True)
            ]
            self.row = []
        if tag == "table":
            self.chart = None


def parse(html: bytes) -> Tables:
    tables = Tables()
    tables.feed(html.decode())
    return tables


def test_the_page_shows_a_chart_beside_each_table(client, auth, world):
    auth.login(world.staff_a.email)
    response = client.get(f"/metrics?{PERIOD}")
    assert response.status_code == 200
    html = response.data.decode()
    tables = parse(response.data)
    assert tables.svgs == 10 and html.count("<table") == 10
    assert '<title id="chart-funnel-title">Funnel</title>' in html
    funnel = [
        int(v) for chart, _, col, v in tables.cells if chart == "Funnel" and col == "Suggestions"
    ]
    assert funnel == FUNNEL_A
    assert "fewer than 5 items is not shown" in html
    assert "Springfield Trade (your office)" in html


def test_the_csv_is_exactly_the_tables(client, auth, world):
    auth.login(world.staff_a.email)
    shown = parse(client.get(f"/metrics?{PERIOD}").data).cells
    response = client.get(f"/metrics.csv?{PERIOD}")
    assert response.mimetype == "text/csv"
    assert (
        f"metrics-office-{world.office_a.id}-{SINCE}-{UNTIL}.csv"
        in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0] == ["chart", "row", "column", "value"]
    assert [tuple(r) for r in rows[1:]] == shown


def test_staff_of_another_office_get_404_and_companies_403(client, auth, world):
    auth.login(world.staff_b.email)
    assert client.get(f"/metrics?scope=office:{world.office_a.id}&{PERIOD}").status_code == 404
    assert client.get(f"/metrics.csv?scope=all&{PERIOD}").status_code == 404
    city = client.get(f"/metrics?scope=city:{world.city.id}&{PERIOD}")
    assert city.status_code == 200 and b"Springfield: all offices" in city.data
    auth.logout()
    auth.login(world.staff_x.email)
    assert client.get(f"/metrics?scope=city:{world.city.id}&{PERIOD}").status_code == 404
    from tests import factories as f

    member = f.CompanyMemberFactory(email="member@metrics.example")
    auth.logout()
    auth.login(member.email)
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics.csv").status_code == 403


def test_admins_choose_any_office_any_city_or_all(client, auth, world):
    from tests import factories as f

    admin = f.AdminFactory(email="root@metrics.example")
    auth.login(admin.email)
    for scope in ("all", f"city:{world.city.id}", f"office:{world.office_x.id}"):
        assert client.get(f"/metrics?scope={scope}&{PERIOD}").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("preset=custom&until=2026-01-01", "Enter the first day of the period."),
        (
            "preset=custom&since=2026-02-01&until=2026-01-01",
            "The last day is before the first day.",
        ),
        ("preset=custom&since=not-a-date&until=2026-01-01", "Not a valid date value."),
        ("preset=forever", "Not a valid choice."),
    ],
)
def test_an_invalid_period_is_refused_with_its_reason(client, auth, world, query, message):
    auth.login(world.staff_a.email)
    response = client.get(f"/metrics?{query}")
    assert response.status_code == 400
    assert message in response.data.decode()
    assert b"<svg" not in response.data
    csv_response = client.get(f"/metrics.csv?{query}")
    assert csv_response.status_code == 400 and message in csv_response.data.decode()


def test_staff_find_metrics_in_their_navigation(client, auth, world):
    auth.login(world.staff_a.email)
    assert b'href="/metrics"' in client.get("/dashboard").data
