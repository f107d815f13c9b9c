"""The company CSV format: columns, reading an upload, the template, formula-safe export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matchmaker.csv_cells import safe_cell, unescape_cell
from matchmaker.orm import Company, CompanyStatus, ProfileStatus
from matchmaker.services.errors import DomainError
from matchmaker.vocab import MAX_COMPANY_SECTORS, PARTNERSHIP_TYPES

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
LIST_SEPARATOR = "|"

# name: (required, meaning) -- the README documents the same table.
COLUMNS: dict[str, tuple[bool, str]] = {
    "external_id": (
        False,
        "your stable id for the company (up to 100 characters); re-imports "
        "match on it, else on the website domain",
    ),
    "name": (True, "company name, up to 200 characters"),
    "website": (True, "http:// or https:// address, up to 300 characters"),
    "hq_country": (True, "headquarters country: ISO 3166 code (DE, DEU) or English name"),
    "size": (True, "startup, sme or large"),
    "naics_sectors": (
        True,
        f"1 to {MAX_COMPANY_SECTORS} NAICS 2022 codes (2 to 6 digits) separated by |",
    ),
    "description": (False, "up to 5,000 characters"),
    "contact_name": (False, "up to 120 characters"),
    "contact_email": (False, "an email address"),
    "partnership_types": (
        False,
        f"separated by |: {', '.join(PARTNERSHIP_TYPES)}; creates an interest profile",
    ),
    "states": (False, "US state codes separated by |, or any (the default)"),
    "interests": (False, "what the company looks for in a city, up to 5,000 characters"),
}
REQUIRED = [name for name, (required, _) in COLUMNS.items() if required]
EXTRA_CELLS = "__extra__"


class CsvFileError(DomainError):
    """The file as a whole cannot be read: encoding, delimiter, header, size or row count."""

    field = "file"


@dataclass
class CsvRow:
    number: int  # the spreadsheet row number: the header is row 1
    values: dict[str, str]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            "The file is not UTF-8 text. In your spreadsheet, save as “CSV UTF-8 (comma "
            "delimited)” and upload it again."
        ) from exc


def read_csv(data: bytes) -> list[CsvRow]:
    """The data rows of an upload, or CsvFileError saying plainly what is wrong with the file."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    text = _decode(data)
    if "\x00" in text:
        # Spreadsheets never write NUL into a CSV (it means a binary file or UTF-16), and
        # PostgreSQL cannot store it: say so before anything reaches the database.
        raise CsvFileError(
            "The file contains NUL characters (code 0), so it is not a plain CSV text file. Save "
            "it as “CSV UTF-8 (comma delimited)” and upload it again."
        )
    if not text.strip():
        raise CsvFileError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            sep = "semicolons" if ";" in header[0] else "tabs"
            raise CsvFileError(
                f"The columns are separated by {sep}. Use commas: save as “CSV UTF-8 (comma "
                "delimited)”, or change the list separator to a comma."
            )
        _check_header(header)
        rows: list[CsvRow] = []
        for index, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # blank lines at the end of spreadsheets
            if len(rows) >= MAX_ROWS:
                raise CsvFileError(f"The file has more than {MAX_ROWS:,} rows; split it.")
            padded = cells + [""] * (len(header) - len(cells))
            values = {h: unescape_cell(c.strip()) for h, c in zip(header, padded, strict=False)}
            if any(c.strip() for c in cells[len(header) :]):
                values[EXTRA_CELLS] = "1"  # the row check reports it
            rows.append(CsvRow(index, values))
    except csv.Error as exc:
        raise CsvFileError(
            f"The file is not valid CSV near line {reader.line_num}: {exc}."
        ) from exc
    return rows


def _check_header(header: list[str]) -> None:
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise CsvFileError(
            "Unknown column(s): " + ", ".join(unknown[:5]) + ". Use the columns of the template."
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CsvFileError("Missing required column(s): " + ", ".join(missing) + ".")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise CsvFileError("Repeated column(s): " + ", ".join(repeated) + ".")


CONTACT_COLUMNS = ("contact_name", "contact_email")


def _write(rows, columns=tuple(COLUMNS)) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c, "")) for c in columns])
    return out.getvalue()


def template_csv() -> str:
    """The header and one example row."""
    return _write(
        [
            {
                "external_id": "crm-0042",
                "name": "Example Mobility GmbH",
                "website": "https://example-mobility.example",
                "hq_country": "DE",
                "size": "sme",
                "naics_sectors": "3361|5415",
                "description": "Electric shuttle software and fleets.",
                "contact_name": "Ada Example",
                "contact_email": "partnerships@example-mobility.example",
                "partnership_types": "pilot_project|investment",
                "states": "MA|NY",
                "interests": "A pilot route for autonomous shuttles in a downtown district.",
            }
        ]
    )


def export_row(company: Company) -> dict:
    """A company as a CSV row of the import format (its first active interest profile)."""
    profile = next((p for p in company.profiles if p.status == ProfileStatus.ACTIVE), None)
    row = {
        "external_id": company.external_id or "",
        "name": company.name,
        "website": company.website,
        "hq_country": company.hq_country,
        "size": company.size,
        "naics_sectors": LIST_SEPARATOR.join(company.naics_sectors),
        "description": company.description,
        "contact_name": company.contact_name,
        "contact_email": company.contact_email,
    }
    if profile is not None:
        row["partnership_types"] = LIST_SEPARATOR.join(profile.partnership_types)
        row["states"] = LIST_SEPARATOR.join(profile.states)
        row["interests"] = profile.interests
    return row


def export_companies(
    session: Session, statuses: tuple[CompanyStatus, ...], include_contacts: bool = False
) -> str:
    """Companies in the given statuses as CSV text, in the import format, safe for spreadsheets.

    The contact columns (personal data, often a member's login) are for admins only; without
    them the file still imports, and an import leaves contacts it has no column for unchanged."""
    companies = session.scalars(
        select(Company)
        .where(Company.status.in_(statuses))
        .options(selectinload(Company.profiles))
        .order_by(Company.name, Company.id)
    )
    columns = [c for c in COLUMNS if include_contacts or c not in CONTACT_COLUMNS]
    return _write((export_row(c) for c in companies), columns)
