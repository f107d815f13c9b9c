"""Code lists typed as text (NAICS 2022 sectors, ISO 3166 countries): parse and check them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from matchmaker import countries, naics

_SPLIT = re.compile(r"[\s,;]+")


def split_codes(text: str | Iterable[str] | None) -> list[str]:
    """Codes typed as "a, b c" (or a list): stripped, upper-cased, de-duplicated, in order."""
    if text is None:
        return []
    parts = _SPLIT.split(text) if isinstance(text, str) else list(text)
    seen: dict[str, None] = {}
    for part in parts:
        code = str(part).strip().upper()
        if code:
            seen.setdefault(code, None)
    return list(seen)


def is_naics(code: str) -> bool:
    """A code of the NAICS 2022 list (2 to 6 digits)."""
    return naics.is_valid(code)


def naics_title(code: str) -> str:
    """The title of a NAICS code, or '' when unknown."""
    return naics.title(code)


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 country code."""
    return countries.is_valid(code.upper())


def country_name(code: str) -> str:
    """The common English name of an ISO alpha-2 code; the code itself if unknown."""
    return countries.name(code.upper())


def invalid(codes: Iterable[str], check) -> list[str]:
    """The codes that fail a check, in order."""
    return [code for code in codes if not check(code)]
