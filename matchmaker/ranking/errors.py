"""Exceptions raised by the ranking package."""

from __future__ import annotations


class RankingError(Exception):
    """Base class for ranking errors."""


class ModelNotFound(RankingError):
    """No model file exists under the models folder."""


class ModelFileRefused(RankingError):
    """A model file was refused: unsafe path, missing card or mismatched library versions."""


class UnknownCode(RankingError):
    """A partnership type or US state of a ranking input that matchmaker.vocab does not define."""


class EncodingWorkerLost(RankingError):
    """A process encoding profile blocks for the full re-rank died (killed for memory, mostly)."""
