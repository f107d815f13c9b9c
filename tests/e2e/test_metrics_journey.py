"""Staff open the metrics of their office for a chosen period: the charts are there (SVG, one per
table), and the CSV they download holds exactly the figures of the tables."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.browser import log_in
from tests.metrics_world import FUNNEL_A, SINCE, UNTIL, build_metrics_world

TABLE_CELLS = """tables => tables.flatMap(t => {
  const chart = t.dataset.chart;
  const columns = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
  return [...t.querySelectorAll('tbody tr')].flatMap(tr => {
    const [label, ...cells] = [...tr.children].map(c => c.textContent.trim());
    return cells.map((cell, n) => [chart, label, columns[n + 1], cell]);
  });
})"""


def test_the_metrics_page_shows_charts_and_the_csv_matches_the_tables(live_server, page):
    world = build_metrics_world()
    email = world.staff_a.email
    # From here on no ORM object is touched: on SQLite that would hold the server's write lock.

    log_in(page, live_server.url, email)
    page.get_by_role("link", name="Metrics", exact=True).click()
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill(SINCE)
    page.get_by_label("To", exact=True).fill(UNTIL)
    page.get_by_role("button", name="Show").click()

    expect(
        page.get_by_role("heading", name="Metrics: Springfield Trade (your office)")
    ).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(10)
    expect(page.get_by_role("img", name="Funnel")).to_be_visible()
    expect(page.get_by_text("fewer than 5 items is not shown")).to_be_visible()
    funnel = page.locator("table[data-chart='Funnel'] tbody tr td:first-of-type")
    expect(funnel).to_have_text([str(n) for n in FUNNEL_A])

    shown = page.locator("table.metric-table").evaluate_all(TABLE_CELLS)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["chart", "row", "column", "value"]
    assert rows[1:] == shown
