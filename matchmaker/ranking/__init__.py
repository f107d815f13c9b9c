"""Pure-computation ranking of company profiles against city priorities."""

from .errors import ModelFileRefused, ModelNotFound, RankingError
from .estimator import COMPONENTS, PartnershipRanker, SideMatrix
from .explain import ComponentExplanation, Explanation, ScoreBreakdown, SectorMatch
from .inputs import PriorityInput, ProfileInput, from_dev_company, from_dev_priority

__all__ = [
    "COMPONENTS",
    "ComponentExplanation",
    "Explanation",
    "ModelFileRefused",
    "ModelNotFound",
    "PartnershipRanker",
    "PriorityInput",
    "ProfileInput",
    "RankingError",
    "ScoreBreakdown",
    "SectorMatch",
    "SideMatrix",
    "from_dev_company",
    "from_dev_priority",
]
