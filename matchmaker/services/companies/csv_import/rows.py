"""Checking one CSV row of the company import: required fields, lengths, formats, code lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from matchmaker import countries, naics, text, vocab
from matchmaker.services.companies.csv_import.columns import EXTRA_CELLS

MAX_SECTORS = vocab.MAX_COMPANY_SECTORS  # the name the company forms import
LENGTHS = {
    "external_id": 100,
    "name": 200,
    "website": 300,
    "description": 5000,
    "contact_name": 120,
    "contact_email": 254,
    "interests": 5000,
}
MULTI_LINE = {"description", "interests"}  # every other column is a single line
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")


@dataclass
class RowData:
    external_id: str | None
    domain: str
    company: dict
    profile: dict | None


def is_website(url: str) -> bool:
    """An http(s) address with a host name that has a top-level domain."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and bool(_HOST.match(host)) and " " not in url.strip()


def is_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[|,;]", value or "") if p.strip()]


def profile_title(types: list[str], states: list[str]) -> str:
    """A readable title for an imported interest profile."""
    what = ", ".join(vocab.partnership_label(t).lower() for t in types).capitalize()
    where = "any US state" if states == ["any"] else ", ".join(states)
    return f"{what} in {where}"[:200]


def check_row(values: dict[str, str]) -> tuple[RowData | None, list[str]]:
    """The row's data ready to save, and every error found in it (in column order)."""
    from matchmaker.services.companies.registration import website_domain

    errors: list[str] = []
    if values.get(EXTRA_CELLS):
        errors.append("More cells than columns (a comma inside an unquoted cell?).")
    for column in ("name", "website", "hq_country", "size", "naics_sectors"):
        if not values.get(column):
            errors.append(f"{column}: required.")
    for column, value in values.items():
        if column != EXTRA_CELLS and text.problem(value, multiline=column in MULTI_LINE):
            kind = "tabs and line breaks only" if column in MULTI_LINE else "one line of text"
            errors.append(f"{column}: control characters are not allowed ({kind}).")
    for column, limit in LENGTHS.items():
        if len(values.get(column) or "") > limit:
            errors.append(f"{column}: longer than {limit:,} characters.")
    website = values.get("website", "")
    if website and not is_website(website):
        errors.append(f"website: “{website[:80]}” is not an http:// or https:// address.")
    country = countries.normalise(values.get("hq_country", ""))
    if values.get("hq_country") and country is None:
        errors.append(f"hq_country: unknown country “{values['hq_country'][:40]}”.")
    size = (values.get("size") or "").lower()
    if size and size not in vocab.COMPANY_SIZES:
        errors.append("size: use startup, sme or large.")
    sectors = naics.parse_list(values.get("naics_sectors", ""))
    if unknown := naics.unknown(sectors):
        errors.append("naics_sectors: unknown NAICS 2022 code(s) " + ", ".join(unknown[:5]) + ".")
    if len(sectors) > MAX_SECTORS:
        errors.append(f"naics_sectors: at most {MAX_SECTORS} codes.")
    email = values.get("contact_email", "")
    if email and not is_email(email):
        errors.append(f"contact_email: “{email[:80]}” is not an email address.")
    types = _list(values.get("partnership_types", ""))
    if bad := [t for t in types if t not in vocab.PARTNERSHIP_TYPES]:
        errors.append("partnership_types: unknown " + ", ".join(bad[:5]) + ".")
    states = [s.upper() for s in _list(values.get("states", ""))]
    if states in ([], ["ANY"]):
        states = ["any"]
    elif bad := [s for s in states if s not in vocab.US_STATES]:
        errors.append("states: unknown " + ", ".join(bad[:5]) + " (use state codes or any).")
    if (values.get("states") or values.get("interests")) and not types:
        errors.append("partnership_types: required when states or interests are given.")
    if errors:
        return None, errors
    company = {
        "name": values["name"],
        "website": website,
        "website_domain": website_domain(website),
        "hq_country": country,
        "size": size,
        "naics_sectors": sectors,
    }
    for column in ("description", "contact_name", "contact_email"):
        if column in values:
            company[column] = values[column]
    external_id = values.get("external_id") or None
    if external_id:
        company["external_id"] = external_id
    profile = None
    if types:
        profile = {
            "title": profile_title(types, states),
            "partnership_types": types,
            "naics_sectors": sectors,
            "states": states,
            "interests": values.get("interests", ""),
        }
    return RowData(external_id, company["website_domain"], company, profile), errors
