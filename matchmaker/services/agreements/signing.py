"""A signatory's side: open the emailed link, review the document, sign (typed full name, consent,
the fingerprint they saw) or decline with a reason. No account: the link is the credential, so
every refusal (expired, used, replaced, voided version, changed document) is checked here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from matchmaker.orm import Agreement, Signatory, SignatoryStatus, Signature
from matchmaker.services.agreements import drafting, notices
from matchmaker.services.agreements.links import read_signing_token
from matchmaker.services.agreements.transitions import (
    RULES,
    Actor,
    AgreementChanged,
    Status,
    apply,
    refusal,
)
from matchmaker.services.errors import DomainError
from matchmaker.services.introductions import milestones
from matchmaker.text import check_text, one_line
from matchmaker.tokens import InvalidToken

NAME_MAX = 120


class InvalidSigningLink(DomainError):
    """The link is forged, expired, used, replaced, or for a version that was replaced."""


class InvalidSignature(DomainError):
    """The typed name, the consent or the fingerprint is missing or wrong."""


@dataclass(frozen=True)
class Client:
    """Where the signature came from, as the request showed it."""

    ip_address: str
    user_agent: str


def open_link(session: Session, token: str) -> Signatory:
    """The signatory whose current, unused link this is; InvalidSigningLink otherwise."""
    try:
        signatory_id, nonce, number = read_signing_token(token)
    except InvalidToken as exc:
        expired = "expired" in str(exc)
        raise InvalidSigningLink(
            "This signing link has expired: ask the office for a new one."
            if expired
            else "This signing link is not valid."
        ) from exc
    signatory = session.get(Signatory, signatory_id)
    if signatory is None:
        raise InvalidSigningLink("This signing link is not valid.")
    if signatory.status is SignatoryStatus.SIGNED:  # of the current version: a new one resets it
        raise InvalidSigningLink("You signed this document already: this link was used.")
    agreement = signatory.agreement
    if agreement.status is not Status.SIGNING:
        raise refusal(agreement, RULES["sign"])
    current = agreement.document.number
    if number != current:
        raise InvalidSigningLink(
            f"This link is for version {number} of the document, which version {current} "
            f"replaced: signatures on version {number} are void. Use the newest link emailed "
            "to you."
        )
    if signatory.link_nonce is None or signatory.link_nonce != nonce:
        raise InvalidSigningLink("This signing link was already used or replaced by a newer one.")
    return signatory


def _clean_client(client: Client) -> Client:
    return Client(one_line(client.ip_address)[:45], one_line(client.user_agent)[:400])


def sign(
    session: Session, token: str, typed_name: str, consent: bool, seen_sha256: str,
    client: Client,
) -> Agreement:  # fmt: skip
    """Record one signature over the current version; the last one locks the agreement and sends
    the certificate. Another signatory signing at the same moment: tried once more."""
    for attempt in (1, 2):
        try:
            return _sign_once(session, token, typed_name, consent, seen_sha256, client)
        except AgreementChanged:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _sign_once(session, token, typed_name, consent, seen_sha256, client) -> Agreement:
    signatory = open_link(session, token)
    agreement = signatory.agreement
    document = agreement.document

    def effect(now: datetime) -> str:
        check_text({"name": typed_name})
        name = (typed_name or "").strip()
        if not name or len(name) > NAME_MAX:
            raise InvalidSignature("Type your full name to sign.", "name")
        if not consent:
            raise InvalidSignature("Tick the box to agree to sign electronically.", "consent")
        if seen_sha256 != document.sha256:
            raise InvalidSignature(
                "The document changed since you opened it (its fingerprint no longer matches): "
                "review the current version before signing."
            )
        where = _clean_client(client)
        session.add(
            Signature(
                signatory=signatory,
                document=document,
                typed_name=name,
                email=signatory.email,
                signed_at=now,
                ip_address=where.ip_address,
                user_agent=where.user_agent,
                sha256=seen_sha256,
            )
        )
        signatory.status, signatory.link_nonce = SignatoryStatus.SIGNED, None
        if all(s.status is SignatoryStatus.SIGNED for s in agreement.signatories):
            agreement.status, agreement.signed_at = Status.SIGNED, now
            milestones.agreement_signed(session, agreement.introduction, agreement, now)
            notices.signed(session, agreement)
            return f"signed as “{name}”: everyone signed, the agreement is locked"
        drafting.invite_turn(session, agreement, now)
        return f"signed as “{name}”"

    return apply(session, agreement, "sign", Actor(signatory=signatory), None, effect)


def decline(session: Session, token: str, reason: str) -> Agreement:
    """The signatory declines (reason optional): the office is told; a new version asks again."""
    signatory = open_link(session, token)
    agreement = signatory.agreement

    def effect(now: datetime) -> str:
        why = drafting.clean_reason(reason, required=False)
        signatory.status, signatory.link_nonce = SignatoryStatus.DECLINED, None
        signatory.decline_reason, signatory.declined_at = why, now
        for other in agreement.signatories:
            other.link_nonce = None  # nothing to sign until a new version
        notices.declined(session, agreement, signatory)
        return f"declined to sign{': ' + why if why else ''}"

    return apply(session, agreement, "decline", Actor(signatory=signatory), None, effect)
