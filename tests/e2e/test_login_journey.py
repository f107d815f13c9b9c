"""Log in, see the dashboard, log out: in a real browser."""

from playwright.sync_api import expect

from tests import factories as f


def test_staff_logs_in_sees_dashboard_and_logs_out(live_server, page):
    office = f.OfficeFactory(name="Boston Office of Global Partnerships")
    f.StaffFactory(email="staff@boston.example", office=office, name="Sam Staff")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("staff@boston.example")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Welcome, Sam Staff.")).to_be_visible()
    expect(page.get_by_role("heading", name="Boston Office of Global Partnerships")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.goto(live_server.url + "/dashboard")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_wrong_password_shows_error_next_to_field(live_server, page):
    f.AdminFactory(email="admin@example.org")
    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill("not the right password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#password-error")).to_have_text("The email or password is not correct.")
