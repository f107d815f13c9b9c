"""Plain input records for the ranker, independent of any database or web layer."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Evaluation labels of the dev/held-out sets: the model must never see them.
LABEL_FIELDS = frozenset({"themes", "required_type"})


def _tuple(values: Iterable[Any] | None) -> tuple[str, ...]:
    """Return a tuple of stripped, non-empty strings."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(str(v).strip() for v in values if str(v).strip())


@dataclass(frozen=True)
class PriorityInput:
    """A city priority as seen by the ranker."""

    key: Hashable
    title: str
    description: str
    naics_sectors: tuple[str, ...] = ()
    partnership_types: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    state: str = ""

    @property
    def text(self) -> str:
        """Return the text that describes the priority."""
        return f"{self.title}\n{self.description}"


@dataclass(frozen=True)
class ProfileInput:
    """A company profile as seen by the ranker."""

    key: Hashable
    company_name: str
    company_description: str
    interests: str = ""
    naics_sectors: tuple[str, ...] = ()
    partnership_types: tuple[str, ...] = ()
    hq_country: str = ""
    regions_of_interest: tuple[str, ...] = ("any",)
    size: str = ""

    @property
    def text(self) -> str:
        """Return the text that describes the company."""
        return f"{self.company_name}\n{self.company_description}\n{self.interests}"


def strip_labels(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of a dev-set row without its evaluation labels."""
    return {k: v for k, v in row.items() if k not in LABEL_FIELDS}


def from_dev_priority(row: Mapping[str, Any]) -> PriorityInput:
    """Build a PriorityInput from a dev-set priorities.json row (labels dropped)."""
    r = strip_labels(row)
    return PriorityInput(
        key=r["id"],
        title=str(r.get("title") or ""),
        description=str(r.get("description") or ""),
        naics_sectors=_tuple(r.get("naics_sectors")),
        partnership_types=_tuple(r.get("partnership_types")),
        target_countries=tuple(c.upper() for c in _tuple(r.get("target_countries"))),
        state=str(r.get("state") or "").strip().upper(),
    )


def from_dev_company(row: Mapping[str, Any]) -> ProfileInput:
    """Build a ProfileInput from a dev-set companies.json row (labels dropped)."""
    r = strip_labels(row)
    regions = _tuple(r.get("regions_of_interest")) or ("any",)
    return ProfileInput(
        key=r["id"],
        company_name=str(r.get("name") or ""),
        company_description=str(r.get("description") or ""),
        interests=str(r.get("interests") or ""),
        naics_sectors=_tuple(r.get("naics_sectors")),
        partnership_types=_tuple(r.get("partnership_types")),
        hq_country=str(r.get("hq_country") or "").strip().upper(),
        regions_of_interest=tuple(x if x.lower() == "any" else x.upper() for x in regions),
        size=str(r.get("size") or ""),
    )
