"""Agreement PDFs: checked by their content (never by name or declared type), fingerprinted with
SHA-256, and stored once per fingerprint."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import Agreement, AgreementFile, Signature
from matchmaker.services.errors import DomainError
from matchmaker.text import one_line

MAX_BYTES = 10 * 1024 * 1024
# The PDF standard lets the header start within the first 1,024 bytes; we ask for it first,
# which every PDF writer does, so the check cannot be fooled by a prefix of other content.
MAGIC = b"%PDF-"
_HEX = re.compile(r"[0-9a-f]{64}")


class InvalidDocument(DomainError):
    """The upload is not a PDF, is empty, or is larger than MAX_BYTES."""


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    sha256: str
    size: int
    pages: int
    filename: str


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_size(content: bytes, field: str = "document") -> None:
    if not content:
        raise InvalidDocument("The file is empty: choose the agreement's PDF.", field)
    if len(content) > MAX_BYTES:
        raise InvalidDocument(
            f"The file is {len(content) / 1048576:.1f} MB: the limit is 10 MB.", field
        )


def check_pdf(content: bytes, filename: str, field: str = "document") -> CheckedPdf:
    """The upload if it is a PDF of at most 10 MB that a PDF library can open; InvalidDocument
    otherwise, whatever its name or declared type says."""
    check_size(content, field)
    if not content.startswith(MAGIC):
        raise InvalidDocument("This file is not a PDF (it does not start as one).", field)
    try:
        with warnings.catch_warnings():  # a lenient parse: warnings about odd files are fine
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                raise InvalidDocument("Upload the PDF without a password.", field)
            pages = len(reader.pages)
    except InvalidDocument:
        raise
    # pypdf raises its own errors on most damage, but also ValueError, KeyError and the like
    # on some malformed structures; any of them means "not a PDF we can show".
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise InvalidDocument("This file is not a readable PDF.", field) from exc
    if pages < 1:
        raise InvalidDocument("This PDF has no pages.", field)
    name = one_line(filename)[:200] or "agreement.pdf"
    return CheckedPdf(content, sha256_of(content), len(content), pages, name)


def store(session: Session, pdf: CheckedPdf) -> None:
    """Keep the bytes once per fingerprint (two agreements may share a file)."""
    if session.get(AgreementFile, pdf.sha256) is None:
        session.add(AgreementFile(sha256=pdf.sha256, size=pdf.size, content=pdf.content))


def content_of(session: Session, sha256: str) -> bytes:
    return session.get(AgreementFile, sha256).content


def normalise_fingerprint(text: str) -> str | None:
    """A typed or pasted SHA-256 (any case, spaces or colons between the digits), or None."""
    value = re.sub(r"[\s:]", "", text or "").lower()
    return value if _HEX.fullmatch(value) else None


def current_signatures(session: Session, agreement: Agreement) -> dict[int, Signature]:
    """Signatory id -> their signature over the current version (earlier ones are void)."""
    document = agreement.document
    if document is None:
        return {}
    rows = session.scalars(select(Signature).where(Signature.document_id == document.id))
    return {s.signatory_id: s for s in rows}
