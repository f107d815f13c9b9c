"""The ways demand is split: sector (2 and 3 digits), partnership type, country, US state."""

from __future__ import annotations

import enum

from matchmaker import codes, vocab


class Dimension(enum.StrEnum):
    SECTOR2 = "sector2"
    SECTOR3 = "sector3"
    TYPE = "type"
    COUNTRY = "country"
    STATE = "state"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Dimension.SECTOR2: "NAICS sector (2 digits)",
    Dimension.SECTOR3: "NAICS subsector (3 digits)",
    Dimension.TYPE: "Partnership type",
    Dimension.COUNTRY: "Headquarters country",
    Dimension.STATE: "US state wanted",
}

ANY_STATE = "any"


def bucket_label(dimension: Dimension, value: str) -> str:
    """What a bucket means in words: the NAICS title, the type's name, the country or state."""
    if dimension in (Dimension.SECTOR2, Dimension.SECTOR3):
        return codes.naics_title(value) or f"NAICS {value}"
    if dimension == Dimension.TYPE:
        return vocab.PARTNERSHIP_TYPES.get(value, value)
    if dimension == Dimension.COUNTRY:
        return codes.country_name(value)
    if value == ANY_STATE:
        return "Any state"
    return vocab.US_STATES.get(value, value)
