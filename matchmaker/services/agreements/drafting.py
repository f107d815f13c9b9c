"""The office's changes to an agreement: create it with its first PDF, edit it, name the
signatories, upload new versions, send it for signature, remind, withdraw; an admin's
termination. Each is one call of the transitions core."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from matchmaker.orm import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    SignatoryStatus,
    SigningOrder,
    User,
)
from matchmaker.orm import Signatory as SignatoryRow
from matchmaker.services.agreements import documents, links, notices
from matchmaker.services.agreements.transitions import (
    Actor,
    Status,
    apply,
    get_agreement,
    stage_allows_agreements,
)
from matchmaker.services.errors import DomainError, InvalidTransition, NotFound
from matchmaker.services.introductions.people import visible_introduction
from matchmaker.text import check_text

REASON_MAX = 1000
MAX_SIGNATORIES = 20


class InvalidAgreement(DomainError):
    """A field of the agreement or of a signatory that is missing or wrong."""


@dataclass(frozen=True)
class AgreementDetails:
    title: str
    kind: str
    other_parties: str = ""  # one party per line
    signing_order: str = SigningOrder.PARALLEL.value


def _details(details: AgreementDetails) -> AgreementDetails:
    check_text({"title": details.title}, {"other_parties": details.other_parties})
    title = (details.title or "").strip()
    if not title or len(title) > 200:
        raise InvalidAgreement("Give the agreement a title (at most 200 characters).", "title")
    if details.kind not in {k.value for k in AgreementKind}:
        raise InvalidAgreement("Choose the kind of agreement.", "kind")
    if details.signing_order not in {o.value for o in SigningOrder}:
        raise InvalidAgreement("Choose the signing order.", "signing_order")
    parties = "\n".join(p.strip() for p in (details.other_parties or "").splitlines() if p.strip())
    if len(parties) > 2000:
        raise InvalidAgreement("Keep the other parties under 2,000 characters.", "other_parties")
    return AgreementDetails(title, details.kind, parties, details.signing_order)


def party_choices(agreement: Agreement) -> list[str]:
    """Whom a signatory may sign for: the office (with its city), the company, the others."""
    intro = agreement.introduction
    return [intro.office.name, intro.company.name, *agreement.other_parties.splitlines()]


def _add_document(session: Session, agreement: Agreement, pdf, user: User, now) -> None:
    documents.store(session, pdf)
    number = agreement.document.number + 1 if agreement.document else 1
    agreement.documents.append(
        AgreementDocument(
            number=number,
            sha256=pdf.sha256,
            filename=pdf.filename,
            size=pdf.size,
            pages=pdf.pages,
            uploaded_by_id=user.id,
            uploaded_at=now,
        )
    )


def create_agreement(
    session: Session, introduction_id: int, user: User, details: AgreementDetails, pdf: bytes,
    filename: str,
) -> Agreement:  # fmt: skip
    """A draft agreement with its first PDF version; the introduction's first agreement moves it
    to "agreement drafted"."""
    intro = visible_introduction(session, introduction_id, user)
    if user.is_company:
        raise NotFound("This introduction does not exist or is not yours to see.")
    if not stage_allows_agreements(intro.stage):
        raise InvalidTransition(
            f"This introduction is {intro.stage.label.lower()}: agreements need an introduction "
            "both sides accepted that is not closed."
        )
    clean = _details(details)
    checked = documents.check_pdf(pdf, filename)
    agreement = Agreement(
        introduction=intro,
        title=clean.title,
        kind=clean.kind,
        other_parties=clean.other_parties,
        signing_order=clean.signing_order,
        status=Status.DRAFT,
        created_by_id=user.id,
    )

    def effect(now) -> str:
        session.add(agreement)
        agreement.created_at = now
        _add_document(session, agreement, checked, user, now)
        return f"created with version 1 ({checked.filename})"

    return apply(session, agreement, "create", Actor(user), None, effect)


def edit_agreement(
    session: Session, agreement_id: int, user: User, version: int, details: AgreementDetails
) -> Agreement:
    """Title, kind and parties (and the signing order, while a draft)."""
    agreement = get_agreement(session, agreement_id)

    def effect(_now) -> str:
        clean = _details(details)
        if clean.signing_order != agreement.signing_order and agreement.status is not Status.DRAFT:
            raise InvalidAgreement(
                "The signing order can change only before the agreement is sent.", "signing_order"
            )
        agreement.title, agreement.kind = clean.title, clean.kind
        agreement.other_parties, agreement.signing_order = clean.other_parties, clean.signing_order
        return "details edited"

    return apply(session, agreement, "edit", Actor(user), version, effect)


def add_signatory(
    session: Session, agreement_id: int, user: User, version: int, name: str, email: str,
    party: str,
) -> Agreement:  # fmt: skip
    agreement = get_agreement(session, agreement_id)

    def effect(_now) -> str:
        check_text({"name": name, "email": email, "party": party})
        clean_name, address = (name or "").strip(), (email or "").strip().lower()
        if not clean_name or len(clean_name) > 120:
            raise InvalidAgreement("Give the signatory's full name.", "name")
        if "@" not in address or len(address) > 254:
            raise InvalidAgreement("Give the signatory's email address.", "email")
        if any(s.email == address for s in agreement.signatories):
            raise InvalidAgreement("This person is a signatory already.", "email")
        if party not in party_choices(agreement):
            raise InvalidAgreement("Choose one of the agreement's parties.", "party")
        if len(agreement.signatories) >= MAX_SIGNATORIES:
            raise InvalidAgreement(f"An agreement has at most {MAX_SIGNATORIES} signatories.")
        position = max((s.position for s in agreement.signatories), default=0) + 1
        agreement.signatories.append(
            SignatoryRow(position=position, name=clean_name, email=address, party=party)
        )
        return f"signatory added: {clean_name} <{address}> for {party}"

    return apply(session, agreement, "add_signatory", Actor(user), version, effect)


def remove_signatory(
    session: Session, agreement_id: int, signatory_id: int, user: User, version: int
) -> Agreement:
    agreement = get_agreement(session, agreement_id)
    row = next((s for s in agreement.signatories if s.id == signatory_id), None)

    def effect(_now) -> str:
        if row is None:
            raise NotFound("This signatory does not exist.")
        agreement.signatories.remove(row)
        session.delete(row)
        return f"signatory removed: {row.name} <{row.email}>"

    return apply(session, agreement, "remove_signatory", Actor(user), version, effect)


def invite_turn(session: Session, agreement: Agreement, now, replaced: bool = False) -> None:
    """Invite whoever's turn it is: everyone waiting (parallel), or the next one (sequential)."""
    waiting = [s for s in agreement.signatories if s.status is SignatoryStatus.WAITING]
    if agreement.signing_order is SigningOrder.SEQUENTIAL:
        busy = any(s.status is SignatoryStatus.INVITED for s in agreement.signatories)
        waiting = [] if busy else waiting[:1]
    for row in waiting:
        _invite(session, agreement, row, now, replaced)


def _invite(session: Session, agreement: Agreement, row: SignatoryRow, now, replaced) -> None:
    row.status, row.invited_at, row.link_nonce = SignatoryStatus.INVITED, now, links.new_nonce()
    notices.invite(session, agreement, row, replaced)


def new_version(
    session: Session, agreement_id: int, user: User, version: int, pdf: bytes, filename: str
) -> Agreement:
    """A new PDF version: earlier signatures are void and, once sent, everyone is asked again."""
    agreement = get_agreement(session, agreement_id)

    def effect(now) -> str:
        checked = documents.check_pdf(pdf, filename)
        if checked.sha256 == agreement.document.sha256:
            raise InvalidAgreement("This file is the current version already.", "document")
        _add_document(session, agreement, checked, user, now)
        number = agreement.document.number
        if agreement.status is Status.DRAFT:
            return f"version {number} uploaded ({checked.filename})"
        for row in agreement.signatories:
            row.status, row.link_nonce = SignatoryStatus.WAITING, None
            row.decline_reason, row.declined_at = "", None
        agreement.status = Status.SIGNING
        invite_turn(session, agreement, now, replaced=True)
        return f"version {number} uploaded ({checked.filename}): earlier signatures void"

    return apply(session, agreement, "new_version", Actor(user), version, effect)


def send_for_signature(session: Session, agreement_id: int, user: User, version: int):
    agreement = get_agreement(session, agreement_id)

    def effect(now) -> str:
        if not agreement.signatories:
            raise InvalidAgreement("Name at least one signatory first.")
        invite_turn(session, agreement, now)
        return f"sent for signature ({agreement.signing_order.value})"

    return apply(session, agreement, "send", Actor(user), version, effect)


def remind_signatory(
    session: Session, agreement_id: int, signatory_id: int, user: User, version: int
) -> Agreement:
    """A fresh link for an invited signatory (the earlier one stops working)."""
    agreement = get_agreement(session, agreement_id)

    def effect(now) -> str:
        row = next((s for s in agreement.signatories if s.id == signatory_id), None)
        if row is None or row.status is not SignatoryStatus.INVITED:
            raise InvalidAgreement("Only a signatory who was invited and has not answered yet.")
        _invite(session, agreement, row, now, replaced=False)
        return f"new signing link sent to {row.name} <{row.email}>"

    return apply(session, agreement, "remind", Actor(user), version, effect)


def clean_reason(reason: str, required: bool) -> str:
    check_text({}, {"reason": reason})
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidAgreement("Give the reason.", "reason")
    if len(reason) > REASON_MAX:
        raise InvalidAgreement(f"Keep the reason under {REASON_MAX} characters.", "reason")
    return reason


def withdraw(session: Session, agreement_id: int, user: User, version: int, reason: str = ""):
    """Drop an agreement not yet signed (kept, with its history, as withdrawn)."""
    agreement = get_agreement(session, agreement_id)

    def effect(_now) -> str:
        why = clean_reason(reason, required=False)
        asked = [s.email for s in agreement.signatories if s.status is not SignatoryStatus.WAITING]
        for row in agreement.signatories:
            row.link_nonce = None
        text = "The office withdrew this agreement: it needs no signature any more."
        notices.notify(session, agreement, asked, f"Withdrawn: {agreement.title}", text)
        return why or "withdrawn"

    return apply(session, agreement, "withdraw", Actor(user), version, effect)


def terminate(session: Session, agreement_id: int, user: User, version: int, reason: str):
    """An admin marks a signed agreement terminated, with a reason."""
    agreement = get_agreement(session, agreement_id)

    def effect(_now) -> str:
        why = clean_reason(reason, required=True)
        recipients = [s.email for s in agreement.signatories]
        text = f"An administrator marked this signed agreement terminated.\n\nReason:\n{why}"
        notices.notify(session, agreement, recipients, f"Terminated: {agreement.title}", text)
        return why

    return apply(session, agreement, "terminate", Actor(user), version, effect)
