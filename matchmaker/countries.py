"""ISO 3166-1 countries through pycountry: choices for forms, validation and names."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def names() -> dict[str, str]:
    """Alpha-2 code to a readable name, sorted by name."""
    pairs = [(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    return dict(sorted(pairs, key=lambda p: p[1]))


def is_valid(code: str) -> bool:
    return code in names()


def name(code: str) -> str:
    return names().get(code, code)


def normalise(value: str) -> str | None:
    """An alpha-2 code for a code (alpha-2 or alpha-3, any case) or an exact name, else None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        return None


def choices() -> list[tuple[str, str]]:
    return list(names().items())
