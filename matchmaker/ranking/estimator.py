"""PartnershipRanker: a scikit-learn style estimator scoring priority x company fit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .errors import RankingError
from .explain import Explanation, ScoreBreakdown, build_explanation
from .features import TextEncoder, priority_text, profile_text
from .inputs import PriorityInput, ProfileInput
from .structured import StructEncoder, StructRows, pair_geo, pair_sector, pair_type

COMPONENTS = ("text", "sector", "type", "geo")
GATED = ("type", "geo")  # components that count only as far as the pair is on topic
_CACHE_SIZE = 4096  # items whose features score_pair keeps


@dataclass(frozen=True)
class SideMatrix:
    """Transformed features of one side: unit-norm text embeddings and structured rows."""

    keys: tuple
    text: np.ndarray
    struct: StructRows

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.keys)

    def rows(self, index) -> SideMatrix:
        """Return a subset of rows."""
        idx = np.asarray(index, dtype=np.intp)
        return SideMatrix(tuple(self.keys[i] for i in idx), self.text[idx], self.struct.rows(idx))


class PartnershipRanker(BaseEstimator):
    """Gated blend: text and sector fit, plus type and geography fit scaled by topicality.

    total = w_text*text + w_sector*sector + gate * (w_type*type + w_geo*geo), with weights
    normalised to sum 1 and gate = clip((topical - gate_start) / gate_width, 0, 1), where topical
    is the weighted mean of text and sector. Type and geography thus separate companies that are
    on topic without lifting unrelated ones; every part is in [0, 1], and so is the total.
    """

    def __init__(
        self,
        w_text: float = 0.75,
        w_sector: float = 0.25,
        w_type: float = 0.15,
        w_geo: float = 0.15,
        gate_start: float = 0.25,
        gate_width: float = 0.15,
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int | float = 1,
        max_df: float = 1.0,
        max_features: int | None = 200_000,
        n_components: int = 192,
        n_topic_components: int = 24,
        topic_mix: float = 0.5,
        lexicon_weight: float = 1.0,
        title_repeat: int = 2,
        type_decay: float = 0.25,
        sector_level_weights: tuple[float, float, float] = (0.25, 0.25, 0.5),
        random_state: int | None = 0,
    ) -> None:
        self.w_text = w_text
        self.w_sector = w_sector
        self.w_type = w_type
        self.w_geo = w_geo
        self.gate_start = gate_start
        self.gate_width = gate_width
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.n_components = n_components
        self.n_topic_components = n_topic_components
        self.topic_mix = topic_mix
        self.lexicon_weight = lexicon_weight
        self.title_repeat = title_repeat
        self.type_decay = type_decay
        self.sector_level_weights = sector_level_weights
        self.random_state = random_state

    # ---- fitting -------------------------------------------------------------------------
    def fit(
        self, priorities: Sequence[PriorityInput], profiles: Sequence[ProfileInput] | None = None
    ) -> PartnershipRanker:
        """Learn text vocabulary/LSA and structured vocabularies from both sides."""
        priorities, profiles = list(priorities), list(profiles or [])
        if not priorities and not profiles:
            raise RankingError("fit needs at least one priority or profile")
        weights = np.array([self.w_text, self.w_sector, self.w_type, self.w_geo], dtype=float)
        if (weights < 0).any() or weights.sum() <= 0:
            raise RankingError("weights must be non-negative with a positive sum")
        if not 0.0 <= self.topic_mix <= 1.0:
            raise RankingError("topic_mix must be in [0, 1]")
        level_w = np.asarray(self.sector_level_weights, dtype=float)
        level_w = level_w / level_w.sum()  # so an exact 4-digit match scores 1
        texts = [priority_text(p, self.title_repeat) for p in priorities]
        texts += [profile_text(c) for c in profiles]
        self.text_encoder_ = TextEncoder(
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            max_df=self.max_df,
            max_features=self.max_features,
            n_components=self.n_components,
            n_topic_components=self.n_topic_components,
            topic_mix=self.topic_mix,
            lexicon_weight=self.lexicon_weight,
            random_state=self.random_state,
        ).fit(texts)
        self.struct_encoder_ = StructEncoder(level_w, self.type_decay).fit(priorities, profiles)
        self.weights_ = dict(zip(COMPONENTS, weights / weights.sum(), strict=True))
        self.__dict__.pop("_one_cache", None)  # memoised features belong to the old fit
        self.n_fit_priorities_, self.n_fit_profiles_ = len(priorities), len(profiles)
        return self

    # ---- transforming --------------------------------------------------------------------
    def transform_priorities(self, priorities: Sequence[PriorityInput]) -> SideMatrix:
        """Return transformed features of priorities."""
        check_is_fitted(self, "weights_")
        priorities = list(priorities)
        text = self.text_encoder_.transform(
            [priority_text(p, self.title_repeat) for p in priorities]
        )
        return SideMatrix(
            tuple(p.key for p in priorities),
            text,
            self.struct_encoder_.transform_priorities(priorities),
        )

    def transform_profiles(self, profiles: Sequence[ProfileInput]) -> SideMatrix:
        """Return transformed features of company profiles."""
        check_is_fitted(self, "weights_")
        profiles = list(profiles)
        text = self.text_encoder_.transform([profile_text(c) for c in profiles])
        return SideMatrix(
            tuple(c.key for c in profiles), text, self.struct_encoder_.transform_profiles(profiles)
        )

    # ---- scoring -------------------------------------------------------------------------
    def scaled_text(self, pm: SideMatrix) -> np.ndarray:
        """Return priority embeddings times w_text, so one product gives w_text * cosine."""
        return pm.text * np.float32(self.weights_["text"])

    def gate(self, base: np.ndarray) -> np.ndarray:
        """Return clip((topical - gate_start) / gate_width, 0, 1) from the weighted topical base."""
        topical_w = float(self.weights_["text"] + self.weights_["sector"])
        if topical_w <= 0:  # no topical weight: nothing to gate on
            return np.ones_like(base)
        width = max(float(self.gate_width), 1e-9)
        gate = base * np.float32(1.0 / (topical_w * width))
        gate -= np.float32(self.gate_start / width)
        return np.clip(gate, 0.0, 1.0, out=gate)

    def finish(self, base: np.ndarray, type_: np.ndarray, geo: np.ndarray) -> np.ndarray:
        """Return the total from the topical base and the gated parts; every path uses this."""
        w = self.weights_
        total = self.gate(base) * (np.float32(w["type"]) * type_ + np.float32(w["geo"]) * geo)
        total += base
        return np.clip(total, 0.0, 1.0, out=total)

    def gated_total(
        self, text_part: np.ndarray, sector: np.ndarray, type_: np.ndarray, geo: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (total, gate) from w_text*text and the raw parts."""
        base = text_part + np.float32(self.weights_["sector"]) * sector
        return self.finish(base, type_, geo), self.gate(base)

    def pair_scores(
        self,
        pm: SideMatrix,
        cm: SideMatrix,
        pi: np.ndarray,
        cj: np.ndarray,
        text_part: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (total, components (n, 4), gate) for priority/profile index pairs."""
        check_is_fitted(self, "weights_")
        cos = np.einsum("ij,ij->i", pm.text[pi], cm.text[cj])
        text = np.clip(cos, 0.0, 1.0)
        if text_part is None:
            w_text = np.float32(self.weights_["text"])
            text_part = np.maximum(np.einsum("ij,ij->i", pm.text[pi] * w_text, cm.text[cj]), 0.0)
        sector = pair_sector(pm.struct, cm.struct, pi, cj)
        type_ = pair_type(pm.struct, cm.struct, pi, cj)
        geo = pair_geo(pm.struct, cm.struct, pi, cj)
        total, gate = self.gated_total(text_part, sector, type_, geo)
        comps = np.clip(np.column_stack([text, sector, type_, geo]), 0.0, 1.0)
        return total, comps, gate

    def score_matrix(
        self,
        priorities: Sequence[PriorityInput] | SideMatrix,
        profiles: Sequence[ProfileInput] | SideMatrix,
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Return (total, unweighted components) as dense (n_priorities, n_profiles) matrices."""
        check_is_fitted(self, "weights_")
        pm = (
            priorities
            if isinstance(priorities, SideMatrix)
            else self.transform_priorities(priorities)
        )
        cm = profiles if isinstance(profiles, SideMatrix) else self.transform_profiles(profiles)
        pi, cj = np.arange(len(pm))[:, None], np.arange(len(cm))[None, :]
        text_part = np.maximum(self.scaled_text(pm) @ cm.text.T, 0.0)
        parts = {
            "text": np.clip(pm.text @ cm.text.T, 0.0, 1.0),
            "sector": pair_sector(pm.struct, cm.struct, pi, cj),
            "type": pair_type(pm.struct, cm.struct, pi, cj),
            "geo": pair_geo(pm.struct, cm.struct, pi, cj),
        }
        total, _ = self.gated_total(text_part, parts["sector"], parts["type"], parts["geo"])
        return total, {k: np.clip(v, 0.0, 1.0) for k, v in parts.items()}

    def _one(self, item: PriorityInput | ProfileInput) -> SideMatrix:
        """Return one item's features, memoised: pair-by-pair callers reuse each item many times."""
        cache = self.__dict__.setdefault("_one_cache", {})
        try:
            hit = cache.get(item)
        except TypeError:  # unhashable key: transform without caching
            hit, cache = None, None
        if hit is None:
            is_priority = isinstance(item, PriorityInput)
            hit = (
                self.transform_priorities([item])
                if is_priority
                else self.transform_profiles([item])
            )
            if cache is not None:
                if len(cache) >= _CACHE_SIZE:
                    cache.clear()
                cache[item] = hit
        return hit

    def __getstate__(self) -> dict:
        """Leave the per-item memo out of pickles."""
        state = super().__getstate__()
        state.pop("_one_cache", None)
        return state

    def score_pair(self, priority: PriorityInput, profile: ProfileInput) -> ScoreBreakdown:
        """Return the total, components and gate for one pair."""
        pm, cm = self._one(priority), self._one(profile)
        zero = np.zeros(1, dtype=np.intp)
        total, comps, gate = self.pair_scores(pm, cm, zero, zero)
        return ScoreBreakdown(
            total=float(total[0]),
            components={k: float(v) for k, v in zip(COMPONENTS, comps[0], strict=True)},
            weights=dict(self.weights_),
            gate=float(gate[0]),
            gated=GATED,
        )

    def explain(
        self, priority: PriorityInput, profile: ProfileInput, n_terms: int = 8
    ) -> Explanation:
        """Return a plain-language explanation of one pair's score."""
        breakdown = self.score_pair(priority, profile)
        enc = self.text_encoder_
        vecs = enc.transform_sparse(
            [priority_text(priority, self.title_repeat), profile_text(profile)]
        )
        prod = vecs[0].multiply(vecs[1]).tocoo()
        order = np.argsort(-prod.data, kind="stable")[:n_terms]
        terms = [(str(enc.feature_names_[prod.col[i]]), float(prod.data[i])) for i in order]
        return build_explanation(priority, profile, breakdown, terms)
