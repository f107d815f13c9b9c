"""Ranking use cases: score profiles and priorities, upsert suggestions."""

from __future__ import annotations

from matchmaker.jobs import job


@job
def rank_profile(profile_id: int) -> int:
    """Score one interest profile against every open priority; returns suggestions written."""
    return 0


@job
def rank_priority(priority_id: int) -> int:
    """Score one priority against every active interest profile; returns suggestions written."""
    return 0
