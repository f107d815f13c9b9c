"""The company-demand page: what staff and admins see, gap links, filters, pages, CSV = table."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from matchmaker import countries
from tests import factories as f
from tests.demand_world import build_demand_world


class _Tables(HTMLParser):
    """The text of every cell of each table, by the table's class: {class: [[cell, ...], ...]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("class", ""), [])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(html: str) -> dict:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def world(app):
    return build_demand_world()


@pytest.fixture
def staff(world, auth):
    user = f.StaffFactory(office=world.boston)
    auth.login(user.email)
    return user


def test_staff_see_demand_with_the_gap_highlighted_and_a_link_to_post_for_it(client, staff):
    html = client.get("/demand?dimension=type").get_data(as_text=True)
    rows = _tables(html)["demand-table"]
    assert [r[0] for r in rows] == [
        "investment Investment",
        "sponsorship Sponsorship",  # one active and one paused profile
        "pilot_project Pilot project",
    ]
    assert rows[0][5] == "Austin, TX (1)"
    assert rows[1][5].startswith("Gap no open priority anywhere.")
    assert html.count('class="gap-row"') == 1
    assert "/office/priorities/new?partnership_types=sponsorship" in html
    assert "Company 1" not in html and "Company" not in rows[0][0]  # counts only, no names


def test_the_gap_link_opens_the_new_priority_form_prefilled(client, staff):
    html = client.get("/demand?dimension=sector2").get_data(as_text=True)
    assert "/office/priorities/new?naics_sectors=71" in html
    form = client.get(
        "/office/priorities/new?naics_sectors=71&partnership_types=sponsorship"
        "&partnership_types=bogus&target_countries=FR,XX"
    ).get_data(as_text=True)
    assert '<option selected value="71">' in form or 'value="71" selected' in form
    checked = re.findall(r'<input checked[^>]*value="([a-z_]+)"', form)
    assert checked == ["sponsorship"]
    assert 'value="FR"' in form and "XX" not in form and "bogus" not in form


def test_admins_see_the_demand_but_get_no_post_link(client, auth, world):
    admin = f.AdminFactory()
    auth.login(admin.email)
    html = client.get("/demand?dimension=country").get_data(as_text=True)
    rows = _tables(html)["demand-table"]
    assert [r[0] for r in rows] == ["DE Germany", "FR France", "JP Japan"]
    assert "Gap" in rows[1][5] and "/office/priorities/new" not in html


def test_companies_are_refused(client, auth, world):
    member = f.CompanyMemberFactory()
    auth.login(member.email)
    assert client.get("/demand").status_code == 403
    assert client.get("/demand.csv").status_code == 403


@pytest.mark.parametrize("dimension", ["sector2", "sector3", "type", "country", "state"])
def test_the_csv_is_the_table(client, staff, dimension):
    html = client.get(f"/demand?dimension={dimension}&months=24").get_data(as_text=True)
    rows = _tables(html)["demand-table"]
    lines = _csv(client, f"/demand.csv?dimension={dimension}&months=24")
    assert len(rows) == len(lines) > 0
    for row, line in zip(rows, lines, strict=True):
        assert row[0] == f"{line['bucket']} {line['label']}"
        assert row[1:5] == [
            line["companies"],
            line["active_profiles"],
            line["new_in_period"],
            line["paused_profiles"],
        ]
        assert (line["gap"] == "yes") == row[5].startswith("Gap")
        assert (
            row[5].startswith("Gap") or row[5].startswith("Only paused") or row[5] == line["cities"]
        )


def test_the_trend_csv_is_the_trend_table_and_the_chart_has_a_bar_per_month(client, staff):
    html = client.get("/demand?months=24").get_data(as_text=True)
    table = _tables(html)["trend-table"]
    lines = _csv(client, "/demand/trend.csv?months=24")
    assert table == [[ln["month"], ln["profiles_created"], ln["still_active"]] for ln in lines]
    assert len(table) == 24 and html.count('class="chart-bar-created"') == 24
    assert 'role="img"' in html and '<title id="trend-title">' in html


def test_a_bad_country_is_explained_next_to_the_field_and_ignored(client, staff):
    html = client.get("/demand?dimension=country&country=ZZ").get_data(as_text=True)
    assert "Use a two-letter ISO country code" in html
    assert len(_tables(html)["demand-table"]) == 3
    only_jp = client.get("/demand?dimension=country&country=jp").get_data(as_text=True)
    assert [r[0] for r in _tables(only_jp)["demand-table"]] == ["JP Japan"]


def test_gaps_only_and_the_empty_states(client, staff):
    html = client.get("/demand?dimension=state&gaps=y").get_data(as_text=True)
    assert [r[0] for r in _tables(html)["demand-table"]] == ["CO Colorado"]
    html = client.get("/demand?dimension=state&country=IT").get_data(as_text=True)
    assert "No company profile matches these filters yet." in html


def test_long_tables_are_paged(client, auth, app):
    for country in sorted(countries.names())[:30]:
        f.ProfileFactory(company=f.CompanyFactory(hq_country=country))
    staff = f.StaffFactory()
    auth.login(staff.email)
    first = client.get("/demand?dimension=country").get_data(as_text=True)
    assert len(_tables(first)["demand-table"]) == 25 and "Page 1 of 2 (30 in all)" in first
    second = client.get("/demand?dimension=country&page=2").get_data(as_text=True)
    assert len(_tables(second)["demand-table"]) == 5
    assert len(_csv(client, "/demand.csv?dimension=country&page=2")) == 30
    past_the_end = client.get("/demand?dimension=country&page=9").get_data(as_text=True)
    assert len(_tables(past_the_end)["demand-table"]) == 5 and "Page 2 of 2" in past_the_end
