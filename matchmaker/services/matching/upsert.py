"""The suggestion upsert: write ranked matches without ever touching a decision.

Keyed on (priority, profile): only rows still `suggested` (or `expired`, which may come back)
take new scores; a pair that drops out becomes `expired`; decided rows are never changed, except
a declined pair whose priority or profile changed materially since the decline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import (
    InterestProfile,
    Priority,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.ranking import PartnershipRanker
from matchmaker.ranking.rerank import Match
from matchmaker.services.introductions.blocks import REASON as BLOCKED
from matchmaker.services.introductions.blocks import blocked_pairs
from matchmaker.services.matching import features
from matchmaker.services.review import routing

SCORE_PLACES = 6  # scores are compared rounded, so a re-run with the same model writes nothing

PROGRESS_EVERY = 500  # matches written between progress reports


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


def apply_matches(
    session: Session,
    model_name: str,
    model: PartnershipRanker,
    matches: Iterable[Match],
    existing: dict[tuple[int, int], Suggestion],
    priorities: dict[int, Priority],
    profiles: dict[int, InterestProfile],
    progress: Callable[[int], None] | None = None,
) -> RankResult:
    """Write matches over the existing rows of the scope, and expire the rows that fell out.

    progress, if given, is called with the number of matches written so far, every
    PROGRESS_EVERY matches.
    """
    result = RankResult()
    seen: set[tuple[int, int]] = set()
    now = utcnow()
    blocked = blocked_pairs(session)  # (company, office): "no more introductions from it"
    for done, match in enumerate(matches):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        key = (match.priority_key, match.profile_key)
        seen.add(key)
        priority, profile = priorities[key[0]], profiles[key[1]]
        if (profile.company_id, priority.office_id) in blocked:
            row = existing.get(key)
            if row is not None and row.status == SuggestionStatus.SUGGESTED:
                _event(session, row, SuggestionStatus.EXPIRED, BLOCKED)
                result.expired += 1
            else:
                result.unchanged += 1
            continue
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


def expire_open(session: Session, rows: Iterable[Suggestion], reason: str) -> RankResult:
    result = RankResult()
    for row in rows:
        if row.status == SuggestionStatus.SUGGESTED:
            _event(session, row, SuggestionStatus.EXPIRED, reason)
            result.expired += 1
    return result


UNDECIDED = (
    SuggestionStatus.SUGGESTED,
    SuggestionStatus.IN_REVIEW,
    SuggestionStatus.SNOOZED,
    SuggestionStatus.NO_ANSWER,
)


def withdraw_undecided_for(
    session: Session,
    *,
    profile_ids: Iterable[int] | None = None,
    company_id: int | None = None,
    priority_id: int | None = None,
    actor: User | None = None,
    reason: str,
) -> int:
    """Expire every undecided suggestion of these profiles, this company or this priority, each
    with a ReviewEvent, in the caller's transaction (no commit): nobody may act on them any more."""
    where = []
    if profile_ids is not None:
        where.append(Suggestion.profile_id.in_(list(profile_ids)))
    if company_id is not None:
        where.append(Suggestion.company_id == company_id)
    if priority_id is not None:
        where.append(Suggestion.priority_id == priority_id)
    if not where:
        raise ValueError("withdraw_undecided_for needs profile_ids, company_id or priority_id")
    rows = session.scalars(
        select(Suggestion).where(Suggestion.status.in_(UNDECIDED), *where).order_by(Suggestion.id)
    ).all()
    now = utcnow()
    for row in rows:
        session.add(
            ReviewEvent(
                suggestion=row,
                actor_id=actor.id if actor else None,
                at=now,
                from_status=row.status.value,
                to_status=SuggestionStatus.EXPIRED.value,
                reason=reason,
            )
        )
        row.status = SuggestionStatus.EXPIRED
        row.updated_at = now
    return len(rows)


def within_top_k(
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
