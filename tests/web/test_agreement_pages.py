"""The agreement pages: drafting with an upload (checked by content, size), signing through the
emailed link, the PDF served, the certificate, /verify, both sides' introduction pages, and the
admins' event log with its CSV."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from matchmaker.extensions import db
from matchmaker.orm import Agreement, Signature
from matchmaker.services.agreements.documents import MAX_BYTES
from tests import factories as f
from tests.pdfs import tiny_pdf

SIGNERS = (("Anna Mayor", "anna@city.example", "Boston Global"), ("Ben Boss", "ben@fan.example"))


@pytest.fixture
def intro(app):
    office = f.OfficeFactory(name="Boston Global")
    f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    f.CompanyMemberFactory(company=company, email="mia@fan.example")
    return f.IntroductionFactory(
        stage="introduced",
        suggestion__priority=f.PriorityFactory(office=office, title="Stadium pilots"),
        suggestion__profile=f.ProfileFactory(company=company),
    )


def _html(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def _upload(client, intro, content: bytes, name="mou.pdf"):
    data = {
        "title": "Stadium pilot MOU",
        "kind": "mou",
        "other_parties": "",
        "signing_order": "parallel",
        "document": FileStorage(io.BytesIO(content), filename=name),
    }
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(
        f"/introductions/{intro.id}/agreements/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        follow_redirects=True,
    )


def _version(html: str) -> str:
    return re.search(r'name="version" required type="hidden" value="(\d+)"', html).group(1)


def _sent(client, auth, intro) -> Agreement:
    """Staff draft the MOU through the pages, name two signatories and send it."""
    auth.login("ana@edo.example")
    html = _html(_upload(client, intro, tiny_pdf()))
    agreement = db.session.scalars(select(Agreement)).one()
    for name, email, *party in SIGNERS:
        data = {"version": _version(html), "name": name, "email": email}
        data["party"] = party[0] if party else "Fan GmbH"
        html = _html(
            client.post(f"/agreements/{agreement.id}/signatories", data=data, follow_redirects=True)
        )
    client.post(f"/agreements/{agreement.id}/send", data={"version": _version(html)})
    auth.logout()
    return agreement


def _link(mailbox, address) -> str:
    return urlsplit(mailbox.last_link(address, "/sign/")).path


def test_a_non_pdf_named_pdf_and_an_oversized_file_are_refused(client, auth, intro):
    auth.login("ana@edo.example")
    html = _html(_upload(client, intro, b"GIF89a not a pdf at all", "mou.pdf"))
    assert "This file is not a PDF" in html
    html = _html(_upload(client, intro, b"%PDF-" + b"0" * MAX_BYTES))
    assert "the limit is 10 MB" in html
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_signatories_sign_through_their_links_and_get_the_certificate(client, auth, intro, mailbox):
    agreement = _sent(client, auth, intro)
    sha = db.session.get(Agreement, agreement.id).document.sha256
    for name, email, *_ in SIGNERS:
        link = _link(mailbox, email)
        page = _html(client.get(link))
        assert sha in page and "Still to sign" not in page
        pdf = client.get(f"{link}/document")
        assert pdf.mimetype == "application/pdf" and pdf.data == tiny_pdf()
        assert pdf.headers["Content-Disposition"].startswith("inline;")
        done = client.post(
            f"{link}/sign",
            data={"name": name, "consent": "y", "sha256": sha},
            headers={"User-Agent": "TestBrowser/1.0"},
        )
        assert "your signature is recorded" in _html(done)
        refused = _html(client.get(link), 400)
        assert "this link was used" in refused
    signature = db.session.scalars(
        select(Signature).where(Signature.email == "ben@fan.example")
    ).one()
    assert signature.user_agent == "TestBrowser/1.0" and signature.ip_address == "127.0.0.1"
    certificate = urlsplit(mailbox.last_link("ben@fan.example", "/certificate/")).path
    html = _html(client.get(certificate))
    assert sha in html and "Anna Mayor" in html and "Ben Boss" in html


def test_the_sign_form_needs_the_name_and_the_consent(client, auth, intro, mailbox):
    agreement = _sent(client, auth, intro)
    link = _link(mailbox, "ben@fan.example")
    sha = db.session.get(Agreement, agreement.id).document.sha256
    html = _html(client.post(f"{link}/sign", data={"name": "Ben Boss", "sha256": sha}))
    assert "Tick the box" in html
    html = _html(
        client.post(f"{link}/sign", data={"name": "Ben", "consent": "y", "sha256": "0" * 64})
    )
    assert "fingerprint no longer matches" in html
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0


def test_verify_says_who_signed_a_matching_file_and_nothing_for_others(
    client, auth, intro, mailbox
):
    agreement = _sent(client, auth, intro)
    sha = db.session.get(Agreement, agreement.id).document.sha256
    for name, email, *_ in SIGNERS:
        client.post(
            f"{_link(mailbox, email)}/sign", data={"name": name, "consent": "y", "sha256": sha}
        )

    def check(content: bytes) -> str:
        data = {"document": (io.BytesIO(content), "copy.pdf"), "fingerprint": ""}
        return _html(client.post("/verify", data=data, content_type="multipart/form-data"))

    html = check(tiny_pdf())
    assert "Match: a fully signed agreement" in html and "Anna Mayor" in html
    assert "Stadium pilot MOU" not in html and "anna@city.example" not in html
    assert "No match" in check(tiny_pdf().replace(b"Memorandum", b"Memorandux"))
    assert "No match" in check(tiny_pdf("something else"))
    assert "Match:" in _html(client.post("/verify", data={"fingerprint": sha.upper()}))


def test_both_sides_see_the_agreement_and_who_is_still_to_sign(client, auth, intro, mailbox):
    agreement = _sent(client, auth, intro)
    auth.login("mia@fan.example")
    html = _html(client.get(f"/company/introductions/{intro.id}"))
    assert "Stadium pilot MOU" in html and "Still to sign: Anna Mayor, Ben Boss" in html
    assert "Send for signature" not in _html(client.get(f"/agreements/{agreement.id}"))
    auth.logout()
    auth.login("ana@edo.example")
    html = _html(client.get(f"/introductions/{intro.id}"))
    assert "Stadium pilot MOU" in html and "Agreement drafted" in html


def test_the_company_does_not_see_drafts(client, auth, intro):
    auth.login("ana@edo.example")
    _upload(client, intro, tiny_pdf())
    agreement = db.session.scalars(select(Agreement)).one()
    auth.logout()
    auth.login("mia@fan.example")
    assert client.get(f"/agreements/{agreement.id}").status_code == 404
    assert "Stadium pilot MOU" not in _html(client.get(f"/company/introductions/{intro.id}"))


def test_a_stale_form_answers_409_naming_who_changed_it(client, auth, intro):
    auth.login("ana@edo.example")
    html = _html(_upload(client, intro, tiny_pdf()))
    agreement = db.session.scalars(select(Agreement)).one()
    stale = _version(html)
    client.post(f"/agreements/{agreement.id}/withdraw", data={"version": stale})
    response = client.post(f"/agreements/{agreement.id}/send", data={"version": stale})
    assert response.status_code == 409 and "Ana Alvarez got there first" in _html(response, 409)


def test_the_admins_event_log_lists_signatures_with_csv(client, auth, intro, mailbox):
    agreement = _sent(client, auth, intro)
    sha = db.session.get(Agreement, agreement.id).document.sha256
    client.post(
        f"{_link(mailbox, 'ben@fan.example')}/sign",
        data={"name": "Ben Boss", "consent": "y", "sha256": sha},
    )
    f.AdminFactory(email="root@example.org")
    auth.login("root@example.org")
    html = _html(client.get("/admin/agreement-events?action=sign"))
    assert "Ben Boss &lt;ben@fan.example&gt;" in html and "send" not in html.split("<tbody>")[1]
    csv = client.get("/admin/agreement-events.csv").get_data(as_text=True)
    assert f"Ben Boss <ben@fan.example>,{agreement.id}" in csv and sha in csv


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_certificate_pdf_lists_the_fingerprint_and_both_signers(client, auth, intro, mailbox):
    agreement = _sent(client, auth, intro)
    sha = db.session.get(Agreement, agreement.id).document.sha256
    names = {"anna@city.example": "Anna Mayor", "ben@fan.example": "Ζωή Ørsted"}
    for email, name in names.items():
        client.post(
            f"{_link(mailbox, email)}/sign", data={"name": name, "consent": "y", "sha256": sha}
        )
    certificate = urlsplit(mailbox.last_link("ben@fan.example", "/certificate/")).path
    assert f"{certificate}/certificate.pdf" in _html(client.get(certificate))
    response = client.get(f"{certificate}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = " ".join(_pdf_text(response.data).split())
    assert sha in text.replace(" ", "") and "Stadium pilot MOU" in text
    for email, name in names.items():
        assert name in text and email in text, text
    assert "127.0.0.1" in text
    # The same PDF is attached to the certificate email each signatory receives.
    message = mailbox.to("anna@city.example")[-1]
    (attachment,) = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == f"signing-certificate-{agreement.id}.pdf"
    assert sha in _pdf_text(attachment.get_payload(decode=True)).replace("\n", "").replace(" ", "")
    assert "Ben Boss" in text  # the invited name beside the typed one
