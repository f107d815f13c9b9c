"""Ranking use cases: score profiles and priorities, then upsert their suggestions.

Incremental ranking scores one profile or priority against the other side only, in a job queued
after the edit commits; the full re-rank scores everything. Both go through the same upsert
(services/suggestion_upsert.py), so running either twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.jobs import in_web_process
from matchmaker.orm import InterestProfile, Priority, Suggestion
from matchmaker.ranking.rerank import score_one_against_many, top_k_matches
from matchmaker.services.matching import features
from matchmaker.services.matching.model_store import ensure_model
from matchmaker.services.matching.upsert import (
    RankResult,
    apply_matches,
    expire_open,
    within_top_k,
)


def rank_settings() -> tuple[int, float, int]:
    """Top-k per priority, the least score suggested, priorities per matrix product."""
    cfg = current_app.config
    return int(cfg["RANK_TOP_K"]), float(cfg["RANK_MIN_SCORE"]), int(cfg["RANK_CHUNK_SIZE"])


def existing_suggestions(session: Session, *where) -> tuple[list[Suggestion], dict]:
    """The suggestions of a scope, as a list and by (priority id, profile id)."""
    rows = list(session.scalars(select(Suggestion).where(*where)))
    return rows, {(r.priority_id, r.profile_id): r for r in rows}


def rank_profile_now(session: Session, profile_id: int) -> RankResult:
    """Score one interest profile against every open priority and upsert its suggestions."""
    profile = session.get(InterestProfile, profile_id)
    if profile is None:
        return RankResult()
    rows, existing = existing_suggestions(session, Suggestion.profile_id == profile_id)
    priorities = features.open_priorities(session)
    if not features.is_rankable_profile(profile) or not priorities:
        result = expire_open(session, rows, "profile is no longer active")
    else:
        name, model = ensure_model(session)
        top_k, min_score, _ = rank_settings()
        one, others = (
            features.profile_input(profile),
            [features.priority_input(p) for p in priorities],
        )
        scored = score_one_against_many(
            model, one, others, side="profile", top_k=len(priorities), min_score=min_score
        )
        # Kept only where the profile enters that priority's top-k, as a full re-rank would.
        matches, displaced = within_top_k(session, profile_id, scored, top_k)
        by_id = {p.id: p for p in priorities}
        result = apply_matches(
            session, name, model, matches, existing, by_id, {profile.id: profile}
        )
        result += expire_open(session, displaced, "displaced by a better match")
    session.commit()
    return result


def rank_priority_now(session: Session, priority_id: int) -> RankResult:
    """Score one priority against every active profile and upsert its top-k suggestions."""
    priority = session.get(Priority, priority_id)
    if priority is None:
        return RankResult()
    rows, existing = existing_suggestions(session, Suggestion.priority_id == priority_id)
    profiles = features.active_profiles(session)
    if not features.is_rankable_priority(priority) or not profiles:
        result = expire_open(session, rows, "priority is not open")
    else:
        name, model = ensure_model(session)
        top_k, min_score, _ = rank_settings()
        one, others = (
            features.priority_input(priority),
            [features.profile_input(p) for p in profiles],
        )
        matches = score_one_against_many(
            model, one, others, side="priority", top_k=top_k, min_score=min_score
        )
        by_id = {p.id: p for p in profiles}
        result = apply_matches(
            session, name, model, matches, existing, {priority.id: priority}, by_id
        )
    session.commit()
    return result


@dataclass(frozen=True)
class Progress:
    """Where a long ranking run reports: messages, and counts of a stage done out of its total.

    Stages are "scoring" (profiles scored) and "writing" (suggestions written).
    """

    note: Callable[[str], None] = lambda _message: None
    step: Callable[[str, int, int], None] = lambda _stage, _done, _total: None


def rerank_all(session: Session, progress: Progress | None = None) -> RankResult:
    """Score all open priorities against all active profiles (top-k each) and upsert."""
    report = progress or Progress()
    priorities = features.open_priorities(session)
    profiles = features.active_profiles(session)
    report.note(
        f"ranking {len(priorities)} open priorities against {len(profiles)} active profiles"
    )
    rows, existing = existing_suggestions(session)
    if not priorities or not profiles:
        result = expire_open(session, rows, "nothing left to rank against")
        session.commit()
        return result
    name, model = ensure_model(session)
    top_k, min_score, chunk = rank_settings()
    report.step("scoring", 0, len(profiles))
    matches = top_k_matches(
        model,
        [features.priority_input(p) for p in priorities],
        [features.profile_input(p) for p in profiles],
        top_k=top_k,
        min_score=min_score,
        chunk_size=chunk,
        block_size=int(current_app.config["RANK_BLOCK_SIZE"]),
        # A web worker never forks (an inline job, as without Redis): commands and RQ jobs do.
        processes=not in_web_process(),
        progress=lambda done: report.step("scoring", done, len(profiles)),
    )
    report.note(f"scored: {len(matches)} pairs above {min_score}; writing suggestions")
    p_by_id, c_by_id = {p.id: p for p in priorities}, {p.id: p for p in profiles}
    result = apply_matches(
        session,
        name,
        model,
        matches,
        existing,
        p_by_id,
        c_by_id,
        progress=lambda done: report.step("writing", done, len(matches)),
    )
    session.commit()
    report.step("writing", len(matches), len(matches))
    return result
