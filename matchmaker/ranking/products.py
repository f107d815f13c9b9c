"""The product stage of the full re-rank: a chunk's text and sector products, and its candidates.

A chunk is some priorities against one block of profiles. Its products bound every pair's score
from above; the pairs whose bound can still reach the row's floor are the candidates that the merge
(rerank.py, topk.py) scores exactly. The stage runs in worker threads ahead of the merge.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .estimator import PartnershipRanker, SideMatrix
from .structured import dense_sector

MARGIN = 1e-5  # float32 slack so rounding never prunes a true top-k pair
_ROWS = 256  # rows of a chunk partitioned at once


def text_floor(
    model: PartnershipRanker, threshold: np.ndarray, sector_max: np.ndarray
) -> np.ndarray:
    """Return the least w_text*text a pair needs so that its best possible total reaches threshold.

    With sector and type/geo at their maxima the total is u + c*gate(u), u = text part + w_s*smax,
    a non-decreasing piecewise-linear function of u; this inverts it.
    """
    w = model.weights_
    gated_max = w["type"] + w["geo"]
    topical = w["text"] + w["sector"]
    if topical <= 0:
        base_needed = threshold - gated_max
    else:
        inv_topical, start, width = 1.0 / topical, model.gate_start, max(model.gate_width, 1e-9)
        gate_opens, gate_full = start / inv_topical, (start + width) / inv_topical
        on_ramp = (threshold + gated_max * start / width) / (1.0 + gated_max * inv_topical / width)
        base_needed = np.where(
            threshold <= gate_opens,
            threshold,
            np.where(threshold <= gate_full + gated_max, on_ramp, threshold - gated_max),
        )
    return (base_needed - w["sector"] * sector_max - MARGIN).astype(np.float32)


@dataclass(frozen=True)
class ProfileBlock:
    """One transformed profile block at offset `start`, its sectors reduced to distinct sets.

    Profiles share sector sets (a profile has a few NAICS codes), so sector fit is computed per
    distinct set: `set_rows` holds the dense rows of the sets (transposed for the product) and
    `set_of` maps each profile of the block to its set.
    """

    start: int
    profiles: SideMatrix
    set_rows: np.ndarray
    set_of: np.ndarray

    @classmethod
    def of(cls, start: int, profiles: SideMatrix, width: int) -> ProfileBlock:
        """Build a block from transformed profiles."""
        struct = profiles.struct
        keys = np.concatenate([struct.sector, struct.sector_coef.view(np.int32)], axis=1)
        _, first, set_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        dense = dense_sector(struct.rows(first), width)
        return cls(start, profiles, np.ascontiguousarray(dense.T), set_of.ravel().astype(np.intp))

    @property
    def stop(self) -> int:
        """Return the offset after the block's last profile."""
        return self.start + len(self.profiles)


@dataclass(frozen=True)
class Chunk:
    """Priority rows start:stop against one profile block, with their score floors when queued.

    The floors may be stale by the time the chunk is pruned: they only ever rise, so an older
    floor keeps more candidates, never fewer.
    """

    block: ProfileBlock
    start: int
    stop: int
    floors: np.ndarray
    filling: bool  # some row has fewer than k kept pairs yet: exact bases, which raise floors


@dataclass(frozen=True)
class Candidates:
    """Pairs of a chunk that may still reach the top-k, with what the products already know.

    Exactly one of `base` and `text_part` is set: a filling chunk computed every pair's exact
    topical base; another chunk only the text part, to which the merge adds the exact sector fit.
    """

    flat: np.ndarray  # row * len(block) + column within the block
    sector_by_set: np.ndarray  # sector fit of each chunk row x distinct sector set of the block
    floors: np.ndarray  # the chunk's floors, raised by a filling chunk's k-th bases
    base: np.ndarray | None = None  # w_text * max(cos, 0) + w_sector * sector
    text_part: np.ndarray | None = None  # w_text * max(cos, 0)


class ProductStage:
    """The products of a chunk (text GEMM, sector per distinct set) and the pairs that may rank.

    Runs in worker threads (BLAS and numpy's passes release the GIL), each reusing one output
    buffer, so the products of 10^9 pairs never fault in fresh pages. A filling chunk (the first
    block, mostly) gets exact bases, whose k-th best per row raises the floors; other chunks bound
    the sector part by the row's best sector in the block, which leaves the exact sector fit to
    the few candidates.
    """

    def __init__(self, model: PartnershipRanker, priorities: SideMatrix, k: int) -> None:
        self.model, self.k = model, k
        self.priority_text = model.scaled_text(priorities)
        self.priority_sector = priorities.struct.sector
        self.w_sector = np.float32(model.weights_["sector"])
        self.buffers = threading.local()  # one output buffer per worker thread
        self.no_sector = np.zeros(1, dtype=np.float32)

    def _buffer(self, shape: tuple[int, int]) -> np.ndarray:
        """Return this thread's output buffer, of the given shape."""
        buf = getattr(self.buffers, "products", None)
        if buf is None or buf.shape != shape:
            buf = self.buffers.products = np.empty(shape, dtype=np.float32)
        return buf

    def __call__(self, chunk: Chunk) -> Candidates:
        """Return the candidates of one chunk."""
        block, n_profiles = chunk.block, len(chunk.block.profiles)
        products = self._buffer((chunk.stop - chunk.start, n_profiles))
        np.matmul(self.priority_text[chunk.start : chunk.stop], block.profiles.text.T, out=products)
        sector_by_set = self.priority_sector[chunk.start : chunk.stop] @ block.set_rows
        if chunk.filling:
            floors = chunk.floors.copy()
            self._exact_bases(products, sector_by_set, block.set_of, floors)
            text_needed = text_floor(self.model, floors, self.no_sector)
        else:
            floors = chunk.floors
            text_needed = text_floor(self.model, floors, sector_by_set.max(axis=1))
            # max(t, 0) >= f holds for every pair once f <= 0; only candidates get the clamp.
            text_needed[text_needed <= 0] = -np.inf
        flat = np.flatnonzero(products >= text_needed[:, None])
        known = products.ravel()[flat]
        if chunk.filling:
            return Candidates(flat, sector_by_set, floors, base=known)
        np.maximum(known, 0.0, out=known)
        return Candidates(flat, sector_by_set, floors, text_part=known)

    def _exact_bases(
        self,
        products: np.ndarray,
        sector_by_set: np.ndarray,
        set_of: np.ndarray,
        floors: np.ndarray,
    ) -> None:
        """Turn text products into exact topical bases in place; raise floors to the k-th base."""
        n_profiles = products.shape[1]
        np.maximum(products, 0.0, out=products)
        weighted = sector_by_set * self.w_sector
        for r in range(0, len(products), _ROWS):  # row slices bound the temporaries
            rows = slice(r, r + _ROWS)
            products[rows] += weighted[rows][:, set_of]
            if n_profiles > self.k:  # total >= base, so the k-th best base is a floor
                kth = np.partition(products[rows], n_profiles - self.k, axis=1)[
                    :, n_profiles - self.k
                ]
                # ... up to 1: a base rounded above 1 still has a total of 1 (clipped).
                np.maximum(floors[rows], np.minimum(kth, 1.0), out=floors[rows])
