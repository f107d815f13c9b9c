"""Staff open their queue, read why a company was suggested, accept one suggestion, decline
another with a reason, and find both decisions in the history."""

from playwright.sync_api import expect

from tests import factories as f


def test_staff_work_their_queue(live_server, page):
    staff = f.StaffFactory(email="nia@boston.example", name="Nia Staff")
    priority = f.PriorityFactory(office=staff.office, title="Stadium district pilots")
    f.SuggestionFactory(
        priority=priority,
        score=0.81,
        profile__company__name="Fan Engagement GmbH",
        explanation={"sentences": ["Shared partnership types: Pilot project."]},
    )
    f.SuggestionFactory(priority=priority, score=0.42, profile__company__name="Water Pumps Ltd")
    # From here on no ORM object is touched: on SQLite that would hold the server's write lock.

    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email").fill("nia@boston.example")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.get_by_role("heading", name="Your office's queue")).to_be_visible()
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Fan Engagement GmbH")  # best score first

    page.get_by_role("link", name="Fan Engagement GmbH").click()
    expect(page.get_by_text("Shared partnership types: Pilot project.")).to_be_visible()
    page.get_by_role("button", name="Accept and propose an introduction").click()
    expect(page.get_by_text("Accepted: an introduction is proposed.")).to_be_visible()
    history = page.locator("table.history")
    expect(history).to_contain_text("Nia Staff")
    expect(history).to_contain_text("accepted")

    page.get_by_role("link", name="Back to the queue").click()
    page.get_by_role("link", name="Water Pumps Ltd").click()
    page.get_by_label("Reason").select_option("not_a_fit")
    page.locator("#decline-note").fill("Pumps, not sports technology.")
    page.get_by_role("button", name="Decline", exact=True).click()
    expect(page.get_by_text("Declined.", exact=True)).to_be_visible()
    expect(history).to_contain_text("Not a fit for the priority: Pumps, not sports technology.")

    page.get_by_role("link", name="Back to the queue").click()
    expect(page.get_by_text("Nothing waiting")).to_be_visible()
    page.get_by_label("Status").select_option("accepted")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.queue")).to_contain_text("Fan Engagement GmbH")
