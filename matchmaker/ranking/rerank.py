"""Top-k matching at scale: blocked GEMMs, per-row partial sorts and a cached index for updates."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from .errors import RankingError
from .estimator import COMPONENTS, PartnershipRanker, SideMatrix
from .inputs import PriorityInput, ProfileInput

Side = Literal["priority", "profile"]


@dataclass(frozen=True)
class Match:
    """One recommended priority x profile pair."""

    priority_key: object
    profile_key: object
    score: float
    components: dict[str, float]


def pair_components(model: PartnershipRanker, pm: SideMatrix, cm: SideMatrix) -> np.ndarray:
    """Return (n, 4) unweighted components for row-aligned priority/profile pairs."""
    sl = model.struct_encoder_.slices_

    def dot(name: str) -> np.ndarray:
        return np.einsum("ij,ij->i", pm.struct[:, sl[name]], cm.struct[:, sl[name]])

    out = np.column_stack([
        np.maximum(np.einsum("ij,ij->i", pm.text, cm.text), 0.0),
        dot("sector"), dot("type"), dot("country") + dot("state"),
    ])
    return np.clip(out, 0.0, 1.0)


def _top_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (values, column indices) of the k best entries per row, ties by lower column."""
    n_rows, n = scores.shape
    if n <= k:
        return scores.copy(), np.broadcast_to(np.arange(n), scores.shape).copy()
    # np.partition on values is ~8x cheaper than argpartition; a threshold then picks candidates.
    kth = np.partition(scores, n - k, axis=1)[:, n - k]
    # flatnonzero is far cheaper than 2-D nonzero on a mostly-False mask.
    flat = np.flatnonzero(scores >= kth[:, None])
    rows, cols = np.divmod(flat, n)
    vals = scores.ravel()[flat]
    order = np.lexsort((cols, -vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    keep = (np.arange(len(rows)) - starts[rows]) < k
    return vals[keep].reshape(n_rows, k), cols[keep].reshape(n_rows, k).astype(np.int64)


def _score_block(model: PartnershipRanker, pm: SideMatrix, pw: np.ndarray,
                 profiles: Sequence[ProfileInput], start: int, chunk_size: int,
                 k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score one profile block against all priorities; return top-k values, ids, components."""
    cm = model.transform_profiles(profiles)
    n_p = len(pm)
    vals = np.empty((n_p, min(k, len(cm))), dtype=np.float32)
    cols = np.empty_like(vals, dtype=np.int64)
    comps = np.empty(vals.shape + (len(COMPONENTS),), dtype=np.float32)
    for a in range(0, n_p, chunk_size):
        b = min(a + chunk_size, n_p)
        total = model.total_block(pm.text[a:b], pw[a:b], cm)
        v, c = _top_rows(total, vals.shape[1])
        del total  # free the chunk x block matrix before the next chunk
        vals[a:b], cols[a:b] = v, c
        rows = np.repeat(np.arange(a, b), c.shape[1])
        comps[a:b] = pair_components(model, pm.rows(rows), cm.rows(c.ravel())).reshape(
            c.shape + (len(COMPONENTS),))
    return vals, cols + start, comps


def top_k_matches(model: PartnershipRanker, priorities: Sequence[PriorityInput],
                  profiles: Sequence[ProfileInput], *, top_k: int = 20, min_score: float = 0.2,
                  chunk_size: int = 2000, n_jobs: int = 2,
                  block_size: int = 10_000) -> list[Match]:
    """Return the top_k profiles (score >= min_score) per priority, best first."""
    if top_k < 1 or chunk_size < 1 or block_size < 1:
        raise RankingError("top_k, chunk_size and block_size must be positive")
    priorities, n_c = list(priorities), len(profiles)
    if not priorities or n_c == 0:
        return []
    pm = model.transform_priorities(priorities)
    pw = model.weighted_struct(pm)
    n_p = len(pm)
    # Threads suffice: BLAS, partitions and einsum release the GIL; results stream back per
    # block so memory stays at (chunk x block) per worker plus the running (P x k) best lists.
    jobs = (delayed(_score_block)(model, pm, pw, profiles[a:a + block_size], a, chunk_size, top_k)
            for a in range(0, n_c, block_size))
    # One BLAS thread per worker: n_jobs workers x multi-threaded BLAS would oversubscribe.
    limit = threadpool_limits(limits=1, user_api="blas") if n_jobs != 1 else nullcontext()
    with limit:
        blocks = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(jobs)
        # Keep only the final running state; earlier ones are freed as blocks arrive.
        best_v, best_i, best_c = deque(_merge_blocks(blocks, n_p, top_k), maxlen=1)[0]
    return _to_matches(pm.keys, [c.key for c in profiles], best_v, best_i, best_c, min_score)


def _merge_blocks(blocks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], n_p: int,
                  top_k: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Fold per-block top-k lists into a running top-k; yields the running state."""
    best_v = np.full((n_p, 0), -1.0, dtype=np.float32)
    best_i = np.zeros((n_p, 0), dtype=np.int64)
    best_c = np.zeros((n_p, 0, len(COMPONENTS)), dtype=np.float32)
    yield best_v, best_i, best_c
    for vals, cols, comps in blocks:
        v = np.concatenate([best_v, vals], axis=1)
        i = np.concatenate([best_i, cols], axis=1)
        c = np.concatenate([best_c, comps], axis=1)
        # Order by score, then by profile position so ties resolve like a stable sort.
        order = np.lexsort((i, -v), axis=1)[:, :top_k] if v.size else np.zeros((n_p, 0), int)
        best_v = np.take_along_axis(v, order, axis=1)
        best_i = np.take_along_axis(i, order, axis=1)
        best_c = np.take_along_axis(c, order[:, :, None], axis=1)
        yield best_v, best_i, best_c


def _to_matches(p_keys: Sequence, c_keys: Sequence, vals: np.ndarray, cols: np.ndarray,
                comps: np.ndarray, min_score: float) -> list[Match]:
    """Convert sorted top-k arrays into Match records above min_score."""
    out = []
    for r, pk in enumerate(p_keys):
        for v, j, comp in zip(vals[r], cols[r], comps[r], strict=True):
            if v >= min_score:
                out.append(Match(pk, c_keys[j], float(v),
                                 dict(zip(COMPONENTS, map(float, comp), strict=True))))
    return out


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
        self.text = np.ascontiguousarray(m.text)
        # Structured rows hold ~15 non-zeros, so a sparse matvec beats a dense one.
        struct = model.weighted_struct(m) if side == "priority" else m.struct
        self.struct = sp.csr_matrix(struct)

    def __len__(self) -> int:
        """Return the number of indexed items."""
        return len(self.matrix)

    def scores(self, one: PriorityInput | ProfileInput) -> tuple[np.ndarray, SideMatrix]:
        """Return the total score of `one` against every indexed item, and its features."""
        model = self.model
        if self.side == "profile":
            q = model.transform_priorities([one])
            q_struct = model.weighted_struct(q)[0]
        else:
            q = model.transform_profiles([one])
            q_struct = q.struct[0]
        total = self.text @ q.text[0]
        np.maximum(total, 0.0, out=total)
        total *= np.float32(model.weights_["text"])
        total += self.struct @ q_struct
        np.clip(total, 0.0, 1.0, out=total)
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
    cand = cand[total[cand] >= min_score]
    cand = cand[np.lexsort((cand, -total[cand]))]
    return _incremental_matches(model, index, q, side, cand, total)


def _incremental_matches(model: PartnershipRanker, index: RankingIndex, q: SideMatrix,
                         side: Side, cand: np.ndarray, total: np.ndarray) -> list[Match]:
    """Build Match records with components for the selected candidates."""
    if len(cand) == 0:
        return []
    other = index.matrix.rows(cand)
    same = q.rows(np.zeros(len(cand), dtype=int))
    if side == "priority":
        comps = pair_components(model, same, other)
        pairs = [(q.keys[0], k) for k in other.keys]
    else:
        comps = pair_components(model, other, same)
        pairs = [(k, q.keys[0]) for k in other.keys]
    return [Match(pk, ck, float(total[j]), dict(zip(COMPONENTS, map(float, c), strict=True)))
            for (pk, ck), j, c in zip(pairs, cand, comps, strict=True)]
