"""Agreements with electronic signature: each transition and refusal, the fingerprint and lock
rules, voided versions, single-use and expiring links, the introduction's stages, /verify."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import (
    Agreement,
    AgreementEvent,
    IntroductionEvent,
    Signature,
)
from matchmaker.services.agreements import drafting, queries, signing
from matchmaker.services.agreements.documents import MAX_BYTES, InvalidDocument
from matchmaker.services.agreements.drafting import AgreementDetails
from matchmaker.services.errors import Conflict, InvalidTransition, NotFound
from tests import factories as f
from tests.pdfs import tiny_pdf

WHERE = signing.Client("203.0.113.7", "Mozilla/5.0\r\nX-Injected: 1")
ANNA, BEN = ("anna@city.example", "Anna Mayor"), ("ben@fan.example", "Ben Boss")


@pytest.fixture
def case(app):
    """A connected introduction between an office (staff Ana) and a company; an admin."""
    office = f.OfficeFactory(name="Boston Global")
    ana = f.StaffFactory(office=office, name="Ana Alvarez", email="ana@edo.example")
    company = f.CompanyFactory(name="Fan GmbH")
    intro = f.IntroductionFactory(
        stage="introduced",
        suggestion__priority=f.PriorityFactory(office=office),
        suggestion__profile=f.ProfileFactory(company=company),
        requested_by_id=ana.id,
    )
    admin = f.AdminFactory()
    db.session.commit()
    return intro, ana, admin


def _create(intro, ana, order="parallel", pdf=None) -> Agreement:
    details = AgreementDetails("Stadium pilot MOU", "mou", "State of Massachusetts", order)
    return drafting.create_agreement(
        db.session, intro.id, ana, details, pdf or tiny_pdf(), "mou.pdf"
    )


def _ready(intro, ana, order="parallel") -> Agreement:
    """An agreement sent to two signatories, one on each side."""
    agreement = _create(intro, ana, order)
    for (email, name), party in ((ANNA, intro.office.name), (BEN, intro.company.name)):
        drafting.add_signatory(db.session, agreement.id, ana, agreement.version, name, email, party)
    return drafting.send_for_signature(db.session, agreement.id, ana, agreement.version)


def _token(mailbox, address) -> str:
    return urlsplit(mailbox.last_link(address, "/sign/")).path.rsplit("/", 1)[-1]


def _sign(mailbox, address, name, agreement) -> Agreement:
    token = _token(mailbox, address)
    sha = agreement.document.sha256
    return signing.sign(db.session, token, name, True, sha, WHERE)


def test_creating_the_first_agreement_drafts_it_and_moves_the_introduction(case):
    intro, ana, _ = case
    pdf = tiny_pdf()
    agreement = _create(intro, ana, pdf=pdf)
    assert agreement.status.value == "draft"
    assert agreement.document.number == 1
    assert agreement.document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert intro.stage.value == "agreement_drafted"
    assert db.session.scalars(select(IntroductionEvent.to_stage)).all()[-1] == "agreement_drafted"
    second = _create(intro, ana, pdf=tiny_pdf("letter"))
    assert second.status.value == "draft" and intro.stage.value == "agreement_drafted"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Hello, I am a text file named mou.pdf", "not a PDF"),
        (b"%PDF-1.7\nthis is no PDF at all", "not a readable PDF"),
        (b"%PDF-" + b"0" * MAX_BYTES, "the limit is 10 MB"),
        (b"", "empty"),
    ],
)
def test_a_non_pdf_or_oversized_file_is_refused_and_nothing_is_created(case, content, message):
    intro, ana, _ = case
    with pytest.raises(InvalidDocument, match=message):
        _create(intro, ana, pdf=content) if content else drafting.create_agreement(
            db.session, intro.id, ana, AgreementDetails("T", "mou"), b"", "x.pdf"
        )
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0
    assert intro.stage.value == "introduced"


def test_agreements_need_an_accepted_introduction(case):
    intro, ana, _ = case
    intro.stage = "requested"
    db.session.commit()
    with pytest.raises(InvalidTransition, match="both sides accepted"):
        _create(intro, ana)


def test_another_office_cannot_draft_on_the_introduction(case):
    intro, _, _ = case
    with pytest.raises(NotFound):
        _create(intro, f.StaffFactory())


def test_parallel_signing_invites_everyone_and_the_last_signature_locks_it(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    assert {s.status.value for s in agreement.signatories} == {"invited"}
    _sign(mailbox, BEN[0], "Ben Boss", agreement)
    assert agreement.status.value == "signing" and intro.stage.value == "agreement_drafted"
    _sign(mailbox, ANNA[0], "Anna Mayor", agreement)
    assert agreement.status.value == "signed" and agreement.locked
    assert intro.stage.value == "agreement_signed"
    signature = db.session.scalars(select(Signature).where(Signature.email == BEN[0])).one()
    assert signature.ip_address == "203.0.113.7"
    assert signature.user_agent == "Mozilla/5.0 X-Injected: 1"  # no line break survives
    assert signature.sha256 == agreement.document.sha256
    for address in (ANNA[0], BEN[0], "ana@edo.example"):
        link = mailbox.last_link(address, "/agreements/certificate/")
        assert queries.certificate(db.session, link.rsplit("/", 1)[-1])["agreement"] == agreement


def test_sequential_signing_invites_the_next_signatory_when_the_previous_signs(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana, order="sequential")
    assert [s.status.value for s in agreement.signatories] == ["invited", "waiting"]
    assert mailbox.to(BEN[0]) == []
    _sign(mailbox, ANNA[0], "Anna Mayor", agreement)
    assert [s.status.value for s in agreement.signatories] == ["signed", "invited"]
    _sign(mailbox, BEN[0], "Ben Boss", agreement)
    assert agreement.status.value == "signed"


def test_a_used_link_is_refused(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    token = _token(mailbox, BEN[0])
    signing.sign(db.session, token, "Ben Boss", True, agreement.document.sha256, WHERE)
    with pytest.raises(signing.InvalidSigningLink, match="already"):
        signing.sign(db.session, token, "Ben Boss", True, agreement.document.sha256, WHERE)
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


def test_an_expired_link_is_refused(app, case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    app.config["AGREEMENT_LINK_MAX_AGE"] = -1
    with pytest.raises(signing.InvalidSigningLink, match="expired"):
        _sign(mailbox, BEN[0], "Ben Boss", agreement)
    assert agreement.signatories[1].status.value == "invited"


def test_a_new_version_voids_signatures_and_the_old_link_is_refused(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    _sign(mailbox, BEN[0], "Ben Boss", agreement)
    old_anna = _token(mailbox, ANNA[0])
    old_sha = agreement.document.sha256
    drafting.new_version(
        db.session, agreement.id, ana, agreement.version, tiny_pdf("v2"), "mou-v2.pdf"
    )
    assert agreement.document.number == 2
    assert {s.status.value for s in agreement.signatories} == {"invited"}
    assert queries.current_signatures(db.session, agreement) == {}
    with pytest.raises(signing.InvalidSigningLink, match="void"):
        signing.sign(db.session, old_anna, "Anna Mayor", True, old_sha, WHERE)
    assert "earlier signature on it is void" in mailbox.to(BEN[0])[-1].get_payload()
    _sign(mailbox, BEN[0], "Ben Boss", agreement)
    _sign(mailbox, ANNA[0], "Anna Mayor", agreement)
    assert agreement.status.value == "signed"


def test_a_fingerprint_that_no_longer_matches_is_refused(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    token = _token(mailbox, BEN[0])
    with pytest.raises(signing.InvalidSignature, match="fingerprint no longer matches"):
        signing.sign(db.session, token, "Ben Boss", True, "0" * 64, WHERE)
    with pytest.raises(signing.InvalidSignature, match="Tick the box"):
        signing.sign(db.session, token, "Ben Boss", False, agreement.document.sha256, WHERE)
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0
    _sign(mailbox, BEN[0], "Ben Boss", agreement)  # the link still works once


def test_a_signed_agreement_is_locked_and_only_an_admin_terminates_it(case, mailbox):
    intro, ana, admin = case
    agreement = _ready(intro, ana)
    _sign(mailbox, BEN[0], "Ben Boss", agreement)
    _sign(mailbox, ANNA[0], "Anna Mayor", agreement)
    v = agreement.version
    refused = [
        lambda: drafting.edit_agreement(
            db.session, agreement.id, ana, v, AgreementDetails("New", "mou")
        ),
        lambda: drafting.new_version(db.session, agreement.id, ana, v, tiny_pdf("v9"), "x.pdf"),
        lambda: drafting.withdraw(db.session, agreement.id, ana, v),
    ]
    for attempt in refused:
        with pytest.raises(InvalidTransition, match="signed and locked"):
            attempt()
    with pytest.raises(InvalidTransition, match="Only an admin"):
        drafting.terminate(db.session, agreement.id, ana, v, "Project cancelled")
    with pytest.raises(drafting.InvalidAgreement, match="reason"):
        drafting.terminate(db.session, agreement.id, admin, v, "")
    drafting.terminate(db.session, agreement.id, admin, v, "Project cancelled")
    assert agreement.status.value == "terminated"
    assert agreement.document.number == 1


def test_a_signatory_declines_with_a_reason_and_the_office_is_told(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    anna_token = _token(mailbox, ANNA[0])
    signing.decline(db.session, _token(mailbox, BEN[0]), "Clause 4 is wrong")
    assert agreement.status.value == "declined"
    assert "Clause 4 is wrong" in mailbox.to("ana@edo.example")[-1].get_payload()
    with pytest.raises(InvalidTransition, match="declined"):
        signing.sign(db.session, anna_token, "Anna Mayor", True, agreement.document.sha256, WHERE)
    drafting.new_version(db.session, agreement.id, ana, agreement.version, tiny_pdf("v2"), "b.pdf")
    assert agreement.status.value == "signing"


def test_a_stale_form_gets_a_conflict_naming_who_changed_it(case):
    intro, ana, _ = case
    agreement = _create(intro, ana)
    seen = agreement.version
    drafting.edit_agreement(db.session, agreement.id, ana, seen, AgreementDetails("Renamed", "mou"))
    with pytest.raises(Conflict, match="Ana Alvarez got there first"):
        drafting.withdraw(db.session, agreement.id, ana, seen)
    assert agreement.status.value == "draft"


def test_drafts_only_change_signatories_and_withdrawing_keeps_the_history(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    token = _token(mailbox, BEN[0])
    with pytest.raises(InvalidTransition, match="signing"):
        drafting.add_signatory(
            db.session, agreement.id, ana, agreement.version, "Cy", "cy@x.example", "Fan GmbH"
        )
    drafting.withdraw(db.session, agreement.id, ana, agreement.version, "Superseded")
    assert agreement.status.value == "withdrawn"
    actions = db.session.scalars(select(AgreementEvent.action).order_by(AgreementEvent.id)).all()
    assert actions == ["create", "add_signatory", "add_signatory", "send", "withdraw"]
    with pytest.raises(InvalidTransition, match="withdrawn"):
        signing.sign(db.session, token, "Ben Boss", True, agreement.document.sha256, WHERE)


def test_verify_tells_a_matching_a_modified_and_an_unknown_pdf_apart(case, mailbox):
    intro, ana, _ = case
    agreement = _ready(intro, ana)
    signed_pdf = db.session.get(type(agreement.document), agreement.document.id)
    content = queries.document_file(db.session, agreement)[1]
    assert queries.verify(db.session, content=content).matches == []  # not signed yet
    _sign(mailbox, BEN[0], "Ben Boss", agreement)
    _sign(mailbox, ANNA[0], "Anna Mayor", agreement)
    result = queries.verify(db.session, content=content)
    assert [s.name for s in result.matches[0].signatures] == ["Ben Boss", "Anna Mayor"]
    assert result.fingerprint == signed_pdf.sha256
    modified = content.replace(b"Memorandum", b"Memorandux")
    assert queries.verify(db.session, content=modified).matches == []
    assert queries.verify(db.session, content=tiny_pdf("unknown")).matches == []
    typed = ":".join(re.findall("..", signed_pdf.sha256.upper()))
    assert queries.verify(db.session, fingerprint=typed).matches
    with pytest.raises(InvalidDocument, match="64 hexadecimal"):
        queries.verify(db.session, fingerprint="abc")
