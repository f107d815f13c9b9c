"""Staff open the company demand, see a gap, and post a priority for it from the gap's link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.demand_world import build_demand_world
from tests.e2e.browser import log_in
from tests.e2e.test_accessibility import serious_violations


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # axe is injected as a script tag


def test_staff_find_a_gap_and_post_a_priority_for_it(live_server, page):
    world = build_demand_world()
    email = f.StaffFactory(office=world.boston).email
    log_in(page, live_server.url, email)
    page.get_by_role("link", name="Company demand").click()
    expect(page.get_by_role("heading", name="Company demand")).to_be_visible()
    expect(page.get_by_role("img", name="Interest profiles created per month")).to_be_visible()
    assert not serious_violations(page)

    page.get_by_label("Split demand by").select_option("type")
    page.get_by_label("Only gaps").check()
    page.get_by_role("button", name="Show").click()
    gap = page.locator("tr.gap-row")
    expect(gap).to_have_count(1)
    expect(gap).to_contain_text("Sponsorship")
    gap.get_by_role("link", name="Post a priority for it").click()
    expect(page.get_by_label("Sponsorship")).to_be_checked()
    expect(page.get_by_label("Pilot project")).not_to_be_checked()
