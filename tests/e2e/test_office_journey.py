"""An admin invites staff; the staff member sets a password, posts a priority, sees it listed."""

from playwright.sync_api import expect

from tests import factories as f

PASSWORD = "a long and unusual passphrase"
OFFICE = "Boston Office of Global Partnerships"


def test_invited_staff_member_posts_a_priority(live_server, page, mailbox):
    # Touch no ORM object once the browser runs: on SQLite a read in this thread would open a
    # transaction that holds the write lock the server's requests need.
    f.OfficeFactory(name=OFFICE)
    f.AdminFactory(email="admin@example.org")
    code = f.totp_code("admin@example.org")  # what the admin's authenticator app shows

    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("link", name="Offices").click()
    page.get_by_role("link", name=OFFICE).click()
    page.get_by_label("Email").fill("nia@boston.example")
    page.get_by_label("Name").fill("Nia Staff")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was emailed to nia@boston.example.")).to_be_visible()
    expect(page.get_by_role("cell", name="invited")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.goto(mailbox.last_link("nia@boston.example", "/invite/"))
    expect(page.get_by_text("You are joining")).to_contain_text(OFFICE)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Set password and log in").click()
    expect(page.get_by_role("heading", name=OFFICE)).to_be_visible()
    expect(page.get_by_text("Your office has no priorities yet.")).to_be_visible()

    page.get_by_role("link", name="Post a priority").first.click()
    page.get_by_label("Title").fill("Stadium district pilots")
    page.get_by_label("Description").fill("Sports technology companies to pilot fan engagement.")
    page.get_by_label("NAICS 2022 sectors", exact=True).select_option(["5132", "7112"])
    page.get_by_label("Pilot project").check()
    page.get_by_label("Target countries").fill("DE")
    page.get_by_label("Status").select_option("open")
    page.get_by_label("Companies may see it").check()
    page.get_by_role("button", name="Post priority").click()
    expect(page.get_by_text("“Stadium district pilots” was posted as open.")).to_be_visible()
    expect(page.get_by_text("Germany")).to_be_visible()

    page.get_by_role("link", name="Back to the dashboard").click()
    row = page.get_by_role("row", name="Stadium district pilots")
    expect(row).to_contain_text("open")
    expect(row).to_contain_text("0 waiting")
