"""NAICS 2022 industry codes and titles (shipped as package data): lookup, search, validation."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

MAX_LEVEL_IN_PICKER = 4  # the picker lists 2- to 4-digit codes; search reaches 5 and 6 digits


@cache
def codes() -> dict[str, str]:
    """Every NAICS 2022 code (2 to 6 digits) with its title, in hierarchy order."""
    text = resources.files("matchmaker.data").joinpath("naics2022.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["code"]: row["title"] for row in csv.DictReader(lines)}


def is_valid(code: str) -> bool:
    return code in codes()


def title(code: str) -> str:
    """The title of a code, or '' when it is unknown."""
    return codes().get(code, "")


def label(code: str) -> str:
    """'code · title', or the bare code when it is unknown."""
    name = title(code)
    return f"{code} · {name}" if name else code


def unknown(values: list[str]) -> list[str]:
    """The values that are not NAICS 2022 codes, in their order."""
    return [v for v in values if not is_valid(v)]


def choices(selected: list[str] | None = None) -> list[tuple[str, str]]:
    """Picker options: every 2- to 4-digit code, plus whichever deeper codes are selected."""
    keep = set(selected or [])
    return [
        (code, f"{code} · {name}")
        for code, name in codes().items()
        if len(code) <= MAX_LEVEL_IN_PICKER or code in keep
    ]


def search(query: str, limit: int = 20) -> list[tuple[str, str]]:
    """Codes starting with the digits given, or whose title holds every word given."""
    query = query.strip().lower()
    if not query:
        return []
    if query.isdigit():
        hits = [(c, t) for c, t in codes().items() if c.startswith(query)]
        return sorted(hits, key=lambda h: (len(h[0]), h[0]))[:limit]
    words = re.findall(r"[a-z0-9]+", query)
    hits = [(c, t) for c, t in codes().items() if all(w in t.lower() for w in words)]
    # Broad codes first: a 3-digit subsector is a better pick than its 6-digit duplicate.
    return sorted(hits, key=lambda h: (len(h[0]), h[0]))[:limit]


def parse_list(text: str) -> list[str]:
    """Codes from free text separated by '|', ',' or spaces, in order, without repeats."""
    seen: list[str] = []
    for part in re.split(r"[|,;\s]+", text or ""):
        if part and part not in seen:
            seen.append(part)
    return seen
