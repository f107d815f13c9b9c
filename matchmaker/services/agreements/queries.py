"""Read side of agreements: who may see which, an agreement's page, the agreements of an
introduction, the PDF itself, the signing certificate and the public /verify check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from matchmaker.orm import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    Introduction,
    SignatoryStatus,
    Signature,
    User,
)
from matchmaker.services.agreements import documents, drafting, links
from matchmaker.services.agreements.certificate_pdf import (
    build_certificate_pdf,
    certificate_filename,
)
from matchmaker.services.agreements.documents import current_signatures
from matchmaker.services.agreements.transitions import LOCKED_STATUSES, Status, may_manage
from matchmaker.services.errors import NotFound
from matchmaker.tokens import InvalidToken

# What a company sees of its agreements: nothing of the office's drafts or withdrawn ones.
HIDDEN_FROM_COMPANY = frozenset({Status.DRAFT, Status.WITHDRAWN})


def may_see(user: User, agreement: Agreement) -> bool:
    if may_manage(user, agreement):
        return True
    return (
        user.is_company
        and user.company_id == agreement.introduction.company_id
        and agreement.status not in HIDDEN_FROM_COMPANY
    )


def visible_agreement(session: Session, agreement_id: int, viewer: User) -> Agreement:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or not may_see(viewer, agreement):
        raise NotFound("This agreement does not exist or is not yours to see.")
    return agreement


def for_introduction(session: Session, intro: Introduction, viewer: User) -> list[Agreement]:
    """The introduction's agreements this viewer may see, newest first."""
    rows = session.scalars(
        select(Agreement).where(Agreement.introduction_id == intro.id).order_by(Agreement.id.desc())
    )
    return [a for a in rows if may_see(viewer, a)]


def still_to_sign(agreement: Agreement) -> list:
    return [s for s in agreement.signatories if s.status is not SignatoryStatus.SIGNED]


def agreement_page(session: Session, agreement_id: int, viewer: User) -> dict:
    agreement = visible_agreement(session, agreement_id, viewer)
    events = session.scalars(
        select(AgreementEvent)
        .where(AgreementEvent.agreement_id == agreement.id)
        .order_by(AgreementEvent.id)
    ).all()
    return {
        "agreement": agreement,
        "document": agreement.document,
        "signatures": current_signatures(session, agreement),
        "waiting": still_to_sign(agreement),
        "events": events,
        "manage": may_manage(viewer, agreement),
        "certificate_token": (
            links.certificate_token(agreement) if agreement.status in LOCKED_STATUSES else None
        ),
    }


def document_file(session: Session, agreement: Agreement) -> tuple[AgreementDocument, bytes]:
    document = agreement.document
    return document, documents.content_of(session, document.sha256)


def certificate(session: Session, token: str) -> dict:
    """The signing certificate of a fully signed agreement, from its emailed link."""
    try:
        agreement_id, sha256 = links.read_certificate_token(token)
    except InvalidToken as exc:
        raise NotFound("This certificate link is not valid.") from exc
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.status not in LOCKED_STATUSES:
        raise NotFound("This certificate link is not valid.")
    if agreement.document.sha256 != sha256:
        raise NotFound("This certificate link is not valid.")
    signatures = current_signatures(session, agreement)
    events = session.scalars(
        select(AgreementEvent)
        .where(AgreementEvent.agreement_id == agreement.id)
        .order_by(AgreementEvent.id)
    ).all()
    return {
        "agreement": agreement,
        "document": agreement.document,
        "rows": [(s, signatures.get(s.id)) for s in agreement.signatories],
        "events": events,
    }


def certificate_pdf(session: Session, token: str) -> tuple[str, bytes]:
    """The signing certificate as a PDF (its file name and bytes), from its emailed link."""
    agreement = certificate(session, token)["agreement"]
    return certificate_filename(agreement), build_certificate_pdf(session, agreement)


@dataclass(frozen=True)
class SignedBy:
    name: str  # the name the signatory typed
    at: datetime


@dataclass(frozen=True)
class Match:
    signed_at: datetime
    terminated: bool
    signatures: list[SignedBy]


@dataclass(frozen=True)
class Verification:
    fingerprint: str
    matches: list[Match]


def verify(
    session: Session, *, content: bytes | None = None, fingerprint: str = ""
) -> Verification:
    """Whether a file (or a fingerprint) is the final version of a fully signed agreement, and
    who signed it when. Nothing else is told: no title, parties, emails or addresses."""
    if content is not None:
        documents.check_size(content, "document")
        if not content.startswith(documents.MAGIC):
            raise documents.InvalidDocument("This file is not a PDF.", "document")
        digest = documents.sha256_of(content)
    else:
        digest = documents.normalise_fingerprint(fingerprint)
        if digest is None:
            raise documents.InvalidDocument(
                "A SHA-256 fingerprint is 64 hexadecimal characters.", "fingerprint"
            )
    latest = (
        select(AgreementDocument.agreement_id, func.max(AgreementDocument.number).label("n"))
        .group_by(AgreementDocument.agreement_id)
        .subquery()
    )
    rows = session.execute(
        select(Agreement, AgreementDocument)
        .join(AgreementDocument, AgreementDocument.agreement_id == Agreement.id)
        .join(
            latest,
            (latest.c.agreement_id == AgreementDocument.agreement_id)
            & (latest.c.n == AgreementDocument.number),
        )
        .where(AgreementDocument.sha256 == digest, Agreement.status.in_(LOCKED_STATUSES))
        .order_by(Agreement.signed_at)
    ).all()
    matches = []
    for agreement, document in rows:
        signed = session.scalars(
            select(Signature)
            .where(Signature.document_id == document.id)
            .order_by(Signature.signed_at, Signature.id)
        )
        matches.append(
            Match(
                agreement.signed_at,
                agreement.status is Status.TERMINATED,
                [SignedBy(s.typed_name, s.signed_at) for s in signed],
            )
        )
    return Verification(digest, matches)


def managed_agreement(session: Session, agreement_id: int, user: User) -> Agreement:
    """The agreement if the user may change it (its office's staff, admins); NotFound else."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or not may_manage(user, agreement):
        raise NotFound("This agreement does not exist or is not yours to see.")
    return agreement


def party_choices(session: Session, agreement_id: int) -> list[str]:
    agreement = session.get(Agreement, agreement_id)
    return drafting.party_choices(agreement) if agreement is not None else []


def visible_agreements(viewer: User) -> Select:
    """The agreements the viewer may see (the rule of may_see, as a query): the office's staff
    and admins all of theirs, a company its own once sent (no drafts, nothing withdrawn)."""
    query = select(Agreement).join(Introduction, Introduction.id == Agreement.introduction_id)
    if viewer.is_admin:
        return query
    if viewer.is_staff:
        return query.where(Introduction.office_id == viewer.office_id)
    return query.where(
        Introduction.company_id == viewer.company_id,
        Agreement.status.not_in(HIDDEN_FROM_COMPANY),
    )
