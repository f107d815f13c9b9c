"""PartnershipRanker: a scikit-learn style estimator scoring priority x company fit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .errors import RankingError
from .explain import Explanation, ScoreBreakdown, build_explanation
from .features import StructEncoder, TextEncoder, priority_text, profile_text
from .inputs import PriorityInput, ProfileInput

COMPONENTS = ("text", "sector", "type", "geo")


@dataclass(frozen=True)
class SideMatrix:
    """Transformed features of one side: LSA text vectors and structured one-hot vectors."""

    keys: tuple
    text: np.ndarray
    struct: np.ndarray

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.keys)

    def rows(self, index) -> SideMatrix:
        """Return a subset of rows."""
        idx = np.asarray(index)
        return SideMatrix(tuple(self.keys[i] for i in idx), self.text[idx], self.struct[idx])


class PartnershipRanker(BaseEstimator):
    """Weighted blend of text, NAICS, partnership-type and geography fit, each in [0, 1]."""

    def __init__(self, w_text: float = 0.75, w_sector: float = 0.15, w_type: float = 0.05,
                 w_geo: float = 0.05, ngram_range: tuple[int, int] = (1, 1),
                 min_df: int | float = 1, max_df: float = 1.0,
                 max_features: int | None = 200_000, n_components: int = 192,
                 lexicon_weight: float = 2.0, title_repeat: int = 2, type_decay: float = 0.5,
                 sector_level_weights: tuple[float, float, float] = (0.25, 0.25, 0.5),
                 random_state: int | None = 0) -> None:
        self.w_text = w_text
        self.w_sector = w_sector
        self.w_type = w_type
        self.w_geo = w_geo
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.n_components = n_components
        self.lexicon_weight = lexicon_weight
        self.title_repeat = title_repeat
        self.type_decay = type_decay
        self.sector_level_weights = sector_level_weights
        self.random_state = random_state

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, priorities: Sequence[PriorityInput],
            profiles: Sequence[ProfileInput] | None = None) -> PartnershipRanker:
        """Learn text vocabulary/LSA and structured vocabularies from both sides."""
        priorities, profiles = list(priorities), list(profiles or [])
        if not priorities and not profiles:
            raise RankingError("fit needs at least one priority or profile")
        weights = self._weight_vector()
        if (weights < 0).any() or weights.sum() <= 0:
            raise RankingError("weights must be non-negative with a positive sum")
        level_w = np.asarray(self.sector_level_weights, dtype=float)
        level_w = level_w / level_w.sum()  # so an exact 4-digit match scores 1
        texts = [priority_text(p, self.title_repeat) for p in priorities]
        texts += [profile_text(c) for c in profiles]
        self.text_encoder_ = TextEncoder(
            ngram_range=tuple(self.ngram_range), min_df=self.min_df, max_df=self.max_df,
            max_features=self.max_features, n_components=self.n_components,
            lexicon_weight=self.lexicon_weight, random_state=self.random_state,
        ).fit(texts)
        self.struct_encoder_ = StructEncoder(level_w, self.type_decay).fit(priorities, profiles)
        self.weights_ = dict(zip(COMPONENTS, weights / weights.sum(), strict=True))
        self.n_fit_priorities_, self.n_fit_profiles_ = len(priorities), len(profiles)
        return self

    def _weight_vector(self) -> np.ndarray:
        """Return the raw component weights in COMPONENTS order."""
        return np.array([self.w_text, self.w_sector, self.w_type, self.w_geo], dtype=float)

    # ---- transforming --------------------------------------------------------------------
    def transform_priorities(self, priorities: Sequence[PriorityInput]) -> SideMatrix:
        """Return transformed features of priorities."""
        check_is_fitted(self, "weights_")
        priorities = list(priorities)
        text = self.text_encoder_.transform([priority_text(p, self.title_repeat)
                                             for p in priorities])
        return SideMatrix(tuple(p.key for p in priorities), text,
                          self.struct_encoder_.transform_priorities(priorities))

    def transform_profiles(self, profiles: Sequence[ProfileInput]) -> SideMatrix:
        """Return transformed features of company profiles."""
        check_is_fitted(self, "weights_")
        profiles = list(profiles)
        text = self.text_encoder_.transform([profile_text(c) for c in profiles])
        return SideMatrix(tuple(c.key for c in profiles), text,
                          self.struct_encoder_.transform_profiles(profiles))

    def weighted_struct(self, pm: SideMatrix) -> np.ndarray:
        """Return priority structured vectors pre-scaled by their normalised component weights."""
        check_is_fitted(self, "weights_")
        out = pm.struct.copy()
        sl = self.struct_encoder_.slices_
        out[:, sl["sector"]] *= self.weights_["sector"]
        out[:, sl["type"]] *= self.weights_["type"]
        out[:, sl["country"]] *= self.weights_["geo"]
        out[:, sl["state"]] *= self.weights_["geo"]
        return out

    # ---- scoring -------------------------------------------------------------------------
    def total_block(self, pm_text: np.ndarray, pm_wstruct: np.ndarray, cm: SideMatrix,
                    out_buffer: np.ndarray | None = None) -> np.ndarray:
        """Return total scores (priorities x profiles) with two GEMMs and no pair loop."""
        total = np.matmul(pm_text, cm.text.T, out=out_buffer)
        # LSA cosines can dip below zero; the text component is defined as max(cos, 0).
        np.maximum(total, 0.0, out=total)
        total *= np.float32(self.weights_["text"])
        total += pm_wstruct @ cm.struct.T
        np.clip(total, 0.0, 1.0, out=total)
        return total

    def component_block(self, pm: SideMatrix, cm: SideMatrix) -> dict[str, np.ndarray]:
        """Return each unweighted component as a dense priorities x profiles matrix."""
        check_is_fitted(self, "weights_")
        sl = self.struct_encoder_.slices_

        def part(name: str) -> np.ndarray:
            return pm.struct[:, sl[name]] @ cm.struct[:, sl[name]].T

        comps = {
            "text": np.maximum(pm.text @ cm.text.T, 0.0),
            "sector": part("sector"),
            "type": part("type"),
            "geo": part("country") + part("state"),
        }
        return {k: np.clip(v, 0.0, 1.0) for k, v in comps.items()}

    def score_matrix(self, priorities: Sequence[PriorityInput] | SideMatrix,
                     profiles: Sequence[ProfileInput] | SideMatrix,
                     ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Return (total, components) dense matrices of shape (n_priorities, n_profiles)."""
        pm = priorities if isinstance(priorities, SideMatrix) else self.transform_priorities(
            priorities)
        cm = profiles if isinstance(profiles, SideMatrix) else self.transform_profiles(profiles)
        total = self.total_block(pm.text, self.weighted_struct(pm), cm)
        return total, self.component_block(pm, cm)

    def score_pair(self, priority: PriorityInput, profile: ProfileInput) -> ScoreBreakdown:
        """Return the total and components for one pair."""
        total, comps = self.score_matrix([priority], [profile])
        return ScoreBreakdown(
            total=float(total[0, 0]),
            components={k: float(v[0, 0]) for k, v in comps.items()},
            weights=dict(self.weights_),
        )

    def explain(self, priority: PriorityInput, profile: ProfileInput,
                n_terms: int = 8) -> Explanation:
        """Return a plain-language explanation of one pair's score."""
        breakdown = self.score_pair(priority, profile)
        enc = self.text_encoder_
        vecs = enc.transform_sparse([priority_text(priority, self.title_repeat),
                                     profile_text(profile)])
        prod = vecs[0].multiply(vecs[1]).tocoo()
        order = np.argsort(-prod.data, kind="stable")[:n_terms]
        terms = [(str(enc.feature_names_[prod.col[i]]), float(prod.data[i])) for i in order]
        return build_explanation(priority, profile, breakdown, terms)
