"""Fixed vocabularies shared by forms, services, the API and the ranking inputs.

The single source of these codes: ranking/ encodes types and states in the order written here, so
this module stays pure (it imports nothing) and ranking/ imports it without Flask or the ORM.
"""

from __future__ import annotations

PARTNERSHIP_TYPES: dict[str, str] = {
    "investment": "Investment",
    "pilot_project": "Pilot project",
    "sponsorship": "Sponsorship",
    "workforce_training": "Workforce training",
    "research_collaboration": "Research collaboration",
    "trade_mission": "Trade mission",
    "procurement": "Procurement",
    "philanthropy": "Philanthropy",
    "cultural_exchange": "Cultural exchange",
}

COMPANY_SIZES: dict[str, str] = {"startup": "Startup", "sme": "SME", "large": "Large"}

MAX_COMPANY_SECTORS = 5  # NAICS codes per company and per interest profile

US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}


def partnership_label(code: str) -> str:
    """The human label of a partnership type code."""
    return PARTNERSHIP_TYPES.get(code, code)
