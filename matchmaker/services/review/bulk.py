"""Declining many suggestions at once from the queue: each through decisions.decide_suggestion
on its own (its own version check and event), the ones someone else decided first reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from matchmaker.orm import User
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.services.review.decisions import InvalidDetails, decide_suggestion

BULK_MAX = 100


@dataclass
class BulkOutcome:
    declined: int = 0
    refused: list[str] = field(default_factory=list)


def bulk_decline(
    session: Session, actor: User, items: list[tuple[int, int]], reason: str, note: str = ""
) -> BulkOutcome:
    """Decline each (id, version) on its own; the ones someone else got first are reported."""
    if not items or len(items) > BULK_MAX:
        raise InvalidDetails(f"Select 1 to {BULK_MAX} suggestions.", "items")
    outcome = BulkOutcome()
    for suggestion_id, version in items:
        try:
            decide_suggestion(
                session, suggestion_id, actor, "decline", version, reason=reason, note=note
            )
        except InvalidDetails:
            raise
        except (DomainError, NotFound) as exc:
            outcome.refused.append(f"#{suggestion_id}: {exc}")
        else:
            outcome.declined += 1
    return outcome
