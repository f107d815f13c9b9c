"""What the company's answer to an introduction does to the suggestion behind it.

Staff decisions go through decisions.py; these follow from an introduction's transition, in that
transition's transaction (no commit here): the same checks of the state, the same ReviewEvent.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from matchmaker.orm import ReviewEvent, Suggestion, User, utcnow
from matchmaker.orm import SuggestionStatus as S
from matchmaker.services.errors import InvalidTransition

# target: the states it may follow from (an accepted suggestion is waiting for the company)
OUTCOMES: dict[S, frozenset[S]] = {
    S.INTRODUCED: frozenset({S.ACCEPTED}),
    S.COMPANY_DECLINED: frozenset({S.ACCEPTED}),
    S.NO_ANSWER: frozenset({S.ACCEPTED}),
    S.IN_REVIEW: frozenset({S.ACCEPTED}),  # the office withdrew its request: back in review
}


def follow_introduction(
    session: Session, row: Suggestion, target: S, actor: User | None, reason: str
) -> None:
    """Move the suggestion to what the introduction's answer means, with its ReviewEvent."""
    if row.status not in OUTCOMES[target]:
        raise InvalidTransition(
            f"The suggestion is {row.status.value.replace('_', ' ')}; "
            f"it cannot become {target.value.replace('_', ' ')}."
        )
    now = utcnow()
    session.add(
        ReviewEvent(
            suggestion_id=row.id,
            actor_id=actor.id if actor else None,
            at=now,
            from_status=row.status.value,
            to_status=target.value,
            reason=reason[:4000],
        )
    )
    row.status, row.updated_at = target, now
