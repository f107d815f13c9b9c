"""Top-k matching at scale: text GEMMs, bound-based pruning, exact rescoring and a cached index."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.linalg.blas import sgemm
from threadpoolctl import threadpool_limits

from .errors import RankingError
from .estimator import COMPONENTS, PartnershipRanker, SideMatrix
from .inputs import PriorityInput, ProfileInput
from .structured import dense_sector, pair_geo, pair_sector, pair_type

Side = Literal["priority", "profile"]
_MARGIN = 1e-5  # float32 slack so rounding never prunes a true top-k pair
_BATCH = 1 << 21  # candidate pairs rescored at once
_DESCRIBE = 1 << 14  # kept pairs described at once
_THREADED_ROWS = 50_000  # from here a matrix-vector product gains from both BLAS threads


@dataclass(frozen=True)
class Match:
    """One recommended priority x profile pair."""

    priority_key: object
    profile_key: object
    score: float
    components: dict[str, float]


def text_floor(model: PartnershipRanker, thr: np.ndarray, sector_max: np.ndarray) -> np.ndarray:
    """Return the least w_text*text a pair needs so that its best possible total reaches thr.

    With sector and type/geo at their maxima the total is u + c*gate(u), u = text part + w_s*smax,
    a non-decreasing piecewise-linear function of u; this inverts it.
    """
    w = model.weights_
    c = w["type"] + w["geo"]
    topical = w["text"] + w["sector"]
    if topical <= 0:
        u = thr - c
    else:
        inv, a, b = 1.0 / topical, model.gate_start, max(model.gate_width, 1e-9)
        u0, u1 = a / inv, (a + b) / inv
        ramp = (thr + c * a / b) / (1.0 + c * inv / b)
        u = np.where(thr <= u0, thr, np.where(thr <= u1 + c, ramp, thr - c))
    return (u - w["sector"] * sector_max - _MARGIN).astype(np.float32)


class _RunningTopK:
    """Best k (score, profile index) per priority so far; ties keep the lower profile index."""

    def __init__(self, n_p: int, k: int) -> None:
        self.k = k
        self.vals = np.full((n_p, k), -np.inf, dtype=np.float32)
        self.cols = np.full((n_p, k), np.iinfo(np.int64).max, dtype=np.int64)
        # Components of kept pairs; NaN marks pairs merged but not yet described.
        self.comps = np.full((n_p, k, len(COMPONENTS)), np.nan, dtype=np.float32)

    def floor(self, a: int, b: int) -> np.ndarray:
        """Return the current k-th best score of rows a:b (a lower bound of the final one)."""
        return self.vals[a:b, -1]

    def merge(self, a: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> None:
        """Fold candidate (row offset, profile index, score) triples into rows a:..."""
        if len(rows) == 0:
            return
        order = np.lexsort((cols, -vals, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        pos = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        keep = pos < self.k
        rows, cols, vals, pos = rows[keep], cols[keep], vals[keep], pos[keep]
        uniq = np.unique(rows)
        new_v = np.full((len(uniq), self.k), -np.inf, dtype=np.float32)
        new_c = np.full((len(uniq), self.k), np.iinfo(np.int64).max, dtype=np.int64)
        slot = np.searchsorted(uniq, rows)
        new_v[slot, pos], new_c[slot, pos] = vals, cols
        g = uniq + a
        v = np.concatenate([self.vals[g], new_v], axis=1)
        c = np.concatenate([self.cols[g], new_c], axis=1)
        comps = np.concatenate([self.comps[g], np.full_like(self.comps[g], np.nan)], axis=1)
        best = np.lexsort((c, -v), axis=1)[:, : self.k]
        self.vals[g] = np.take_along_axis(v, best, axis=1)
        self.cols[g] = np.take_along_axis(c, best, axis=1)
        self.comps[g] = np.take_along_axis(comps, best[:, :, None], axis=1)

    def describe(self, model: PartnershipRanker, pm: SideMatrix, cm: SideMatrix,
                 start: int) -> None:
        """Fill components of pairs just merged from the block at `start`, while it is at hand."""
        rows, slots = np.nonzero(np.isnan(self.comps[:, :, 0]) & np.isfinite(self.vals))
        # Slices bound the gathered embedding rows (pairs x dims) that pair_scores allocates.
        for s in range(0, len(rows), _DESCRIBE):
            r, t = rows[s:s + _DESCRIBE], slots[s:s + _DESCRIBE]
            self.comps[r, t] = model.pair_scores(pm, cm, r, self.cols[r, t] - start)[1]


def _candidate_totals(model: PartnershipRanker, pm: SideMatrix, cm: SideMatrix, pi: np.ndarray,
                      cj: np.ndarray, text_part: np.ndarray) -> np.ndarray:
    """Return exact totals for index pairs whose w_text*text part is already known."""
    sector = pair_sector(pm.struct, cm.struct, pi, cj)
    type_ = pair_type(pm.struct, cm.struct, pi, cj)
    geo = pair_geo(pm.struct, cm.struct, pi, cj)
    return model.gated_total(text_part, sector, type_, geo)[0]


def _base_block(pt: np.ndarray, pws: np.ndarray, cm: SideMatrix, cs: np.ndarray) -> np.ndarray:
    """Return w_text*max(cos, 0) + w_sector*sector for a chunk: two GEMMs, no pair loop."""
    x = pt @ cm.text.T
    np.maximum(x, 0.0, out=x)
    # BLAS accumulates the sector product into x in place (beta=1): no second big matrix.
    sgemm(1.0, cs.T, pws.T, beta=1.0, c=x.T, trans_a=1, overwrite_c=1)
    return x


def _score_block(model: PartnershipRanker, pm: SideMatrix, pt: np.ndarray, pws: np.ndarray,
                 cm: SideMatrix, start: int, best: _RunningTopK, chunk_size: int,
                 min_score: float) -> None:
    """Score one profile block against all priorities, merging survivors into `best`."""
    n_c, k = len(cm), best.k
    cs = dense_sector(cm.struct, pws.shape[1])
    zero = np.zeros(1, dtype=np.float32)
    for a in range(0, len(pm), chunk_size):
        b = min(a + chunk_size, len(pm))
        x = _base_block(pt[a:b], pws[a:b], cm, cs)
        thr = np.maximum(best.floor(a, b), np.float32(min_score))
        if n_c > k and not np.isfinite(best.floor(a, b)).all():
            # No running top-k yet (first block): total >= base, so the k-th base is a floor.
            thr = np.maximum(thr, np.partition(x, n_c - k, axis=1)[:, n_c - k])
        # Type and geography add at most gate(base) * (w_type + w_geo): prune on that bound.
        flat = np.flatnonzero(x >= text_floor(model, thr, zero)[:, None])
        for s in range(0, len(flat), _BATCH):  # slices keep the gathers' temporaries small
            part = flat[s:s + _BATCH]
            rows, cols = np.divmod(part, n_c)
            type_ = pair_type(pm.struct, cm.struct, rows + a, cols)
            geo = pair_geo(pm.struct, cm.struct, rows + a, cols)
            totals = model.finish(x.ravel()[part], type_, geo)
            ok = totals >= np.maximum(thr, best.floor(a, b))[rows]
            best.merge(a, rows[ok], cols[ok] + start, totals[ok])
    best.describe(model, pm, cm, start)


def _encode(model: PartnershipRanker, profiles: Sequence[ProfileInput]) -> SideMatrix:
    """Transform one block of profiles (run in a worker process for large inputs)."""
    return model.transform_profiles(profiles)


def _blocks(model: PartnershipRanker, profiles: Sequence[ProfileInput], block_size: int,
            n_jobs: int) -> Iterator[tuple[int, SideMatrix]]:
    """Yield (offset, transformed block); tokenising is pure Python, so big inputs use processes."""
    starts = range(0, len(profiles), block_size)
    if n_jobs == 1 or len(starts) < 2:
        for a in starts:
            yield a, model.transform_profiles(profiles[a:a + block_size])
        return
    jobs = (delayed(_encode)(model, profiles[a:a + block_size]) for a in starts)
    # Results stream back in order while workers encode the next blocks, bounding memory.
    out = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")(jobs)
    yield from zip(starts, out, strict=True)


def top_k_matches(model: PartnershipRanker, priorities: Sequence[PriorityInput],
                  profiles: Sequence[ProfileInput], *, top_k: int = 20, min_score: float = 0.2,
                  chunk_size: int = 2000, n_jobs: int = 2,
                  block_size: int = 10_000) -> list[Match]:
    """Return the top_k profiles (score >= min_score) per priority, best first."""
    if top_k < 1 or chunk_size < 1 or block_size < 1:
        raise RankingError("top_k, chunk_size and block_size must be positive")
    priorities, profiles = list(priorities), list(profiles)
    if not priorities or not profiles:
        return []
    pm = model.transform_priorities(priorities)
    pt = model.scaled_text(pm)
    pws = np.ascontiguousarray(pm.struct.sector * np.float32(model.weights_["sector"]))
    best = _RunningTopK(len(pm), top_k)
    for start, cm in _blocks(model, profiles, block_size, n_jobs):
        _score_block(model, pm, pt, pws, cm, start, best, chunk_size, min_score)
    return _to_matches(pm, profiles, best)


def _to_matches(pm: SideMatrix, profiles: Sequence[ProfileInput],
                best: _RunningTopK) -> list[Match]:
    """Convert the final top-k into Match records."""
    rows, slots = np.nonzero(np.isfinite(best.vals))
    cols = best.cols[rows, slots].tolist()
    vals = best.vals[rows, slots].tolist()
    comps = best.comps[rows, slots].tolist()
    return [Match(pm.keys[r], profiles[j].key, v, dict(zip(COMPONENTS, c, strict=True)))
            for r, j, v, c in zip(rows.tolist(), cols, vals, comps, strict=True)]


class RankingIndex:
    """Transformed features of one side, cached for fast one-against-many scoring."""

    def __init__(self, model: PartnershipRanker,
                 items: Sequence[PriorityInput] | Sequence[ProfileInput], side: Side) -> None:
        if side not in ("priority", "profile"):
            raise RankingError("side must be 'priority' or 'profile'")
        self.model, self.side = model, side
        items = list(items)
        m = model.transform_priorities(items) if side == "priority" else \
            model.transform_profiles(items)
        self.matrix = m
        # Priorities carry w_text, so one matrix-vector product gives the text part directly.
        self.text = np.ascontiguousarray(model.scaled_text(m) if side == "priority" else m.text)
        st = m.struct
        # Sector rows hold a handful of non-zeros: a sparse matrix-vector product is cheapest.
        width = len(model.struct_encoder_.nodes_) + 1
        dense = st.sector if side == "priority" else dense_sector(st, width)
        self.sector = sp.csr_matrix(dense, dtype=np.float32)
        self.types = np.ascontiguousarray(st.types.T) if side == "priority" else st.types

    def __len__(self) -> int:
        """Return the number of indexed items."""
        return len(self.matrix)

    def scores(self, one: PriorityInput | ProfileInput) -> tuple[np.ndarray, SideMatrix]:
        """Return the total score of `one` against every indexed item, and its features."""
        if len(self) >= _THREADED_ROWS:
            return self._scores(one)
        # A small matrix-vector product is over before a second BLAS thread pays off: its
        # wake-up waits on the other core (often busy on a shared 2-core machine).
        with threadpool_limits(limits=1, user_api="blas"):
            return self._scores(one)

    def _scores(self, one: PriorityInput | ProfileInput) -> tuple[np.ndarray, SideMatrix]:
        """Return the totals of `one` against the index, and its features."""
        model, st = self.model, self.matrix.struct
        if self.side == "profile":
            q = model.transform_priorities([one])
            qs = q.struct
            part = self.text @ model.scaled_text(q)[0]
            sector = self.sector @ qs.sector[0]
            type_ = qs.types[0][self.types]
            state_ok = (st.state >> np.uint64(qs.state[0])) & np.uint64(1)
            geo = qs.country[0][st.country] & state_ok.astype(bool)
        else:
            q = model.transform_profiles([one])
            qs = q.struct
            part = self.text @ q.text[0]
            sector = self.sector @ dense_sector(qs, self.sector.shape[1])[0]
            type_ = self.types[qs.types[0]]
            state_ok = (qs.state[0] >> st.state.astype(np.uint64)) & np.uint64(1)
            geo = st.country[:, qs.country[0]] & state_ok.astype(bool)
        np.maximum(part, 0.0, out=part)
        total, _ = model.gated_total(part, sector.astype(np.float32, copy=False), type_,
                                     geo.astype(np.float32))
        return total, q


def score_one_against_many(model: PartnershipRanker, one: PriorityInput | ProfileInput,
                           others: RankingIndex | Sequence, side: Side | None = None,
                           top_k: int = 20, min_score: float = 0.2) -> list[Match]:
    """Rank an index of the other side for one new item; `side` is the side of `one`."""
    side = side or ("priority" if isinstance(one, PriorityInput) else "profile")
    other_side: Side = "profile" if side == "priority" else "priority"
    index = others if isinstance(others, RankingIndex) else RankingIndex(model, others,
                                                                         other_side)
    if index.side != other_side:
        raise RankingError(f"a {side} must be scored against an index of {other_side}s")
    if len(index) == 0:
        return []
    total, q = index.scores(one)
    k = min(top_k, len(total))
    cand = np.argpartition(total, len(total) - k)[len(total) - k:]
    kth = total[cand].min()
    # Pairs tied with the k-th score compete by position, as in the full re-rank.
    cand = np.flatnonzero(total >= max(kth, min_score))
    cand = cand[np.lexsort((cand, -total[cand]))][:k]
    if len(cand) == 0:
        return []
    if side == "priority":
        _, comps, _ = model.pair_scores(q, index.matrix, np.zeros(len(cand), np.intp), cand)
        pairs = [(q.keys[0], index.matrix.keys[j]) for j in cand]
    else:
        _, comps, _ = model.pair_scores(index.matrix, q, cand, np.zeros(len(cand), np.intp))
        pairs = [(index.matrix.keys[j], q.keys[0]) for j in cand]
    return [Match(pk, ck, float(total[j]), dict(zip(COMPONENTS, map(float, c), strict=True)))
            for (pk, ck), j, c in zip(pairs, cand, comps, strict=True)]
