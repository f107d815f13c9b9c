"""Compact structured features (sectors, partnership types, geography) and their pair scores."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matchmaker import vocab

from .errors import UnknownCode
from .inputs import PriorityInput, ProfileInput

# Codes in matchmaker.vocab's order: a type is a bit of a subset id, a state a bit of a mask.
PARTNERSHIP_TYPES = tuple(vocab.PARTNERSHIP_TYPES)
US_STATES = tuple(vocab.US_STATES)
NO_STATE = len(US_STATES)  # a priority outside the US states (state ""), and its profile bit
_TYPE_BIT = {t: 1 << i for i, t in enumerate(PARTNERSHIP_TYPES)}
_STATE_INDEX = {s: i for i, s in enumerate(US_STATES)}
SECTOR_LEVELS = (2, 3, 4)
SLOTS = 3 * len(SECTOR_LEVELS)  # at most three codes per level are kept per profile
# Every subset of the nine types as a 0/1 row: a type score is then one table lookup.
_SUBSETS = (
    (np.arange(2 ** len(PARTNERSHIP_TYPES))[:, None] >> np.arange(len(PARTNERSHIP_TYPES))) & 1
).astype(np.float32)
assert NO_STATE < 64, "a profile's accepted states are the bits of one uint64"
ALL_STATES = np.uint64(2 ** (NO_STATE + 1) - 1)


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
        return StructRows(
            self.sector[idx], coef, self.types[idx], self.country[idx], self.state[idx]
        )


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


def _state_idx(state: str, key: object) -> int:
    """Return the index of a US state code; "" (no US state) has the index after the last."""
    s = state.upper()
    if not s:
        return NO_STATE
    try:
        return _STATE_INDEX[s]
    except KeyError:
        raise UnknownCode(f"{key!r}: unknown US state {state!r}") from None


def _known_types(types: Sequence[str], key: object) -> list[str]:
    """Return the distinct partnership types in order; an unknown type raises."""
    if bad := [t for t in types if t not in _TYPE_BIT]:
        raise UnknownCode(f"{key!r}: unknown partnership type(s) {', '.join(map(repr, bad))}")
    return list(dict.fromkeys(types))


def _type_mask(types: Sequence[str], key: object) -> int:
    """Return the bitmask (subset id) of partnership types."""
    mask = 0
    for t in _known_types(types, key):
        mask |= _TYPE_BIT[t]
    return mask


class StructEncoder:
    """Encodes sectors per prefix level, types by importance and geography as accept masks."""

    def __init__(self, level_weights: Sequence[float], type_decay: float) -> None:
        self.level_weights = tuple(float(w) for w in level_weights)
        self.type_decay = type_decay

    def fit(
        self, priorities: Sequence[PriorityInput], profiles: Sequence[ProfileInput]
    ) -> StructEncoder:
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

    def type_weights(self, types: Sequence[str], key: object = None) -> np.ndarray:
        """Return per-type weights: the first-listed (most important) type weighs the most."""
        known = _known_types(types, key)
        w = np.zeros(len(PARTNERSHIP_TYPES), dtype=np.float32)
        decay = np.array([self.type_decay**i for i in range(len(known))])
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
            state[r] = _state_idx(p.state, p.key)
            weights[r] = self.type_weights(p.partnership_types, p.key)
            targets = [
                self.countries_[c.upper()]
                for c in p.target_countries
                if c.upper() in self.countries_
            ]
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
            types[r] = _type_mask(c.partnership_types, c.key)
            hq[r] = self.countries_.get(c.hq_country.upper(), unknown)
            regions = {x.upper() for x in c.regions_of_interest}
            if not regions or "ANY" in regions:
                states[r] = ALL_STATES
            else:
                states[r] = sum(1 << i for i in {_state_idx(x, c.key) for x in regions})
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


def geo_fit(
    country_ok: np.ndarray, state_masks: np.ndarray, state_idx: np.ndarray | np.integer
) -> np.ndarray:
    """Return True where the HQ country is accepted and the priority's state is of interest.

    The one geography rule of every scoring path: state_masks are profiles' accepted-state
    bitmasks, state_idx priorities' state indices (either side may be a single value).
    """
    state_ok = (state_masks >> np.asarray(state_idx).astype(np.uint64)) & np.uint64(1)
    return country_ok & state_ok.astype(bool)


def pair_geo(p: StructRows, c: StructRows, pi: np.ndarray, cj: np.ndarray) -> np.ndarray:
    """Return the geography fit (0 or 1) for aligned index pairs."""
    return geo_fit(p.country[pi, c.country[cj]], c.state[cj], p.state[pi]).astype(np.float32)
