"""Plain-language explanations of a pair's score."""

from __future__ import annotations

from dataclasses import dataclass, field

from .inputs import PriorityInput, ProfileInput
from .naics import naics_title

COMPONENT_LABELS = {
    "text": "Text similarity",
    "sector": "Sector (NAICS) overlap",
    "type": "Partnership-type overlap",
    "geo": "Geographic fit",
}


@dataclass(frozen=True)
class ScoreBreakdown:
    """Total score, unweighted components (all in [0, 1]), normalised weights and the gate.

    A gated component contributes weight * value * gate; the others weight * value.
    """

    total: float
    components: dict[str, float]
    weights: dict[str, float]
    gate: float = 1.0
    gated: tuple[str, ...] = ()

    def contribution(self, name: str) -> float:
        """Return what one component adds to the total."""
        scale = self.gate if name in self.gated else 1.0
        return self.weights[name] * self.components[name] * scale


@dataclass(frozen=True)
class ComponentExplanation:
    """One component: its value, normalised weight, contribution to the total and gate share."""

    name: str
    value: float
    weight: float
    contribution: float
    gate: float = 1.0


@dataclass(frozen=True)
class SectorMatch:
    """A pair of NAICS codes that share a prefix."""

    priority_code: str
    profile_code: str
    shared_prefix: str
    exact: bool


@dataclass(frozen=True)
class Explanation:
    """Why a company fits a priority, component by component."""

    total: float
    components: list[ComponentExplanation]
    shared_sectors: list[SectorMatch]
    shared_types: list[str]
    geography: str
    top_terms: list[tuple[str, float]]
    sentences: list[str] = field(default_factory=list)
    gate: float = 1.0


def _digits(code: str) -> str:
    """Return only the digits of a code."""
    return "".join(ch for ch in code if ch.isdigit())


def sector_matches(p_codes: tuple[str, ...], c_codes: tuple[str, ...]) -> list[SectorMatch]:
    """Return the best-sharing company code for each priority code (prefix of length >= 2)."""
    out = []
    for pc in map(_digits, p_codes):
        best: SectorMatch | None = None
        for cc in map(_digits, c_codes):
            n = 0
            while n < min(len(pc), len(cc), 4) and pc[n] == cc[n]:
                n += 1
            if n >= 2 and (best is None or n > len(best.shared_prefix)):
                exact = pc == cc or (min(len(pc), len(cc)) >= 4 and pc[:4] == cc[:4])
                best = SectorMatch(pc, cc, pc[:n], exact)
        if best is not None:
            out.append(best)
    return out


def geography_text(priority: PriorityInput, profile: ProfileInput) -> str:
    """Describe how the company's HQ and regions fit the priority's countries and state."""
    hq = profile.hq_country.upper() or "unknown"
    targets = tuple(c.upper() for c in priority.target_countries)
    if not targets:
        country = f"the priority welcomes companies from any country (HQ {hq})"
    elif hq in targets:
        country = f"HQ country {hq} is among the targeted countries ({', '.join(targets)})"
    else:
        country = f"HQ country {hq} is not among the targeted countries ({', '.join(targets)})"
    regions = tuple(r.upper() for r in profile.regions_of_interest)
    state = priority.state.upper() or "unknown"
    if not regions or "ANY" in regions:
        where = f"the company is open to any US state, including {state}"
    elif state in regions:
        where = f"the company lists {state} among its states of interest"
    else:
        where = f"the company's states of interest ({', '.join(regions)}) exclude {state}"
    return f"{country}; {where}"


def build_explanation(
    priority: PriorityInput,
    profile: ProfileInput,
    breakdown: ScoreBreakdown,
    terms: list[tuple[str, float]],
) -> Explanation:
    """Assemble components, overlaps and sentences for one pair."""
    comps = [
        ComponentExplanation(
            name,
            value,
            breakdown.weights[name],
            breakdown.contribution(name),
            breakdown.gate if name in breakdown.gated else 1.0,
        )
        for name, value in breakdown.components.items()
    ]
    sectors = sector_matches(priority.naics_sectors, profile.naics_sectors)
    offered = set(profile.partnership_types)
    types = [t for t in dict.fromkeys(priority.partnership_types) if t in offered]
    geo = geography_text(priority, profile)
    sentences = [f"Overall match score {breakdown.total:.2f} out of 1."]
    for c in sorted(comps, key=lambda c: -c.contribution):
        # Gated parts count only as far as the pair is on topic; say so, or the sum looks wrong.
        share = f", counted at {c.gate:.0%} for topical fit" if c.name in breakdown.gated else ""
        sentences.append(
            f"{COMPONENT_LABELS[c.name]}: {c.value:.2f} "
            f"(weight {c.weight:.2f}{share}, adds {c.contribution:.2f})."
        )
    if sectors:
        parts = []
        for m in sectors:
            kind = "exact" if m.exact else f"same {len(m.shared_prefix)}-digit group"
            code = m.priority_code if m.exact else m.shared_prefix
            parts.append(f"{code} {naics_title(code)} ({kind})")
        sentences.append("Shared sectors: " + "; ".join(parts) + ".")
    else:
        sentences.append("No shared sectors.")
    if types:
        sentences.append(
            "Shared partnership types: " + ", ".join(t.replace("_", " ") for t in types) + "."
        )
    else:
        sentences.append("The company offers none of the requested partnership types.")
    sentences.append("Geography: " + geo + ".")
    if terms:
        # "~x" names a lexicon concept; readers need the word once, not the marker.
        shown = dict.fromkeys(t.lstrip("~") for t, _ in terms)
        sentences.append("Common themes in the texts: " + ", ".join(shown) + ".")
    return Explanation(
        breakdown.total, comps, sectors, types, geo, terms, sentences, breakdown.gate
    )
