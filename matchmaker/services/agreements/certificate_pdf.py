"""The signing certificate as a generated PDF: the agreement, its document's SHA-256 fingerprint
and every signature event (name, email, UTC time, address). Built with reportlab in a font that
covers non-Latin names (DejaVu Sans when the system has it, else reportlab's bundled Vera, else
Helvetica), so any name a signatory typed prints instead of crashing the build."""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from matchmaker.orm import Agreement
from matchmaker.services.agreements.documents import current_signatures

log = logging.getLogger(__name__)

FONT_CANDIDATES = (
    ("MMDejaVu", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")),
    ("MMVera", Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
)


@cache
def font_name() -> str:
    """The first TrueType font that loads, registered once; Helvetica as the last resort."""
    for name, path in FONT_CANDIDATES:
        if not path.is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception:  # noqa: BLE001 - a broken font file: try the next one
            log.warning("certificate PDF: cannot load the font %s", path)
            continue
        return name
    return "Helvetica"


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=22, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=15, spaceBefore=10)
    return body, title, heading


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _utc(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


def certificate_filename(agreement: Agreement) -> str:
    return f"signing-certificate-{agreement.id}.pdf"


def build_certificate_pdf(session: Session, agreement: Agreement) -> bytes:
    """The certificate of a fully signed agreement, as PDF bytes."""
    body, title, heading = _styles()
    intro = agreement.introduction
    document = agreement.document
    signatures = current_signatures(session, agreement)
    parties = [intro.office.name, intro.company.name, *agreement.other_parties.splitlines()]
    facts = [
        ("Agreement", f"{agreement.title} ({agreement.kind.label})"),
        ("Parties", " · ".join(p for p in parties if p.strip())),
        ("Document", f"{document.filename}, version {document.number}, {document.size} bytes"),
        ("SHA-256 fingerprint", document.sha256),
        ("Completed", _utc(agreement.signed_at)),
        ("Status", agreement.status.label),
    ]
    story = [
        _p("Signing certificate", title),
        _p(
            "Issued by Matchmaker: every signature below was given on the document whose "
            "SHA-256 fingerprint is shown. Check a copy of the file at /verify.",
            body,
        ),
        Spacer(1, 4 * mm),
        _table([[_p(k, body), _p(v, body)] for k, v in facts], [40 * mm, 130 * mm]),
        _p("Signatures", heading),
    ]
    rows = [[_p(h, body) for h in ("Signatory", "Signs for", "Typed name", "Signed", "Address")]]
    for signatory in agreement.signatories:
        sig = signatures.get(signatory.id)
        rows.append(
            [
                _p(f"{signatory.name}\n{signatory.email}", body),
                _p(signatory.party, body),
                _p(sig.typed_name if sig else "—", body),
                _p(_utc(sig.signed_at) if sig else "not signed", body),
                _p(sig.ip_address if sig else "—", body),
            ]
        )
    story.append(_table(rows, [48 * mm, 34 * mm, 34 * mm, 30 * mm, 24 * mm], header=True))
    story.append(_p("Fingerprint each signatory saw", heading))
    for signatory in agreement.signatories:
        if sig := signatures.get(signatory.id):
            story.append(_p(f"{signatory.name}: {sig.sha256}", body))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"Signing certificate: {agreement.title}",
        author="Matchmaker",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    ).build(story)
    return out.getvalue()


def _table(rows: list, widths: list, header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")))
    table.setStyle(TableStyle(style))
    return table
