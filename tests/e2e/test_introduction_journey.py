"""Staff accept a suggestion; the company member sees the request (without the office's people),
accepts it; then both see each other's contact people and exchange a message."""

from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.browser import log_in


def test_a_double_opt_in_introduction_from_queue_to_messages(live_server, page, mailbox):
    office = f.OfficeFactory(name="Boston Global Partnerships", contact_email="desk@edo.example")
    f.StaffFactory(office=office, email="nia@edo.example", name="Nia Staff")
    company = f.CompanyFactory(
        name="Fan Engagement GmbH", contact_name="Carla Contact", contact_email="carla@fan.example"
    )
    f.CompanyMemberFactory(company=company, email="mia@fan.example", name="Mia Member")
    priority = f.PriorityFactory(office=office, title="Stadium district pilots")
    f.SuggestionFactory(priority=priority, profile=f.ProfileFactory(company=company), score=0.8)
    # From here on no ORM object is touched: on SQLite that would hold the server's write lock.

    log_in(page, live_server.url, "nia@edo.example")
    page.get_by_role("link", name="Queue", exact=True).click()
    page.get_by_role("link", name="Fan Engagement GmbH").click()
    page.get_by_label("Note to the company (optional)").fill("Our stadium opens in May.")
    page.get_by_role("button", name="Accept and propose an introduction").click()
    expect(page.get_by_text("Accepted: an introduction is proposed.")).to_be_visible()
    page.get_by_role("link", name="Introductions", exact=True).click()
    expect(page.locator("table.introductions")).to_contain_text("Waiting for the company")
    page.get_by_role("button", name="Log out").click()

    link = mailbox.last_link("mia@fan.example", "/company/introductions/")
    log_in(page, live_server.url, "mia@fan.example")
    page.goto(link)
    expect(page.locator("dl.meta")).to_contain_text("Our stadium opens in May.")
    expect(page.locator("dl.meta")).to_contain_text("Stadium district pilots")
    expect(page.locator("main")).not_to_contain_text("nia@edo.example")
    expect(page.locator("main")).not_to_contain_text("Nia Staff")
    page.get_by_role("button", name="Accept the introduction").click()
    expect(page.get_by_text("Accepted: you are introduced.")).to_be_visible()
    expect(page.locator("ul.contacts")).to_contain_text("nia@edo.example")
    page.get_by_label("Your message").fill("Happy to meet: when suits you?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_text("Message sent.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server.url, "nia@edo.example")
    page.get_by_role("link", name="Introductions", exact=True).click()
    page.get_by_role("link", name="Fan Engagement GmbH").click()
    expect(page.locator("ul.contacts")).to_contain_text("carla@fan.example")
    expect(page.locator("ol.thread")).to_contain_text("Happy to meet: when suits you?")
    page.get_by_label("Your message").fill("Tuesday at ten?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator("ol.thread")).to_contain_text("Tuesday at ten?")
    assert "Tuesday at ten?" in (
        mailbox.wait_for("mia@fan.example")[-1].get_payload(decode=True).decode()
    )
