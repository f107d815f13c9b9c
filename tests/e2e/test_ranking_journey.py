"""A company's new interest profile is ranked at once and shows on the matching priority's page."""

from playwright.sync_api import expect

from tests import factories as f


def test_a_new_profiles_suggestion_appears_on_the_priority_page(live_server, page):
    office = f.OfficeFactory(name="Boston Office of Global Partnerships", city__state="MA")
    priority = f.PriorityFactory(
        office=office,
        title="Sports technology pilots at the stadium",
        description="We want fan engagement apps and venue technology pilots at our stadium.",
        naics_sectors=["7112"],
    )
    f.ProfileFactory(
        interests="Industrial water pumps for farms.", partnership_types=["procurement"]
    )
    f.StaffFactory(email="staff@boston.example", office=office)
    f.CompanyMemberFactory(email="team@fanapp.example", company__name="Fanapp GmbH")
    path = f"{live_server.url}/priorities/{priority.id}"

    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email").fill("team@fanapp.example")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/company/profiles/new")
    page.get_by_label("Title").fill("Stadium pilots in Massachusetts")
    page.get_by_label("Pilot project").check()
    page.locator("#naics_sectors").select_option(["7112"])
    page.locator("#states").select_option(["MA"])
    page.get_by_label("What you look for in a city").fill(
        "A stadium to pilot our fan engagement app and venue technology with a sports team."
    )
    page.get_by_role("button", name="Save interest profile").click()
    expect(page.get_by_text("was saved")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.get_by_label("Email").fill("staff@boston.example")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(path)
    candidates = page.get_by_role("table", name="Ranked candidates")
    row = candidates.get_by_role("row", name="Fanapp GmbH")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Shared partnership types: pilot project")
    expect(candidates.locator("tbody tr")).to_have_count(1)  # the pump maker is no candidate
