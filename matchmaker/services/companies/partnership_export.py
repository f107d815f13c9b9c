"""The partnership part of a company's data export: its introductions (with the events and
messages the company sees on its pages), its "no more introductions" blocks, the engagements
(without the office's internal notes, hours or rating) and the agreements it may see (title,
status, fingerprint, and the signature events of its own signatories)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from matchmaker.orm import (
    Agreement,
    Engagement,
    Introduction,
    IntroductionBlock,
    IntroductionEvent,
    IntroductionMessage,
    Signatory,
    Signature,
    User,
)
from matchmaker.services.agreements.queries import HIDDEN_FROM_COMPANY
from matchmaker.services.introductions.people import priority_for_company


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _who(actor: User | None, intro: Introduction, company_id: int) -> str:
    """As the company's page names the actor: the office's people only once both said yes."""
    if actor is None:
        return "Matchmaker"
    if intro.connected or actor.company_id == company_id:
        return actor.name or actor.email
    return intro.office.name


def _introduction(intro: Introduction, company_id: int) -> dict:
    title, description = priority_for_company(intro.priority)
    return {
        "id": intro.id,
        "office": intro.office.name,
        "priority": title,
        "priority_description": description,
        "note": intro.note,
        "stage": intro.stage.value,
        "stage_label": intro.stage.label,
        "decline_reason": intro.decline_reason,
        "close_reason": intro.close_reason,
        "requested_at": _iso(intro.requested_at),
        "answered_at": _iso(intro.answered_at),
        "events": [
            {
                "at": _iso(e.at),
                "by": _who(e.actor, intro, company_id),
                "from_stage": e.from_stage,
                "to_stage": e.to_stage,
                "reason": e.reason,
            }
            for e in intro.events
        ],
        "messages": [
            {
                "at": _iso(m.at),
                "side": m.side,
                "by": (m.author.name or m.author.email) if m.author else m.side,
                "body": m.body,
            }
            for m in intro.messages
        ],
    }


def _engagement(e: Engagement) -> dict:
    return {
        "id": e.id,
        "introduction_id": e.introduction_id,
        "kind": e.kind.value,
        "mode": e.mode.value,
        "status": e.status.value,
        "starts_at_utc": _iso(e.starts_at),
        "time_zone": e.time_zone,
        "duration_minutes": e.duration_minutes,
        "location": e.location,
        "meeting_link": e.meeting_link,
        "agenda": e.agenda,
        "next_steps": e.next_steps,
        "company_rating": e.company_rating,
    }


def _own(signatory: Signatory, company_name: str, emails: set[str]) -> bool:
    return signatory.party == company_name or signatory.email.lower() in emails


def _signatory(s: Signatory, signatures: list[Signature]) -> dict:
    return {
        "name": s.name,
        "email": s.email,
        "party": s.party,
        "status": s.status.value,
        "invited_at": _iso(s.invited_at),
        "declined_at": _iso(s.declined_at),
        "decline_reason": s.decline_reason,
        "signatures": [
            {
                "typed_name": sig.typed_name,
                "email": sig.email,
                "signed_at_utc": _iso(sig.signed_at),
                "ip_address": sig.ip_address,
                "user_agent": sig.user_agent,
                "document_sha256": sig.sha256,
            }
            for sig in signatures
            if sig.signatory_id == s.id
        ],
    }


def _agreements(session: Session, ids: list[int], company_name: str, emails: set[str]) -> list:
    rows = session.scalars(
        select(Agreement)
        .where(Agreement.introduction_id.in_(ids), Agreement.status.not_in(HIDDEN_FROM_COMPANY))
        .options(selectinload(Agreement.documents), selectinload(Agreement.signatories))
        .order_by(Agreement.id)
    ).all()
    own = [s for a in rows for s in a.signatories if _own(s, company_name, emails)]
    signatures = session.scalars(
        select(Signature)
        .where(Signature.signatory_id.in_([s.id for s in own]))
        .order_by(Signature.id)
    ).all()
    return [
        {
            "id": a.id,
            "introduction_id": a.introduction_id,
            "title": a.title,
            "kind": a.kind.value,
            "status": a.status.value,
            "document_sha256": a.document.sha256 if a.document else None,
            "signed_at": _iso(a.signed_at),
            "own_signatories": [
                _signatory(s, list(signatures))
                for s in a.signatories
                if _own(s, company_name, emails)
            ],
        }
        for a in rows
    ]


def export_partnerships(session: Session, company_id: int, company_name: str) -> dict:
    """The company's introductions, blocks, engagements and agreements, as JSON-ready data."""
    intros = session.scalars(
        select(Introduction)
        .where(Introduction.company_id == company_id)
        .options(
            joinedload(Introduction.office),
            joinedload(Introduction.priority),
            selectinload(Introduction.events).joinedload(IntroductionEvent.actor),
            selectinload(Introduction.messages).joinedload(IntroductionMessage.author),
        )
        .order_by(Introduction.id)
    ).all()
    ids = [i.id for i in intros]
    engagements = session.scalars(
        select(Engagement)
        .where(Engagement.introduction_id.in_(ids))
        .order_by(Engagement.starts_at, Engagement.id)
    ).all()
    blocks = session.scalars(
        select(IntroductionBlock)
        .where(IntroductionBlock.company_id == company_id)
        .options(joinedload(IntroductionBlock.office))
        .order_by(IntroductionBlock.id)
    ).all()
    emails = set(session.scalars(select(User.email).where(User.company_id == company_id)).all())
    return {
        "introductions": [_introduction(i, company_id) for i in intros],
        "introduction_blocks": [{"office": b.office.name, "at": _iso(b.at)} for b in blocks],
        "engagements": [_engagement(e) for e in engagements],
        "agreements": _agreements(session, ids, company_name, {e.lower() for e in emails}),
    }
