"""An admin without two-step verification sets it up at login, then logs in with a code."""

import time

import pyotp
from playwright.sync_api import expect

from tests import factories as f


def test_admin_sets_up_two_step_verification_then_logs_in_with_a_code(live_server, page):
    f.AdminFactory(email="admin@example.org", name="Ada Admin", mfa=False)
    # From here on no ORM object is touched: on SQLite that would hold the server's write lock.

    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    expect(page.get_by_role("img", name="QR code that adds Matchmaker")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)  # the authenticator app, given the key typed in by hand

    page.get_by_label("First code").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator("#code-error")).to_contain_text("This code is not correct.")
    page.get_by_label("First code").fill(totp.now())
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    # The code used at set-up is spent: the app's next one (30 s on) is inside the accepted drift.
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Welcome, Ada Admin.")).to_be_visible()
