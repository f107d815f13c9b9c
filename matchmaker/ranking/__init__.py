"""Pure-computation ranking of company profiles against city priorities."""

from .errors import EncodingWorkerLost, ModelFileRefused, ModelNotFound, RankingError, UnknownCode
from .estimator import COMPONENTS, PartnershipRanker, SideMatrix
from .explain import ComponentExplanation, Explanation, ScoreBreakdown, SectorMatch
from .inputs import PriorityInput, ProfileInput, from_dev_company, from_dev_priority
from .persistence import load_model, read_card, save_model
from .rerank import Match, RankingIndex, score_one_against_many, top_k_matches

__all__ = [
    "COMPONENTS",
    "ComponentExplanation",
    "EncodingWorkerLost",
    "Explanation",
    "Match",
    "ModelFileRefused",
    "ModelNotFound",
    "PartnershipRanker",
    "PriorityInput",
    "ProfileInput",
    "RankingError",
    "RankingIndex",
    "ScoreBreakdown",
    "SectorMatch",
    "SideMatrix",
    "UnknownCode",
    "from_dev_company",
    "from_dev_priority",
    "load_model",
    "read_card",
    "save_model",
    "score_one_against_many",
    "top_k_matches",
]
