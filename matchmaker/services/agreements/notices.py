"""The emails of agreements, queued in the transition's transaction (the outbox)."""

from __future__ import annotations

from flask import render_template
from sqlalchemy.orm import Session

from matchmaker.orm import Agreement, Signatory
from matchmaker.services.agreements import links
from matchmaker.services.agreements.certificate_pdf import (
    build_certificate_pdf,
    certificate_filename,
)
from matchmaker.services.introductions import people
from matchmaker.services.mail import Attachment, queue_email
from matchmaker.urls import external_url


def _office_link(agreement: Agreement) -> str:
    return external_url("agreements.detail", agreement_id=agreement.id)


def invite(session: Session, agreement: Agreement, signatory: Signatory, replaced: bool) -> None:
    """Ask one signatory to sign the current version (again, when a new version replaced the
    one they were asked about: their earlier signature is void)."""
    body = render_template(
        "email/agreement_invitation.txt",
        agreement=agreement,
        signatory=signatory,
        replaced=replaced,
        link=links.signing_url(signatory, agreement.document.number),
    )
    subject = f"{'New version to sign' if replaced else 'Please sign'}: {agreement.title}"
    queue_email(session, signatory.email, subject, body)


def notify(session: Session, agreement: Agreement, recipients: list[str], subject: str, text: str):
    """A short notice about the agreement (declined, withdrawn, terminated)."""
    body = render_template("email/agreement_notice.txt", agreement=agreement, text=text, link=None)
    for address in dict.fromkeys(recipients):
        queue_email(session, address, subject, body)


def declined(session: Session, agreement: Agreement, signatory: Signatory) -> None:
    """To the office: a signatory declined, with their reason."""
    text = f"{signatory.name} ({signatory.party}) declined to sign."
    if signatory.decline_reason:
        text += f"\n\nTheir reason:\n{signatory.decline_reason}"
    body = render_template(
        "email/agreement_notice.txt",
        agreement=agreement,
        text=text,
        link=_office_link(agreement),
    )
    for address in people.office_recipients(session, agreement.introduction):
        queue_email(session, address, f"Declined: {agreement.title}", body)


def signed(session: Session, agreement: Agreement) -> None:
    """To every signatory and the office: everyone signed; the signing certificate's link, and
    the certificate itself as a PDF attachment."""
    content = build_certificate_pdf(session, agreement)
    pdf = Attachment(certificate_filename(agreement), "application/pdf", content)
    body = render_template(
        "email/agreement_certificate.txt",
        agreement=agreement,
        link=links.certificate_url(agreement),
    )
    recipients = [s.email for s in agreement.signatories]
    recipients += people.office_recipients(session, agreement.introduction)
    for address in dict.fromkeys(recipients):
        queue_email(
            session, address, f"Signed by everyone: {agreement.title}", body, attachments=[pdf]
        )
