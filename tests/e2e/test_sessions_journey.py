"""Two browsers, one account: the user ends the other session from the sessions page."""

from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.browser import log_in


def _log_in(page, url: str, email: str) -> None:
    log_in(page, url, email)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_user_ends_another_session_and_an_admin_sees_it(live_server, page, browser):
    f.StaffFactory(email="staff@boston.example", name="Sam Staff")
    f.AdminFactory(email="admin@example.org")
    other = browser.new_context().new_page()
    _log_in(other, live_server.url, "staff@boston.example")
    _log_in(page, live_server.url, "staff@boston.example")

    page.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
    expect(page.get_by_text("This session")).to_have_count(1)
    page.get_by_role("button", name="End all other sessions").click()
    expect(page.get_by_text("1 other session ended.")).to_be_visible()

    other.goto(live_server.url + "/office")
    expect(other.get_by_text("Your session has ended. Please log in again.")).to_be_visible()
    other.context.close()

    page.get_by_role("button", name="Log out").click()
    _log_in(page, live_server.url, "admin@example.org")
    page.get_by_role("link", name="Sign-ins").click()
    expect(page.get_by_role("heading", name="Sign-in events")).to_be_visible()
    expect(page.locator("tbody").get_by_text("Session ended")).to_be_visible()
    page.get_by_label("Event", exact=True).select_option("logout")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
