"""Top-k matching at scale (the full re-rank) and one-against-many scoring on a cached index.

The full re-rank is a pipeline: profile blocks are encoded ahead (parallel.py), the product stage
bounds each chunk's pairs (products.py), and here the candidates are scored exactly and merged
into the running top-k (topk.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from functools import partial
from typing import Literal, NamedTuple

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from .errors import RankingError
from .estimator import COMPONENTS, PartnershipRanker, SideMatrix
from .inputs import PriorityInput, ProfileInput
from .parallel import BlockEncoder, ahead
from .products import Candidates, Chunk, ProductStage, ProfileBlock
from .structured import dense_sector, geo_fit, pair_geo, pair_type
from .topk import RunningTopK

Side = Literal["priority", "profile"]
_BATCH = 1 << 21  # candidate pairs rescored at once
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


def _merge_candidates(
    model: PartnershipRanker,
    priorities: SideMatrix,
    chunk: Chunk,
    candidates: Candidates,
    top: RunningTopK,
) -> None:
    """Score the candidates of one chunk exactly and merge those that can rank."""
    block, w_sector = chunk.block, np.float32(model.weights_["sector"])
    for s in range(0, len(candidates.flat), _BATCH):  # slices keep the gathers' temporaries small
        batch = slice(s, s + _BATCH)
        rows, cols = np.divmod(candidates.flat[batch], len(block.profiles))
        sector = candidates.sector_by_set[rows, block.set_of[cols]]
        if candidates.base is not None:
            base = candidates.base[batch]
        else:
            base = candidates.text_part[batch] + w_sector * sector
        priority_rows = rows + chunk.start
        type_ = pair_type(priorities.struct, block.profiles.struct, priority_rows, cols)
        geo = pair_geo(priorities.struct, block.profiles.struct, priority_rows, cols)
        totals = model.finish(base, type_, geo)
        floors = np.maximum(candidates.floors, top.floor(chunk.start, chunk.stop))
        ok = np.flatnonzero(totals >= floors[rows])

        kept = (rows[ok], cols[ok], sector[ok], type_[ok], geo[ok])
        top.merge(
            chunk.start,
            kept[0],
            kept[1] + block.start,
            totals[ok],
            partial(_describe, priorities.text, block.profiles.text, chunk.start, kept),
        )


def _describe(
    priority_text: np.ndarray,
    profile_text: np.ndarray,
    row_offset: int,
    kept: tuple[np.ndarray, ...],
    selected: np.ndarray,
) -> np.ndarray:
    """Return the components of the selected kept pairs; the cosine as pair_scores has it."""
    rows, cols, sector, type_, geo = (x[selected] for x in kept)
    text = np.einsum("ij,ij->i", priority_text[rows + row_offset], profile_text[cols])
    return np.clip(np.column_stack([text, sector, type_, geo]), 0.0, 1.0)


def _chunks(
    model: PartnershipRanker,
    n_priorities: int,
    blocks: Iterable[tuple[int, SideMatrix]],
    chunk_size: int,
    top: RunningTopK,
    min_score: float,
) -> Iterator[Chunk]:
    """Yield the chunks of every profile block in order, with the floors as they stand."""
    width = len(model.struct_encoder_.nodes_) + 1
    for start, profiles in blocks:
        block = ProfileBlock.of(start, profiles, width)
        for a in range(0, n_priorities, chunk_size):
            b = min(a + chunk_size, n_priorities)
            floor = top.floor(a, b)
            yield Chunk(
                block, a, b, np.maximum(floor, np.float32(min_score)), not np.isfinite(floor).all()
            )


def top_k_matches(
    model: PartnershipRanker,
    priorities: Sequence[PriorityInput],
    profiles: Sequence[ProfileInput],
    *,
    top_k: int = 20,
    min_score: float = 0.2,
    chunk_size: int = 500,
    n_jobs: int = 2,
    block_size: int = 10_000,
    processes: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[Match]:
    """Return the top_k profiles (score >= min_score) per priority, best first.

    processes=False encodes every block in this process (a web request must never fork);
    progress, if given, is called with the number of profiles scored after each block.
    """
    if min(top_k, chunk_size, block_size, n_jobs) < 1:
        raise RankingError("top_k, chunk_size, block_size and n_jobs must be positive")
    priorities, profiles = list(priorities), list(profiles)
    if not priorities or not profiles:
        return []
    # Profile blocks are encoded in other processes while this one transforms the priorities.
    with BlockEncoder(model, profiles, block_size, n_jobs, processes=processes) as blocks:
        return top_k_in_blocks(
            model,
            priorities,
            blocks,
            [p.key for p in profiles],
            top_k=top_k,
            min_score=min_score,
            chunk_size=chunk_size,
            n_jobs=n_jobs,
            progress=progress,
        )


def top_k_in_blocks(
    model: PartnershipRanker,
    priorities: Sequence[PriorityInput],
    blocks: Iterable[tuple[int, SideMatrix]],
    profile_keys: Sequence[object],
    *,
    top_k: int = 20,
    min_score: float = 0.2,
    chunk_size: int = 500,
    n_jobs: int = 2,
    progress: Callable[[int], None] | None = None,
) -> list[Match]:
    """top_k_matches over profiles already encoded in blocks (offset, features), in order.

    The distributed re-rank calls this on a chunk of the priorities with blocks read from its
    shared artefact: each priority's top-k depends on that priority alone, so chunks of the
    priorities give exactly the rows of the whole. Chunk products run in n_jobs threads, one
    BLAS thread each, while this thread merges.
    """
    if min(top_k, chunk_size, n_jobs) < 1:
        raise RankingError("top_k, chunk_size and n_jobs must be positive")
    priorities = list(priorities)
    if not priorities or not profile_keys:
        return []
    priority_features = model.transform_priorities(priorities)
    top = RunningTopK(len(priority_features), top_k)
    chunks = _chunks(model, len(priority_features), blocks, chunk_size, top, min_score)
    stage = ProductStage(model, priority_features, top_k)
    with (
        threadpool_limits(limits=1, user_api="blas"),
        closing(ahead(chunks, stage, n_jobs)) as scored,
    ):
        for chunk, candidates in scored:
            _merge_candidates(model, priority_features, chunk, candidates, top)
            if progress is not None and chunk.stop == len(priority_features):
                progress(chunk.block.stop)  # the block's last chunk is merged
    return _to_matches(priority_features, profile_keys, top)


def _to_matches(
    priorities: SideMatrix, profile_keys: Sequence[object], top: RunningTopK
) -> list[Match]:
    """Convert the final top-k into Match records."""
    rows, slots = np.nonzero(np.isfinite(top.scores))
    keys = [profile_keys[j] for j in top.profiles[rows, slots].tolist()]
    scores = top.scores[rows, slots].tolist()
    components = map(tuple, top.components[rows, slots].tolist())
    return list(map(Match, [priorities.keys[r] for r in rows.tolist()], keys, scores, components))


class RankingIndex:
    """Transformed features of one side, cached for fast one-against-many scoring."""

    def __init__(
        self,
        model: PartnershipRanker,
        items: Sequence[PriorityInput] | Sequence[ProfileInput],
        side: Side,
    ) -> None:
        if side not in ("priority", "profile"):
            raise RankingError("side must be 'priority' or 'profile'")
        self.model, self.side = model, side
        items = list(items)
        matrix = (
            model.transform_priorities(items)
            if side == "priority"
            else model.transform_profiles(items)
        )
        self.matrix = matrix
        # Priorities carry w_text, so one matrix-vector product gives the text part directly.
        self.text = np.ascontiguousarray(
            model.scaled_text(matrix) if side == "priority" else matrix.text
        )
        struct = matrix.struct
        # Sector rows hold a handful of non-zeros: a sparse matrix-vector product is cheapest.
        width = len(model.struct_encoder_.nodes_) + 1
        dense = struct.sector if side == "priority" else dense_sector(struct, width)
        self.sector = sp.csr_matrix(dense, dtype=np.float32)
        self.types = np.ascontiguousarray(struct.types.T) if side == "priority" else struct.types

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
        model, indexed = self.model, self.matrix.struct
        if self.side == "profile":  # `one` is a priority
            features = model.transform_priorities([one])
            own = features.struct
            text_part = self.text @ model.scaled_text(features)[0]
            sector = self.sector @ own.sector[0]
            type_ = own.types[0][self.types]
            geo = geo_fit(own.country[0][indexed.country], indexed.state, own.state[0])
        else:  # `one` is a profile
            features = model.transform_profiles([one])
            own = features.struct
            text_part = self.text @ features.text[0]
            sector = self.sector @ dense_sector(own, self.sector.shape[1])[0]
            type_ = self.types[own.types[0]]
            geo = geo_fit(indexed.country[:, own.country[0]], own.state[0], indexed.state)
        np.maximum(text_part, 0.0, out=text_part)
        total, _ = model.gated_total(
            text_part, sector.astype(np.float32, copy=False), type_, geo.astype(np.float32)
        )
        return total, features


def score_one_against_many(
    model: PartnershipRanker,
    one: PriorityInput | ProfileInput,
    others: RankingIndex | Sequence,
    side: Side | None = None,
    top_k: int = 20,
    min_score: float = 0.2,
) -> list[Match]:
    """Rank an index of the other side for one new item; `side` is the side of `one`."""
    side = side or ("priority" if isinstance(one, PriorityInput) else "profile")
    other_side: Side = "profile" if side == "priority" else "priority"
    index = others if isinstance(others, RankingIndex) else RankingIndex(model, others, other_side)
    if index.side != other_side:
        raise RankingError(f"a {side} must be scored against an index of {other_side}s")
    if len(index) == 0:
        return []
    total, features = index.scores(one)
    k = min(top_k, len(total))
    best = np.argpartition(total, len(total) - k)[len(total) - k :]
    kth = total[best].min()
    # Pairs tied with the k-th score compete by position, as in the full re-rank.
    best = np.flatnonzero(total >= max(kth, min_score))
    best = best[np.lexsort((best, -total[best]))][:k]
    if len(best) == 0:
        return []
    only = np.zeros(len(best), np.intp)
    if side == "priority":
        _, components, _ = model.pair_scores(features, index.matrix, only, best)
        pairs = [(features.keys[0], index.matrix.keys[j]) for j in best]
    else:
        _, components, _ = model.pair_scores(index.matrix, features, best, only)
        pairs = [(index.matrix.keys[j], features.keys[0]) for j in best]
    return [
        Match(priority_key, profile_key, float(total[j]), tuple(c))
        for (priority_key, profile_key), j, c in zip(pairs, best, components.tolist(), strict=True)
    ]
