"""Learning the score weights from staff decisions: the time split, the fit and its metric.

A label is one decided suggestion with a graded relevance (services/matching/labels.py says
which decisions count). The weights are fitted on the earlier decisions only and judged by
NDCG@10 on the later ones, per priority over its decided companies, as an office saw them.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .errors import RankingError
from .estimator import COMPONENTS, PartnershipRanker
from .inputs import PriorityInput, ProfileInput

K = 10
GRID_STEP = 0.05  # weights are searched on this grid of the simplex (1,771 blends)
MIN_TOPICAL = 0.2  # text + sector keep at least this share: type and geography are gated on it


@dataclass(frozen=True)
class Label:
    """One decided priority x profile pair and how good the decision says it was."""

    priority_key: Hashable
    profile_key: Hashable
    grade: int
    decided_at: datetime


@dataclass(frozen=True)
class Split:
    """Labels fitted on (decided before the cutoff) and held out (decided at or after it)."""

    train: tuple[Label, ...]
    held_out: tuple[Label, ...]
    cutoff: datetime


def time_split(labels: Sequence[Label], holdout: float = 0.2) -> Split:
    """Hold out the latest `holdout` share of decisions; everything decided at or after the
    first held-out decision's time is held out too, so no fitted label shares its period."""
    if not 0.0 < holdout < 1.0:
        raise RankingError("the held-out share must be between 0 and 1")
    ordered = sorted(labels, key=lambda x: (x.decided_at, str(x.priority_key), str(x.profile_key)))
    if len(ordered) < 2:
        raise RankingError("a time split needs at least two decisions")
    n_held = max(1, math.ceil(len(ordered) * holdout))
    cutoff = ordered[len(ordered) - n_held].decided_at
    train = tuple(x for x in ordered if x.decided_at < cutoff)
    held = tuple(x for x in ordered if x.decided_at >= cutoff)
    return Split(train, held, cutoff)


class Queries:
    """Labels grouped per priority, padded into matrices so NDCG@10 of many blends is cheap.

    Only priorities with two or more decided companies and at least one positive grade
    count: with one company, or none worth suggesting, every order scores the same.
    """

    def __init__(self, labels: Sequence[Label]) -> None:
        groups: dict[Hashable, list[int]] = {}
        for i, x in enumerate(labels):
            groups.setdefault(x.priority_key, []).append(i)
        kept = [
            sorted(rows, key=lambda i: str(labels[i].profile_key))  # ties go by profile key
            for rows in groups.values()
            if len(rows) >= 2 and any(labels[i].grade > 0 for i in rows)
        ]
        width = max((len(r) for r in kept), default=0)
        self.n_queries, self.n_labels = len(kept), sum(map(len, kept))
        self.index = np.zeros((len(kept), width), dtype=np.intp)
        self.valid = np.zeros((len(kept), width), dtype=bool)
        gains = np.zeros((len(kept), width))
        for q, rows in enumerate(kept):
            self.index[q, : len(rows)] = rows
            self.valid[q, : len(rows)] = True
            gains[q, : len(rows)] = [2.0 ** labels[i].grade - 1 for i in rows]
        self.gains = gains
        self.discounts = 1.0 / np.log2(np.arange(2, K + 2))[: min(K, width)]
        ideal = -np.sort(-gains, axis=1)[:, : len(self.discounts)]
        self.idcg = (ideal * self.discounts).sum(axis=1)

    def ndcg(self, scores: np.ndarray) -> float:
        """Return the mean NDCG@10 over the priorities when each ranks by `scores` (per label)."""
        if self.n_queries == 0:
            raise RankingError("no priority with two or more decisions and a positive one")
        s = np.where(self.valid, np.asarray(scores, dtype=float)[self.index], -np.inf)
        order = np.argsort(-s, axis=1, kind="stable")[:, : len(self.discounts)]
        dcg = (np.take_along_axis(self.gains, order, axis=1) * self.discounts).sum(axis=1)
        return float(np.mean(dcg / self.idcg))


def label_components(
    model: PartnershipRanker,
    labels: Sequence[Label],
    priorities: Mapping[Hashable, PriorityInput],
    profiles: Mapping[Hashable, ProfileInput],
) -> tuple[np.ndarray, np.ndarray]:
    """Return (the model's totals, unweighted components (n, 4)) for every labelled pair."""
    p_keys = list(dict.fromkeys(x.priority_key for x in labels))
    c_keys = list(dict.fromkeys(x.profile_key for x in labels))
    pm = model.transform_priorities([priorities[k] for k in p_keys])
    cm = model.transform_profiles([profiles[k] for k in c_keys])
    p_at, c_at = {k: i for i, k in enumerate(p_keys)}, {k: i for i, k in enumerate(c_keys)}
    pi = np.array([p_at[x.priority_key] for x in labels], dtype=np.intp)
    cj = np.array([c_at[x.profile_key] for x in labels], dtype=np.intp)
    total, comps, _ = model.pair_scores(pm, cm, pi, cj)
    return np.asarray(total, dtype=float), np.asarray(comps, dtype=float)


def blend(comps: np.ndarray, weights: Sequence[float], gate_start: float, gate_width: float):
    """Return the totals the estimator's gated blend gives these components and weights."""
    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    base = w[0] * comps[:, 0] + w[1] * comps[:, 1]
    topical = w[0] + w[1]
    gate = np.clip((base / topical - gate_start) / max(gate_width, 1e-9), 0.0, 1.0)
    return np.clip(base + gate * (w[2] * comps[:, 2] + w[3] * comps[:, 3]), 0.0, 1.0)


def weight_grid(step: float = GRID_STEP) -> np.ndarray:
    """Return every weight vector on the simplex grid that keeps the topical share."""
    n = round(1 / step)
    rows = [
        (a, b, c, n - a - b - c)
        for a, b, c in itertools.product(range(n + 1), repeat=3)
        if a + b + c <= n and (a + b) * step >= MIN_TOPICAL - 1e-9
    ]
    return np.array(rows, dtype=float) / n


def fit_weights(
    model: PartnershipRanker, comps: np.ndarray, train: Sequence[Label]
) -> tuple[dict[str, float], float]:
    """Return the grid weights with the best NDCG@10 on `train` (comps row per label, in order),
    the closest to the model's own weights among equals, and that NDCG."""
    queries = Queries(train)
    if queries.n_queries == 0:
        raise RankingError("no earlier priority with two or more decisions to fit on")
    start = np.array([model.weights_[c] for c in COMPONENTS])
    best, best_key = None, None
    for w in weight_grid():
        score = queries.ndcg(blend(comps, w, model.gate_start, model.gate_width))
        key = (round(score, 12), -float(np.abs(w - start).sum()))
        if best_key is None or key > best_key:
            best, best_key = w, key
    return dict(zip(COMPONENTS, map(float, best), strict=True)), float(best_key[0])


def with_weights(model: PartnershipRanker, weights: Mapping[str, float]) -> PartnershipRanker:
    """Return a copy of a fitted model that blends its parts with other weights."""
    new = copy.deepcopy(model)
    new.set_params(**{f"w_{c}": float(weights[c]) for c in COMPONENTS})
    total = sum(float(weights[c]) for c in COMPONENTS)
    new.weights_ = {c: float(weights[c]) / total for c in COMPONENTS}
    new.__dict__.pop("_one_cache", None)
    return new
