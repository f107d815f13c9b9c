"""The briefing as a PDF (reportlab): the same sections as the HTML page, as tables.

Text is set in DejaVu Sans when the system has it (wide Unicode coverage: names in Greek,
Cyrillic ...), else in reportlab's bundled Vera; all user text is escaped for reportlab's markup."""

from __future__ import annotations

import io
import os
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from matchmaker.services.briefing.report import KINDS, MODES, Briefing, amount, money

DEJAVU = "/usr/share/fonts/truetype/dejavu"
VERA = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
FONT, BOLD = "BriefingSans", "BriefingSans-Bold"


def _fonts() -> tuple[str, str]:
    """Register the text fonts once per process (reportlab keeps a registry by name)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        regular, bold = f"{DEJAVU}/DejaVuSans.ttf", f"{DEJAVU}/DejaVuSans-Bold.ttf"
        if not (os.path.exists(regular) and os.path.exists(bold)):
            regular, bold = f"{VERA}/Vera.ttf", f"{VERA}/VeraBd.ttf"
        pdfmetrics.registerFont(TTFont(FONT, regular))
        pdfmetrics.registerFont(TTFont(BOLD, bold))
    return FONT, BOLD


def _styles() -> dict[str, ParagraphStyle]:
    font, bold = _fonts()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=17, leading=21),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12.5, spaceBefore=10),
        "body": body,
        "muted": ParagraphStyle("muted", parent=body, textColor=colors.HexColor("#555555")),
        "head": ParagraphStyle("head", parent=body, fontName=bold, fontSize=8.5, leading=10.5),
    }


CHUNK = 24  # rows per table (even: an agreement is two rows); reportlab re-measures a whole
# table at each page split, so long lists are cut into tables of CHUNK rows
SIZE, LEADING, PAD = 8.5, 10.5, 4


def _fit(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    """The text broken into lines that fit the column: plain table cells are drawn much faster
    than paragraphs, which matters for a city with hundreds of partnerships."""
    lines: list[str] = []
    for part in text.split("\n"):
        lines += simpleSplit(part, font, size, width - 2 * PAD) or [""]
    return "\n".join(lines)


def _tables(header: list[str], rows: list[list[str]], widths: list[float], hashes=False):
    """The rows as tables of CHUNK rows with the header; `hashes`: every second row is a
    fingerprint spanning the table, in a fixed-width font."""
    _fonts()
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), SIZE),
        ("LEADING", (0, 0), (-1, -1), LEADING),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]
    header = [_fit(h, w, BOLD) for h, w in zip(header, widths, strict=True)]
    tables = []
    for first in range(0, max(len(rows), 1), CHUNK):
        chunk = rows[first : first + CHUNK]
        body = [[_fit(c, w) for c, w in zip(r, widths, strict=True)] for r in chunk]
        extra = []
        for i in range(1, len(body) + 1):
            if hashes and i % 2 == 0:
                extra += [
                    ("SPAN", (0, i), (-1, i)),
                    ("FONTNAME", (0, i), (-1, i), "Courier"),
                    ("FONTSIZE", (0, i), (-1, i), 7.5),
                    ("TOPPADDING", (0, i), (-1, i), 0),
                ]
                body[i - 1] = [chunk[i - 1][0], *([""] * (len(widths) - 1))]
            if not hashes or i % 2 == 0:
                extra.append(("LINEBELOW", (0, i), (-1, i), 0.25, colors.HexColor("#bbbbbb")))
        table = Table([header, *body], colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(style + extra))
        tables.append(table)
    return tables


class _Builder:
    def __init__(self, briefing: Briefing):
        self.b, self.s, self.flow = briefing, _styles(), []
        self.width = A4[0] - 36 * mm

    def p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text), self.s[style])

    def heading(self, text: str) -> None:
        self.flow.append(self.p(text, "h2"))

    def empty(self, text: str) -> None:
        self.flow.append(self.p(text, "muted"))

    def agreements(self) -> None:
        self.heading(f"Signed agreements ({len(self.b.agreements)})")
        if not self.b.agreements:
            return self.empty("No agreement was signed in this period.")
        rows = []
        for a in self.b.agreements:
            state = "" if a.status == "Signed" else f", {a.status.lower()}"
            rows.append([f"{a.signed_on:%Y-%m-%d}", f"{a.title}\n{a.kind}{state}",
                         "; ".join(a.parties)])  # fmt: skip
            rows.append([f"SHA-256 fingerprint: {a.fingerprint}", "", ""])
        w = self.width
        header = ["Signed", "Agreement", "Parties"]
        self.flow += _tables(header, rows, [0.14 * w, 0.43 * w, 0.43 * w], hashes=True)

    def partnerships(self) -> None:
        self.heading(f"Active partnerships ({len(self.b.partnerships)})")
        if not self.b.partnerships:
            return self.empty("No partnership was active in this period.")
        rows = []
        for p in self.b.partnerships:
            since = f"active since {p.activated_on:%Y-%m-%d}" if p.activated_on else "active"
            if p.ended_on:
                since += f", ended {p.ended_on:%Y-%m-%d}"
            jobs = f"\n{p.jobs_expected:,} jobs" if p.jobs_expected is not None else ""
            done = f"\n{p.jobs_actual:,} jobs" if p.jobs_actual is not None else ""
            reported = f"{p.follow_up}:\n{money(p.actual)}{done}" if p.follow_up else "not yet"
            rows.append(
                [
                    f"{p.company} ({p.country})\n{p.office}, {since}",
                    ", ".join(p.outcomes) or "—",
                    money(p.expected) + jobs,
                    reported,
                ]
            )
        w = self.width
        header = ["Partner", "Outcomes", "Expected", "Reported at follow-up"]
        self.flow += _tables(header, rows, [0.34 * w, 0.22 * w, 0.22 * w, 0.22 * w])
        if self.b.totals:
            self.flow.append(Spacer(1, 4 * mm))
            totals = [[lbl, amount(e), amount(r)] for lbl, e, r in self.b.totals]
            self.flow += _tables(
                ["In total", "Expected", "Reported"], totals, [0.4 * w, 0.3 * w, 0.3 * w]
            )

    def companies(self) -> None:
        self.heading(f"Companies engaged ({self.b.companies})")
        if not self.b.companies:
            return self.empty("No company was met in this period.")
        w = self.width
        for title, counts in (("Sector (NAICS)", self.b.sectors), ("Country", self.b.countries)):
            rows = [[c.label, str(c.count)] for c in counts]
            self.flow += _tables([title, "Companies"], rows, [0.75 * w, 0.25 * w])
            self.flow.append(Spacer(1, 3 * mm))

    def mix(self) -> None:
        mix = self.b.mix
        self.heading(f"Engagement mix ({mix.total} took place)")
        if not mix.total:
            return self.empty("No engagement took place in this period.")
        header = ["Mode", *(label for _k, label in KINDS), "Total"]
        rows = [[label, *map(str, mix.row(m)), str(mix.mode_total(m))] for m, label in MODES]
        rows.append(["Total", *(str(mix.kind_total(k)) for k, _l in KINDS), str(mix.total)])
        first, columns = 0.2 * self.width, len(KINDS) + 1
        self.flow += _tables(header, rows, [first] + [(self.width - first) / columns] * columns)

    def featured(self) -> None:
        self.heading(f"Featured by the offices ({len(self.b.featured)})")
        if not self.b.featured:
            return self.empty("No item was featured for this period.")
        for f in self.b.featured:
            self.flow.append(self.p(f"{f.company} · {f.office} · {f.stage}", "head"))
            self.flow += [self.p(f.summary), Spacer(1, 2 * mm)]

    def build(self) -> list:
        b = self.b
        self.flow += [
            self.p(f"{b.city}: briefing", "title"),
            self.p(f"{b.period}. Generated {b.generated_at:%Y-%m-%d %H:%M} UTC.", "muted"),
        ]
        for section in (self.agreements, self.partnerships, self.companies, self.mix):
            section()
        self.featured()
        return self.flow


def render_pdf(briefing: Briefing) -> bytes:
    """The briefing as the bytes of an A4 PDF."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=briefing.title,
        author="Matchmaker",
    )
    doc.build(_Builder(briefing).build())
    return out.getvalue()
