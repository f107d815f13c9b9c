"""Compact structured features (sectors, partnership types, geography) and their pair scores."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .inputs import PriorityInput, ProfileInput

PARTNERSHIP_TYPES = (
    "investment", "pilot_project", "sponsorship", "workforce_training", "research_collaboration",
    "trade_mission", "procurement", "philanthropy", "cultural_exchange",
)
US_STATES = tuple(
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
        "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
        "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
    ]
)
SECTOR_LEVELS = (2, 3, 4)
SLOTS = 3 * len(SECTOR_LEVELS)  # at most three codes per level are kept per profile
# Every subset of the nine types as a 0/1 row: a type score is then one table lookup.
_SUBSETS = ((np.arange(2 ** len(PARTNERSHIP_TYPES))[:, None] >> np.arange(len(PARTNERSHIP_TYPES)))
            & 1).astype(np.float32)
ALL_STATES = np.uint64(2 ** (len(US_STATES) + 1) - 1)


@dataclass(frozen=True)
class StructRows:
    """Structured features of one side; priority and profile rows use different fields."""

    sector: np.ndarray  # priorities: (n, nodes+1) level-weighted; profiles: (n, SLOTS) node ids
    sector_coef: np.ndarray | None  # profiles: (n, SLOTS) per-level normalised coefficients
    types: np.ndarray  # priorities: (n, 512) score per offered-type subset; profiles: subset ids
    country: np.ndarray  # priorities: (n, countries+1) accepted mask; profiles: HQ ids
    state: np.ndarray  # priorities: state ids; profiles: uint64 bitmask of accepted states

    def rows(self, idx: np.ndarray) -> StructRows:
        """Return a subset of rows."""
        coef = None if self.sector_coef is None else self.sector_coef[idx]
        return StructRows(self.sector[idx], coef, self.types[idx], self.country[idx],
                          self.state[idx])


def _digits(code: str) -> str:
    """Return only the digits of a NAICS code."""
    return "".join(ch for ch in str(code) if ch.isdigit())


def _prefix_nodes(codes: Sequence[str]) -> dict[int, list[str]]:
    """Return the sorted 2/3/4-digit prefixes of NAICS codes, per level."""
    out: dict[int, set[str]] = {lvl: set() for lvl in SECTOR_LEVELS}
    for code in codes:
        digits = _digits(code)
        for lvl in SECTOR_LEVELS[: max(0, len(digits) - 1)]:
            out[lvl].add(digits[:lvl])
    return {lvl: sorted(v) for lvl, v in out.items()}


def _state_idx(state: str) -> int:
    """Return the index of a US state code (unknown codes share the last index)."""
    s = state.upper()
    return US_STATES.index(s) if s in US_STATES else len(US_STATES)


def _type_mask(types: Sequence[str]) -> int:
    """Return the bitmask of known partnership types."""
    return sum(1 << PARTNERSHIP_TYPES.index(t) for t in set(types) if t in PARTNERSHIP_TYPES)


class StructEncoder:
    """Encodes sectors per prefix level, types by importance and geography as accept masks."""

    def __init__(self, level_weights: Sequence[float], type_decay: float) -> None:
        self.level_weights = tuple(float(w) for w in level_weights)
        self.type_decay = type_decay

    def fit(self, priorities: Sequence[PriorityInput],
            profiles: Sequence[ProfileInput]) -> StructEncoder:
        """Learn the prefix and country vocabularies from both sides."""
        nodes: set[str] = set()
        countries: set[str] = set()
        for p in priorities:
            nodes.update(*_prefix_nodes(p.naics_sectors).values())
            countries.update(c.upper() for c in p.target_countries)
        for c in profiles:
            nodes.update(*_prefix_nodes(c.naics_sectors).values())
            countries.add(c.hq_country.upper())
        self.nodes_ = {n: i for i, n in enumerate(sorted(nodes))}
        self.countries_ = {c: i for i, c in enumerate(sorted(countries - {""}))}
        return self

    def _priority_sector(self, codes: Sequence[str], out: np.ndarray) -> None:
        """Fill one priority sector row: per-level L2-normalised prefixes times level weights."""
        nodes = _prefix_nodes(codes)
        for lvl, w in zip(SECTOR_LEVELS, self.level_weights, strict=True):
            idx = [self.nodes_[n] for n in nodes[lvl] if n in self.nodes_]
            for i in idx:
                out[i] = w / math.sqrt(len(idx))

    def type_weights(self, types: Sequence[str]) -> np.ndarray:
        """Return per-type weights: the first-listed (most important) type weighs the most."""
        known = list(dict.fromkeys(t for t in types if t in PARTNERSHIP_TYPES))
        w = np.zeros(len(PARTNERSHIP_TYPES), dtype=np.float32)
        decay = np.array([self.type_decay ** i for i in range(len(known))])
        for t, x in zip(known, decay / max(decay.sum(), 1e-12), strict=True):
            w[PARTNERSHIP_TYPES.index(t)] = x
        return w

    def transform_priorities(self, priorities: Sequence[PriorityInput]) -> StructRows:
        """Encode priorities: weighted sector prefixes, type tables, accepted countries, state."""
        n = len(priorities)
        sector = np.zeros((n, len(self.nodes_) + 1), dtype=np.float32)
        weights = np.zeros((n, len(PARTNERSHIP_TYPES)), dtype=np.float32)
        country = np.zeros((n, len(self.countries_) + 1), dtype=bool)
        state = np.empty(n, dtype=np.int64)
        for r, p in enumerate(priorities):
            self._priority_sector(p.naics_sectors, sector[r])
            state[r] = _state_idx(p.state)
            weights[r] = self.type_weights(p.partnership_types)
            targets = [self.countries_[c.upper()] for c in p.target_countries
                       if c.upper() in self.countries_]
            if p.target_countries:
                country[r, targets] = True
            else:
                country[r] = True  # no target list: every country is welcome
        return StructRows(sector, None, weights @ _SUBSETS.T, country, state)

    def transform_profiles(self, profiles: Sequence[ProfileInput]) -> StructRows:
        """Encode profiles: sector node ids + coefficients, type subset, HQ id, state bitmask."""
        n, pad = len(profiles), len(self.nodes_)
        nodes = np.full((n, SLOTS), pad, dtype=np.int32)
        coef = np.zeros((n, SLOTS), dtype=np.float32)
        memo: dict[tuple, tuple[list[int], list[float]]] = {}
        types = np.empty(n, dtype=np.int64)
        hq = np.empty(n, dtype=np.int64)
        states = np.empty(n, dtype=np.uint64)
        unknown = len(self.countries_)
        for r, c in enumerate(profiles):
            hit = memo.get(c.naics_sectors)
            if hit is None:
                ids, vals = [], []
                for per_level in _prefix_nodes(c.naics_sectors).values():
                    idx = [self.nodes_[x] for x in per_level if x in self.nodes_][:3]
                    ids += idx
                    vals += [1.0 / math.sqrt(len(idx))] * len(idx) if idx else []
                hit = memo[c.naics_sectors] = (ids, vals)
            nodes[r, : len(hit[0])] = hit[0]
            coef[r, : len(hit[1])] = hit[1]
            types[r] = _type_mask(c.partnership_types)
            hq[r] = self.countries_.get(c.hq_country.upper(), unknown)
            regions = {x.upper() for x in c.regions_of_interest}
            if not regions or "ANY" in regions:
                states[r] = ALL_STATES
            else:
                states[r] = sum(1 << i for i in {_state_idx(x) for x in regions})
        return StructRows(nodes, coef, types, hq, states)


def dense_sector(c: StructRows, width: int) -> np.ndarray:
    """Return profile sector rows as a dense (n, width) matrix for a matrix product."""
    out = np.zeros((len(c.sector), width), dtype=np.float32)
    rows = np.repeat(np.arange(len(c.sector)), SLOTS)
    np.add.at(out, (rows, c.sector.ravel()), c.sector_coef.ravel())
    return out


def pair_sector(p: StructRows, c: StructRows, pi: np.ndarray, cj: np.ndarray) -> np.ndarray:
    """Return sector fit for index pairs, summed in a fixed slot order (the full re-rank takes
    the same sums from a matrix product: they agree to float32 rounding)."""
    width = p.sector.shape[1]
    base = np.asarray(pi, dtype=np.int64) * width  # flat indexing beats 2-D fancy indexing
    flat = p.sector.ravel()
    nodes, coef = c.sector[cj], c.sector_coef[cj]
    acc = np.zeros(np.broadcast(pi, cj).shape, dtype=np.float32)
    for s in range(SLOTS):
        if not coef[..., s].any():
            continue  # padding slot everywhere (most profiles have fewer codes): skip it
        acc += flat[base + nodes[..., s]] * coef[..., s]
    return acc


def pair_type(p: StructRows, c: StructRows, pi: np.ndarray, cj: np.ndarray) -> np.ndarray:
    """Return importance-weighted type overlap for aligned index pairs."""
    return p.types[pi, c.types[cj]]


def pair_geo(p: StructRows, c: StructRows, pi: np.ndarray, cj: np.ndarray) -> np.ndarray:
    """Return 1 when the HQ country is accepted and the priority's state is of interest."""
    country_ok = p.country[pi, c.country[cj]]
    state_ok = (c.state[cj] >> p.state[pi].astype(np.uint64)) & np.uint64(1)
    return (country_ok & state_ok.astype(bool)).astype(np.float32)
