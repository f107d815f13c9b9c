"""Ranking use cases: score profiles and priorities; upsert suggestions, never touching decisions.

Re-ranking is idempotent, keyed on (priority, profile): only rows still `suggested` (or `expired`,
which may come back) take new scores; a pair that drops out becomes `expired`; decided rows are
never changed, except a declined pair whose priority or profile changed materially since the
decline, which is suggested again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.jobs import job
from matchmaker.orm import (
    InterestProfile,
    Priority,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from matchmaker.ranking import PartnershipRanker
from matchmaker.ranking.rerank import Match, score_one_against_many, top_k_matches
from matchmaker.services import features, routing
from matchmaker.services.model_store import ensure_model

SCORE_PLACES = 6  # scores are compared rounded, so a re-run with the same model writes nothing


@dataclass
class RankResult:
    created: int = 0
    updated: int = 0
    expired: int = 0
    revived: int = 0
    unchanged: int = 0

    def __add__(self, other: RankResult) -> RankResult:
        return RankResult(
            *(
                a + b
                for a, b in zip(dataclasses.astuple(self), dataclasses.astuple(other), strict=True)
            )
        )

    @property
    def written(self) -> int:
        return self.created + self.updated + self.expired + self.revived


def _settings() -> tuple[int, float, int]:
    cfg = current_app.config
    return int(cfg["RANK_TOP_K"]), float(cfg["RANK_MIN_SCORE"]), int(cfg["RANK_CHUNK_SIZE"])


def _explanation(model: PartnershipRanker, priority: Priority, profile: InterestProfile) -> dict:
    expl = model.explain(features.priority_input(priority), features.profile_input(profile))
    return dataclasses.asdict(expl)


def _event(session: Session, row: Suggestion, to: SuggestionStatus, reason: str) -> None:
    session.add(
        ReviewEvent(
            suggestion=row,
            actor_id=None,
            from_status=row.status.value,
            to_status=to.value,
            reason=reason,
        )
    )
    row.status = to


def _changed_since_decline(row: Suggestion, priority: Priority, profile: InterestProfile) -> bool:
    decided = row.decided_at or row.updated_at
    return priority.material_change_at > decided or profile.material_change_at > decided


def _apply(
    session: Session,
    model_name: str,
    model: PartnershipRanker,
    matches: Iterable[Match],
    existing: dict[tuple[int, int], Suggestion],
    priorities: dict[int, Priority],
    profiles: dict[int, InterestProfile],
) -> RankResult:
    """Write matches over the existing rows of the scope, and expire the rows that fell out."""
    result = RankResult()
    seen: set[tuple[int, int]] = set()
    now = utcnow()
    for match in matches:
        key = (match.priority_key, match.profile_key)
        seen.add(key)
        priority, profile = priorities[key[0]], profiles[key[1]]
        score = round(float(match.score), SCORE_PLACES)
        components = {k: round(float(v), SCORE_PLACES) for k, v in match.components.items()}
        row = existing.get(key)
        if row is None:
            row = Suggestion(
                priority=priority,
                profile=profile,
                company_id=profile.company_id,
                routed_office_id=priority.office_id,
                status=SuggestionStatus.SUGGESTED,
                score=score,
                components=components,
                model_version=model_name,
                explanation=_explanation(model, priority, profile),
            )
            session.add(row)
            session.add(
                ReviewEvent(
                    suggestion=row,
                    from_status=None,
                    to_status="suggested",
                    reason=f"ranked by {model_name}",
                )
            )
            routing.route_new(session, row)  # rules, the sensitivity flag, notifications
            result.created += 1
            continue
        if row.status == SuggestionStatus.DECLINED and _changed_since_decline(
            row, priority, profile
        ):
            _event(session, row, SuggestionStatus.SUGGESTED, "changed materially since the decline")
            result.revived += 1
        elif row.status == SuggestionStatus.EXPIRED:
            _event(session, row, SuggestionStatus.SUGGESTED, f"ranked again by {model_name}")
            result.revived += 1
        elif row.status != SuggestionStatus.SUGGESTED:
            result.unchanged += 1
            continue  # a decision: never rewritten by ranking
        elif (row.score, row.components, row.model_version) == (score, components, model_name):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        row.score, row.components, row.model_version = score, components, model_name
        row.explanation = _explanation(model, priority, profile)
        row.updated_at = now
    for key, row in existing.items():
        if (
            key not in seen
            and row.status == SuggestionStatus.SUGGESTED
            and not row.company_initiated
        ):
            _event(session, row, SuggestionStatus.EXPIRED, "no longer among the best matches")
            row.updated_at = now
            result.expired += 1
    return result


def _expire_all(session: Session, rows: Iterable[Suggestion], reason: str) -> RankResult:
    result = RankResult()
    for row in rows:
        if row.status == SuggestionStatus.SUGGESTED:
            _event(session, row, SuggestionStatus.EXPIRED, reason)
            result.expired += 1
    return result


def _within_top_k(
    session: Session, profile_id: int, scored: list[Match], top_k: int
) -> tuple[list[Match], list[Suggestion]]:
    """Keep the pairs that enter their priority's top-k, and the rows they push out of it.

    This keeps the incremental result equal to what a full re-rank (top-k per priority) gives.
    """
    if not scored:
        return [], []
    others = session.scalars(
        select(Suggestion)
        .where(
            Suggestion.priority_id.in_({m.priority_key for m in scored}),
            Suggestion.profile_id != profile_id,
            Suggestion.status == SuggestionStatus.SUGGESTED,
            Suggestion.company_initiated.is_(False),
        )
        .order_by(Suggestion.priority_id, Suggestion.score.desc(), Suggestion.id)
    ).all()
    by_priority: dict[int, list[Suggestion]] = {}
    for row in others:
        by_priority.setdefault(row.priority_id, []).append(row)
    kept, displaced = [], []
    for match in scored:
        rivals = by_priority.get(match.priority_key, [])
        if len(rivals) < top_k:
            kept.append(match)
        elif match.score > rivals[top_k - 1].score:
            kept.append(match)
            displaced.extend(rivals[top_k - 1 :])
    return kept, displaced


def rank_profile_now(session: Session, profile_id: int) -> RankResult:
    """Score one interest profile against every open priority and upsert its suggestions."""
    profile = session.get(InterestProfile, profile_id)
    if profile is None:
        return RankResult()
    rows = session.scalars(select(Suggestion).where(Suggestion.profile_id == profile_id)).all()
    existing = {(r.priority_id, r.profile_id): r for r in rows}
    priorities = features.open_priorities(session)
    if not features.is_rankable_profile(profile) or not priorities:
        result = _expire_all(session, rows, "profile is no longer active")
    else:
        name, model = ensure_model(session)
        top_k, min_score, _ = _settings()
        scored = score_one_against_many(
            model,
            features.profile_input(profile),
            [features.priority_input(p) for p in priorities],
            side="profile",
            top_k=len(priorities),
            min_score=min_score,
        )
        matches, displaced = _within_top_k(session, profile_id, scored, top_k)
        result = _apply(
            session,
            name,
            model,
            matches,
            existing,
            {p.id: p for p in priorities},
            {profile.id: profile},
        )
        result += _expire_all(session, displaced, "displaced by a better match")
    session.commit()
    return result


def rank_priority_now(session: Session, priority_id: int) -> RankResult:
    """Score one priority against every active profile and upsert its top-k suggestions."""
    priority = session.get(Priority, priority_id)
    if priority is None:
        return RankResult()
    rows = session.scalars(select(Suggestion).where(Suggestion.priority_id == priority_id)).all()
    existing = {(r.priority_id, r.profile_id): r for r in rows}
    profiles = features.active_profiles(session)
    if not features.is_rankable_priority(priority) or not profiles:
        result = _expire_all(session, rows, "priority is not open")
    else:
        name, model = ensure_model(session)
        top_k, min_score, _ = _settings()
        matches = score_one_against_many(
            model,
            features.priority_input(priority),
            [features.profile_input(p) for p in profiles],
            side="priority",
            top_k=top_k,
            min_score=min_score,
        )
        result = _apply(
            session,
            name,
            model,
            matches,
            existing,
            {priority.id: priority},
            {p.id: p for p in profiles},
        )
    session.commit()
    return result


def rerank_all(session: Session, progress: Callable[[str], None] | None = None) -> RankResult:
    """Score all open priorities against all active profiles (top-k each) and upsert."""
    say = progress or (lambda _msg: None)
    priorities = features.open_priorities(session)
    profiles = features.active_profiles(session)
    say(f"ranking {len(priorities)} open priorities against {len(profiles)} active profiles")
    rows = session.scalars(select(Suggestion)).all()
    existing = {(r.priority_id, r.profile_id): r for r in rows}
    if not priorities or not profiles:
        result = _expire_all(session, rows, "nothing left to rank against")
        session.commit()
        return result
    name, model = ensure_model(session)
    top_k, min_score, chunk = _settings()
    matches = top_k_matches(
        model,
        [features.priority_input(p) for p in priorities],
        [features.profile_input(p) for p in profiles],
        top_k=top_k,
        min_score=min_score,
        chunk_size=chunk,
    )
    say(f"scored: {len(matches)} pairs above {min_score}; writing suggestions")
    result = _apply(
        session,
        name,
        model,
        matches,
        existing,
        {p.id: p for p in priorities},
        {p.id: p for p in profiles},
    )
    session.commit()
    return result


@job
def rank_profile(profile_id: int) -> int:
    """Job: incremental ranking of one profile; returns the number of suggestions written."""
    from matchmaker.extensions import db

    return rank_profile_now(db.session, profile_id).written


@job
def rank_priority(priority_id: int) -> int:
    """Job: incremental ranking of one priority; returns the number of suggestions written."""
    from matchmaker.extensions import db

    return rank_priority_now(db.session, priority_id).written


@job
def rerank_everything() -> int:
    """Job: the full re-rank; returns the number of suggestions written."""
    from matchmaker.extensions import db

    return rerank_all(db.session).written
