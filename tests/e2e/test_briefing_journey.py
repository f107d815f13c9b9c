"""Staff feature their partnership in the city briefing from its page, open the briefing for a
period, see it laid out for paper (print media) and download the PDF."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.briefing_world import build_city
from tests.e2e.browser import log_in
from tests.e2e.test_accessibility import serious_violations


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script: the test tool, not the page, passes the CSP.
    return {**browser_context_args, "bypass_csp": True}


SUMMARY = "A Greek fan-engagement firm runs its first US stadium pilot with 40 jobs planned."


def test_feature_a_partnership_then_read_print_and_download_the_briefing(live_server, page):
    city = build_city()
    intro_id, email, sha = city.intro.id, city.ana.email, city.agreement.document.sha256
    log_in(page, live_server.url, email)
    page.goto(f"{live_server.url}/introductions/{intro_id}")
    page.get_by_role("link", name="Feature in the city briefing").click()
    page.get_by_label("Summary for the briefing").fill(SUMMARY)
    page.get_by_role("button", name="Feature in the briefing").click()
    expect(page.get_by_text("Saved: it appears in the city briefing.")).to_be_visible()

    page.get_by_role("link", name="City briefing").click()
    page.get_by_label("First day").fill("2026-01-01")
    page.get_by_label("Last day").fill("2026-06-30")
    page.get_by_role("button", name="Show the briefing").click()
    expect(page.locator("#agreements-h")).to_contain_text("Signed agreements")
    expect(page.locator(".agreements-table")).to_contain_text(sha)
    expect(page.locator(".featured-item")).to_contain_text(SUMMARY)
    assert not serious_violations(page)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download as PDF")).to_be_hidden()
    page.screenshot(path="/tmp/briefing-print.png", full_page=True)
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    data = download.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert sha in text and SUMMARY[:40] in text
