"""Staff upload an MOU on an introduction and send it; two signatories sign through their emailed
links without an account; the certificate lists both and /verify confirms the file."""

from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.browser import log_in
from tests.pdfs import tiny_pdf


def test_an_mou_signed_by_two_people_through_their_links(live_server, page, mailbox):
    office = f.OfficeFactory(name="Boston Global Partnerships")
    f.StaffFactory(office=office, email="nia@edo.example", name="Nia Staff")
    company = f.CompanyFactory(name="Fan Engagement GmbH")
    intro = f.IntroductionFactory(
        stage="introduced",
        suggestion__priority=f.PriorityFactory(office=office, title="Stadium district pilots"),
        suggestion__profile=f.ProfileFactory(company=company),
    )
    intro_url = f"{live_server.url}/introductions/{intro.id}"
    # From here on no ORM object is touched: on SQLite that would hold the server's write lock.
    mou = tiny_pdf("Stadium MOU")
    pdf = {"name": "stadium-mou.pdf", "mimeType": "application/pdf", "buffer": mou}

    log_in(page, live_server.url, "nia@edo.example")
    page.goto(intro_url)
    page.get_by_role("link", name="Draft an agreement").click()
    page.get_by_label("Title").fill("Stadium district MOU")
    page.get_by_label("Document").set_input_files(pdf)
    page.get_by_role("button", name="Draft the agreement").click()
    expect(page.get_by_text("Agreement drafted")).to_be_visible()
    fingerprint = page.locator("dl.meta code.fingerprint").inner_text()
    for name, email, party in (
        ("Mayor Anna", "anna@city.example", "Boston Global Partnerships"),
        ("Ben Boss", "ben@fan.example", "Fan Engagement GmbH"),
    ):
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Signs for").select_option(party)
        page.get_by_role("button", name="Add the signatory").click()
        expect(page.get_by_text("Signatory added.")).to_be_visible()
    page.get_by_role("button", name="Send for signature").click()
    expect(page.get_by_text("Still to sign: Mayor Anna, Ben Boss")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    for name, email in (("Mayor Anna", "anna@city.example"), ("Ben Boss", "ben@fan.example")):
        page.goto(mailbox.last_link(email, "/sign/"))
        expect(page.locator("dl.meta")).to_contain_text(fingerprint)
        page.get_by_label("Your full name").fill(name)
        page.get_by_label("I agree to sign this document electronically").check()
        page.get_by_role("button", name="Sign the document").click()
        expect(page.get_by_text("your signature is recorded")).to_be_visible()

    page.goto(mailbox.last_link("ben@fan.example", "/agreements/certificate/"))
    signatures = page.locator("table.certificate-signatures")
    expect(signatures).to_contain_text("Mayor Anna")
    expect(signatures).to_contain_text("Ben Boss")
    expect(page.locator("dl.meta")).to_contain_text(fingerprint)

    page.goto(live_server.url + "/verify")
    page.get_by_label("The PDF to check").set_input_files(pdf)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Match: a fully signed agreement")).to_be_visible()
    expect(page.locator(".verify-result")).to_contain_text("Mayor Anna")
    expect(page.locator(".verify-result")).to_contain_text("Ben Boss")

    log_in(page, live_server.url, "nia@edo.example")
    page.goto(intro_url)
    expect(page.locator("main")).to_contain_text("Agreement signed")
