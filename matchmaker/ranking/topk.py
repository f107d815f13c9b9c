"""The merge of the full re-rank: the best k profiles per priority, as candidates arrive."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .estimator import COMPONENTS

_NO_PROFILE = np.iinfo(np.int64).max  # an empty slot sorts after every real profile index


class RunningTopK:
    """Best k (score, profile index) per priority so far; ties keep the lower profile index."""

    def __init__(self, n_priorities: int, k: int) -> None:
        self.k = k
        self.scores = np.full((n_priorities, k), -np.inf, dtype=np.float32)
        self.profiles = np.full((n_priorities, k), _NO_PROFILE, dtype=np.int64)
        self.components = np.zeros((n_priorities, k, len(COMPONENTS)), dtype=np.float32)

    def floor(self, start: int, stop: int) -> np.ndarray:
        """Return the current k-th best score of rows start:stop (a lower bound of the final)."""
        return self.scores[start:stop, -1]

    def merge(
        self,
        row_offset: int,
        rows: np.ndarray,
        profiles: np.ndarray,
        scores: np.ndarray,
        describe: Callable[[np.ndarray], np.ndarray],
    ) -> None:
        """Fold candidates (row within the chunk, profile index, score) into the top-k.

        describe(indices) returns the components of the candidates at those indices; it is
        asked only for the at most k best candidates per row.
        """
        if len(rows) == 0:
            return
        order = np.lexsort((profiles, -scores, rows))
        rank = np.arange(len(rows)) - np.searchsorted(rows[order], rows[order], side="left")
        order, rank = order[rank < self.k], rank[rank < self.k]
        rows, profiles, scores = rows[order], profiles[order], scores[order]
        components = describe(order)
        touched = np.unique(rows)
        new_scores = np.full((len(touched), self.k), -np.inf, dtype=np.float32)
        new_profiles = np.full((len(touched), self.k), _NO_PROFILE, dtype=np.int64)
        new_components = np.zeros((len(touched), self.k, components.shape[1]), dtype=np.float32)
        slot = np.searchsorted(touched, rows)
        new_scores[slot, rank], new_profiles[slot, rank] = scores, profiles
        new_components[slot, rank] = components
        at = touched + row_offset
        all_scores = np.concatenate([self.scores[at], new_scores], axis=1)
        all_profiles = np.concatenate([self.profiles[at], new_profiles], axis=1)
        all_components = np.concatenate([self.components[at], new_components], axis=1)
        best = np.lexsort((all_profiles, -all_scores), axis=1)[:, : self.k]
        self.scores[at] = np.take_along_axis(all_scores, best, axis=1)
        self.profiles[at] = np.take_along_axis(all_profiles, best, axis=1)
        self.components[at] = np.take_along_axis(all_components, best[:, :, None], axis=1)
