"""Top-k matching at scale: text GEMMs, bound-based pruning, exact rescoring and a cached index."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from typing import Literal, NamedTuple

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from .errors import RankingError
from .estimator import COMPONENTS, PartnershipRanker, SideMatrix
from .inputs import PriorityInput, ProfileInput
from .parallel import BlockEncoder, ahead
from .structured import dense_sector, geo_fit, pair_geo, pair_type

Side = Literal["priority", "profile"]
_MARGIN = 1e-5  # float32 slack so rounding never prunes a true top-k pair
_BATCH = 1 << 21  # candidate pairs rescored at once
_ROWS = 256  # rows of a chunk gathered or partitioned at once
_THREADED_ROWS = 50_000  # from here a matrix-vector product gains from both BLAS threads


class Match(NamedTuple):
    """One recommended priority x profile pair; `parts` are the components in COMPONENTS order.

    A named tuple because a full re-rank builds hundreds of thousands of them.
    """

    priority_key: object
    profile_key: object
    score: float
    parts: tuple[float, ...]

    @property
    def components(self) -> dict[str, float]:
        """Return the unweighted components by name."""
        return dict(zip(COMPONENTS, self.parts, strict=True))


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
        self.comps = np.zeros((n_p, k, len(COMPONENTS)), dtype=np.float32)

    def floor(self, a: int, b: int) -> np.ndarray:
        """Return the current k-th best score of rows a:b (a lower bound of the final one)."""
        return self.vals[a:b, -1]

    def merge(self, a: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
              describe: Callable[[np.ndarray], np.ndarray]) -> None:
        """Fold candidates (row offset, profile index, score) into rows a:...

        describe(indices) returns the components of the candidates at those indices; it is
        asked only for the at most k best candidates per row.
        """
        if len(rows) == 0:
            return
        order = np.lexsort((cols, -vals, rows))
        pos = np.arange(len(rows)) - np.searchsorted(rows[order], rows[order], side="left")
        order, pos = order[pos < self.k], pos[pos < self.k]
        rows, cols, vals, comps = rows[order], cols[order], vals[order], describe(order)
        uniq = np.unique(rows)
        new_v = np.full((len(uniq), self.k), -np.inf, dtype=np.float32)
        new_c = np.full((len(uniq), self.k), np.iinfo(np.int64).max, dtype=np.int64)
        new_p = np.zeros((len(uniq), self.k, comps.shape[1]), dtype=np.float32)
        slot = np.searchsorted(uniq, rows)
        new_v[slot, pos], new_c[slot, pos], new_p[slot, pos] = vals, cols, comps
        g = uniq + a
        v = np.concatenate([self.vals[g], new_v], axis=1)
        c = np.concatenate([self.cols[g], new_c], axis=1)
        p = np.concatenate([self.comps[g], new_p], axis=1)
        best = np.lexsort((c, -v), axis=1)[:, : self.k]
        self.vals[g] = np.take_along_axis(v, best, axis=1)
        self.cols[g] = np.take_along_axis(c, best, axis=1)
        self.comps[g] = np.take_along_axis(p, best[:, :, None], axis=1)


@dataclass(frozen=True)
class _Block:
    """One transformed profile block at offset `start`, its sectors reduced to distinct rows.

    Profiles share sector sets (a profile has a few NAICS codes), so sector fit is computed per
    distinct set: `sig` holds the dense rows of the sets, `inv` maps each profile to its set.
    """

    start: int
    cm: SideMatrix
    sig: np.ndarray
    inv: np.ndarray

    @classmethod
    def of(cls, start: int, cm: SideMatrix, width: int) -> _Block:
        """Build a block from transformed profiles."""
        keys = np.concatenate([cm.struct.sector, cm.struct.sector_coef.view(np.int32)], axis=1)
        _, first, inv = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        sig = dense_sector(cm.struct.rows(first), width)
        return cls(start, cm, np.ascontiguousarray(sig.T), inv.ravel().astype(np.intp))


@dataclass(frozen=True)
class _Chunk:
    """Priorities a:b against one profile block, with their score floors when queued.

    The floors may be stale by the time the chunk is pruned: they only ever rise, so an older
    floor keeps more candidates, never fewer.
    """

    block: _Block
    a: int
    b: int
    thr: np.ndarray
    first: bool  # some row has fewer than k kept pairs yet: score exactly, set floors


@dataclass(frozen=True)
class _Candidates:
    """Pairs of a chunk that may still reach the top-k, with what the pruning already knows."""

    flat: np.ndarray  # row * n_profiles + column within the chunk
    part: np.ndarray  # the exact topical base for a `first` chunk, else w_text * max(cos, 0)
    sector: np.ndarray  # sector fit of each chunk row x distinct sector set of the block
    thr: np.ndarray  # the chunk's floors, raised by the first block's k-th bases


class _ProductStage:
    """The products of a chunk (text GEMM, sector per distinct set) and the pairs that may rank.

    Runs in worker threads (BLAS and numpy's passes release the GIL), each reusing one output
    buffer, so the products of 10^9 pairs never fault in fresh pages. A chunk with a row that
    has fewer than k kept pairs (the first block, mostly) gets exact bases, whose k-th best per
    row sets floors; other chunks bound the sector part by the row's best sector in the block,
    which leaves the exact sector fit to the few candidates.
    """

    def __init__(self, model: PartnershipRanker, pm: SideMatrix, k: int) -> None:
        self.model, self.k = model, k
        self.pt = model.scaled_text(pm)
        self.ps = pm.struct.sector
        self.w_sector = np.float32(model.weights_["sector"])
        self.local = threading.local()  # one output buffer per worker thread
        self.zero = np.zeros(1, dtype=np.float32)

    def __call__(self, c: _Chunk) -> _Candidates:
        """Return the candidates of one chunk."""
        blk, n_c = c.block, len(c.block.cm)
        buf = getattr(self.local, "buf", None)
        if buf is None or buf.shape != (c.b - c.a, n_c):
            buf = self.local.buf = np.empty((c.b - c.a, n_c), dtype=np.float32)
        t = np.matmul(self.pt[c.a:c.b], blk.cm.text.T, out=buf)
        sector = self.ps[c.a:c.b] @ blk.sig
        thr = c.thr
        if c.first:
            np.maximum(t, 0.0, out=t)
            weighted = sector * self.w_sector
            thr = thr.copy()
            for r in range(0, len(t), _ROWS):  # row slices bound the temporaries
                rows = slice(r, r + _ROWS)
                t[rows] += weighted[rows][:, blk.inv]
                if n_c > self.k:  # total >= base, so the k-th best base is a floor
                    kth = np.partition(t[rows], n_c - self.k, axis=1)[:, n_c - self.k]
                    # ... up to 1: a base rounded above 1 still has a total of 1 (clipped).
                    np.maximum(thr[rows], np.minimum(kth, 1.0), out=thr[rows])
            floor = text_floor(self.model, thr, self.zero)
        else:
            floor = text_floor(self.model, thr, sector.max(axis=1))
            # max(t, 0) >= f holds for every pair once f <= 0; only candidates get the clamp.
            floor[floor <= 0] = -np.inf
        flat = np.flatnonzero(t >= floor[:, None])
        part = t.ravel()[flat]
        if not c.first:
            np.maximum(part, 0.0, out=part)
        return _Candidates(flat, part, sector, thr)


def _prune_chunk(model: PartnershipRanker, pm: SideMatrix, c: _Chunk, cand: _Candidates,
                 best: _RunningTopK) -> None:
    """Score the candidates of one chunk exactly and merge those that can rank."""
    blk, w_sector = c.block, np.float32(model.weights_["sector"])
    for s in range(0, len(cand.flat), _BATCH):  # slices keep the gathers' temporaries small
        rows, cols = np.divmod(cand.flat[s:s + _BATCH], len(blk.cm))
        sector = cand.sector[rows, blk.inv[cols]]
        base = cand.part[s:s + _BATCH]
        if not c.first:
            base = base + w_sector * sector
        pi = rows + c.a
        type_ = pair_type(pm.struct, blk.cm.struct, pi, cols)
        geo = pair_geo(pm.struct, blk.cm.struct, pi, cols)
        totals = model.finish(base, type_, geo)
        ok = np.flatnonzero(totals >= np.maximum(cand.thr, best.floor(c.a, c.b))[rows])

        parts = (rows[ok], cols[ok], sector[ok], type_[ok], geo[ok])
        best.merge(c.a, parts[0], parts[1] + blk.start, totals[ok],
                   partial(_describe, pm.text, blk.cm.text, c.a, parts))


def _describe(pt: np.ndarray, ct: np.ndarray, a: int, parts: tuple[np.ndarray, ...],
              sel: np.ndarray) -> np.ndarray:
    """Return the components of the selected candidates; the cosine as pair_scores has it."""
    rows, cols, sector, type_, geo = (x[sel] for x in parts)
    text = np.einsum("ij,ij->i", pt[rows + a], ct[cols])
    return np.clip(np.column_stack([text, sector, type_, geo]), 0.0, 1.0)


def _chunks(model: PartnershipRanker, n_p: int, blocks: Iterable[tuple[int, SideMatrix]],
            chunk_size: int, best: _RunningTopK, min_score: float) -> Iterator[_Chunk]:
    """Yield the chunks of every profile block in order, with the floors as they stand."""
    width = len(model.struct_encoder_.nodes_) + 1
    for start, cm in blocks:
        blk = _Block.of(start, cm, width)
        for a in range(0, n_p, chunk_size):
            b = min(a + chunk_size, n_p)
            floor = best.floor(a, b)
            yield _Chunk(blk, a, b, np.maximum(floor, np.float32(min_score)),
                         not np.isfinite(floor).all())


def top_k_matches(model: PartnershipRanker, priorities: Sequence[PriorityInput],
                  profiles: Sequence[ProfileInput], *, top_k: int = 20, min_score: float = 0.2,
                  chunk_size: int = 500, n_jobs: int = 2, block_size: int = 10_000,
                  progress: Callable[[int], None] | None = None) -> list[Match]:
    """Return the top_k profiles (score >= min_score) per priority, best first.

    progress, if given, is called with the number of profiles scored after each block.
    """
    if min(top_k, chunk_size, block_size, n_jobs) < 1:
        raise RankingError("top_k, chunk_size, block_size and n_jobs must be positive")
    priorities, profiles = list(priorities), list(profiles)
    if not priorities or not profiles:
        return []
    # Profile blocks are encoded in other processes while this one transforms the priorities;
    # chunk products run in n_jobs threads, one BLAS thread each, while this thread prunes.
    with BlockEncoder(model, profiles, block_size, n_jobs) as blocks:
        pm = model.transform_priorities(priorities)
        best = _RunningTopK(len(pm), top_k)
        chunks = _chunks(model, len(pm), blocks, chunk_size, best, min_score)
        stage = _ProductStage(model, pm, top_k)
        with threadpool_limits(limits=1, user_api="blas"), \
                closing(ahead(chunks, stage, n_jobs)) as scored:
            for c, cand in scored:
                _prune_chunk(model, pm, c, cand, best)
                if progress is not None and c.b == len(pm):  # the block's last chunk
                    progress(c.block.start + len(c.block.cm))
    return _to_matches(pm, profiles, best)


def _to_matches(pm: SideMatrix, profiles: Sequence[ProfileInput],
                best: _RunningTopK) -> list[Match]:
    """Convert the final top-k into Match records."""
    rows, slots = np.nonzero(np.isfinite(best.vals))
    keys = [profiles[j].key for j in best.cols[rows, slots].tolist()]
    vals = best.vals[rows, slots].tolist()
    parts = map(tuple, best.comps[rows, slots].tolist())
    return list(map(Match, [pm.keys[r] for r in rows.tolist()], keys, vals, parts))


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
            geo = geo_fit(qs.country[0][st.country], st.state, qs.state[0])
        else:
            q = model.transform_profiles([one])
            qs = q.struct
            part = self.text @ q.text[0]
            sector = self.sector @ dense_sector(qs, self.sector.shape[1])[0]
            type_ = self.types[qs.types[0]]
            geo = geo_fit(st.country[:, qs.country[0]], qs.state[0], st.state)
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
    return [Match(pk, ck, float(total[j]), tuple(c))
            for (pk, ck), j, c in zip(pairs, cand, comps.tolist(), strict=True)]
