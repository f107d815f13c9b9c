"""Agreements of an introduction (MOU, letter of intent, pilot contract) and their electronic
signatures.

An Agreement has numbered PDF versions (AgreementDocument; the bytes live once per SHA-256 in
AgreementFile), named Signatories invited by single-use links, and a Signature per signatory and
version. A new version voids the signatures of the earlier ones: only signatures whose document is
the agreement's current one count. Every change is one transition (services/agreements/), each an
append-only AgreementEvent.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.orm.base import Base, str_enum, utcnow


class AgreementKind(enum.StrEnum):
    MOU = "mou"
    LETTER_OF_INTENT = "letter_of_intent"
    PILOT_CONTRACT = "pilot_contract"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "mou": "Memorandum of understanding",
            "letter_of_intent": "Letter of intent",
            "pilot_contract": "Pilot contract",
            "other": "Other agreement",
        }[self.value]


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"  # the office prepares it: document, signatories
    SIGNING = "signing"  # sent: the signatories are invited
    DECLINED = "declined"  # a signatory declined: a new version sends it again
    SIGNED = "signed"  # everyone signed the current version: locked
    TERMINATED = "terminated"  # an admin ended a signed agreement, with a reason
    WITHDRAWN = "withdrawn"  # the office dropped it before it was signed (its "delete")

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SigningOrder(enum.StrEnum):
    PARALLEL = "parallel"  # everyone is invited at once
    SEQUENTIAL = "sequential"  # the next signatory is invited when the previous one signed


class SignatoryStatus(enum.StrEnum):
    WAITING = "waiting"  # not invited yet (a draft, or a later turn in sequential order)
    INVITED = "invited"
    SIGNED = "signed"  # signed the current version
    DECLINED = "declined"


# Once signed, nothing about the agreement changes but an admin's termination.
LOCKED = frozenset({AgreementStatus.SIGNED, AgreementStatus.TERMINATED})


class Agreement(Base):
    __tablename__ = "agreement"
    __table_args__ = (Index("ix_agreement_introduction_status", "introduction_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introduction.id"))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AgreementKind] = mapped_column(str_enum(AgreementKind, 20))
    # The city/office and the company are parties by definition; anyone else is free text.
    other_parties: Mapped[str] = mapped_column(Text, default="")
    signing_order: Mapped[SigningOrder] = mapped_column(
        str_enum(SigningOrder, 12), default=SigningOrder.PARALLEL
    )
    status: Mapped[AgreementStatus] = mapped_column(
        str_enum(AgreementStatus, 12), default=AgreementStatus.DRAFT, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_at: Mapped[datetime | None]
    terminated_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    introduction: Mapped[Introduction] = relationship()  # noqa: F821
    created_by: Mapped[User | None] = relationship()  # noqa: F821
    documents: Mapped[list[AgreementDocument]] = relationship(
        back_populates="agreement", order_by="AgreementDocument.number"
    )
    signatories: Mapped[list[Signatory]] = relationship(
        back_populates="agreement", order_by="Signatory.position"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def document(self) -> AgreementDocument | None:
        """The current version: the only one whose signatures count."""
        return self.documents[-1] if self.documents else None

    @property
    def locked(self) -> bool:
        return self.status in LOCKED


class AgreementFile(Base):
    """A PDF's bytes, stored once and addressed by their SHA-256 (hex)."""

    __tablename__ = "agreement_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AgreementDocument(Base):
    """Version `number` of an agreement's PDF."""

    __tablename__ = "agreement_document"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"))
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(ForeignKey("agreement_file.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, for display only
    size: Mapped[int]
    pages: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="documents")
    uploaded_by: Mapped[User | None] = relationship()  # noqa: F821


class Signatory(Base):
    """A named person asked to sign, on the office's side, the company's or another party's."""

    __tablename__ = "signatory"
    __table_args__ = (UniqueConstraint("agreement_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    position: Mapped[int]  # the order of a sequential signing
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    party: Mapped[str] = mapped_column(String(200))  # whom they sign for
    status: Mapped[SignatoryStatus] = mapped_column(
        str_enum(SignatoryStatus, 10), default=SignatoryStatus.WAITING
    )
    invited_at: Mapped[datetime | None]
    # Part of the emailed link: a new one on every invitation, cleared once the link is used.
    link_nonce: Mapped[str | None] = mapped_column(String(32))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    declined_at: Mapped[datetime | None]

    agreement: Mapped[Agreement] = relationship(back_populates="signatories")


class Signature(Base):
    """One signature: who typed which name, when, from where, over which fingerprint."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("signatory_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signatory_id: Mapped[int] = mapped_column(ForeignKey("signatory.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("agreement_document.id"), index=True)
    typed_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))  # the fingerprint the signatory saw

    signatory: Mapped[Signatory] = relationship()
    document: Mapped[AgreementDocument] = relationship()


class AgreementEvent(Base):
    """One transition of an agreement, or a signature: never updated, never deleted."""

    __tablename__ = "agreement_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # A signatory has no account: "Name <email>"; staff and admins: their user.
    actor_label: Mapped[str] = mapped_column(String(400), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(20), index=True)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    sha256: Mapped[str] = mapped_column(String(64), default="")  # the current document's
    reason: Mapped[str] = mapped_column(Text, default="")

    agreement: Mapped[Agreement] = relationship()
    actor: Mapped[User | None] = relationship()  # noqa: F821
