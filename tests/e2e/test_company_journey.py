"""A company signs up, confirms from the email, adds an interest profile and sees it listed."""

from playwright.sync_api import expect

PASSWORD = "a long and unusual passphrase"


def test_company_signs_up_confirms_and_adds_an_interest_profile(live_server, page, mailbox):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up your company").click()
    page.get_by_label("Company name").fill("Wyvern Volume Studios Ltd")
    page.get_by_label("Website").fill("https://wyvern.example")
    page.locator("#hq_country").select_option("GB")
    page.locator("#size").select_option("large")
    page.get_by_label("Find a sector by code or words").fill("motion picture")
    expect(page.locator("#naics_sectors option[value='5121']")).to_be_visible()
    page.locator("#naics_sectors").select_option(["5121"])
    expect(page.get_by_text("1 of 5 chosen")).to_be_visible()
    page.get_by_label("Description").fill("Volumetric capture stages for sport and film.")
    page.get_by_label("Contact name").fill("Gwen Wyvern")
    page.get_by_label("Work email").fill("gwen@wyvern.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto(mailbox.last_link("gwen@wyvern.example", "/signup/confirm/"))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_text("Your email is confirmed")).to_be_visible()
    expect(page.get_by_text("No interest profiles yet")).to_be_visible()

    page.get_by_role("link", name="Add an interest profile").click()
    page.get_by_label("Title").fill("Stadium pilots in New England")
    page.get_by_label("Pilot project").check()
    page.locator("#naics_sectors").select_option(["7112"])
    page.locator("#states").select_option(["MA", "RI"])
    page.get_by_label("What you look for in a city").fill("A stadium to pilot volumetric replays.")
    page.get_by_role("button", name="Save interest profile").click()

    expect(page.get_by_text("was saved")).to_be_visible()
    row = page.get_by_role("row", name="Stadium pilots in New England")
    expect(row).to_contain_text("Pilot project")
    expect(row).to_contain_text("MA, RI")
