"""A company's "no more introductions from this office": ranking stops suggesting the pair, the
office's queue stops showing it, and accepting or expressing interest across it is refused."""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from matchmaker.orm import (
    IntroductionBlock,
    Priority,
    ReviewEvent,
    Suggestion,
    User,
    utcnow,
)
from matchmaker.orm import SuggestionStatus as S
from matchmaker.services.errors import Conflict, NotFound
from matchmaker.services.introductions.people import visible_introduction

REASON = "the company asked for no more introductions from this office"
# Undecided suggestions leave the office's queue at once when the company blocks the office.
UNDECIDED = (S.SUGGESTED, S.IN_REVIEW, S.SNOOZED, S.NO_ANSWER)


def is_blocked(session: Session, company_id: int, office_id: int | None) -> bool:
    return office_id is not None and bool(
        session.scalar(
            select(IntroductionBlock.id).where(
                IntroductionBlock.company_id == company_id, IntroductionBlock.office_id == office_id
            )
        )
    )


def blocked_pairs(session: Session) -> set[tuple[int, int]]:
    """Every (company id, office id) blocked: ranking skips these pairs (a short table)."""
    return set(session.execute(select(IntroductionBlock.company_id, IntroductionBlock.office_id)))


def not_blocked(company_id_col, office_id_col):
    """A filter for queries: the company has not blocked the office."""
    return ~exists().where(
        IntroductionBlock.company_id == company_id_col, IntroductionBlock.office_id == office_id_col
    )


def add_block(session: Session, company_id: int, office_id: int, actor: User | None) -> None:
    """Record the block and take the pair's undecided suggestions off the office's queue, in the
    caller's transaction. Blocking twice changes nothing."""
    if is_blocked(session, company_id, office_id):
        return
    session.add(
        IntroductionBlock(
            company_id=company_id, office_id=office_id, blocked_by_id=actor.id if actor else None
        )
    )
    owned = select(Priority.id).where(Priority.office_id == office_id)
    rows = session.scalars(
        select(Suggestion)
        .where(
            Suggestion.company_id == company_id,
            Suggestion.status.in_(UNDECIDED),
            or_(Suggestion.routed_office_id == office_id, Suggestion.priority_id.in_(owned)),
        )
        .order_by(Suggestion.id)
    ).all()
    now = utcnow()
    for row in rows:
        session.add(
            ReviewEvent(
                suggestion_id=row.id,
                actor_id=actor.id if actor else None,
                at=now,
                from_status=row.status.value,
                to_status=S.EXPIRED.value,
                reason=REASON,
            )
        )
        row.status, row.updated_at = S.EXPIRED, now


def block_office(session: Session, company_id: int, office_id: int, actor: User) -> None:
    """The company's "no more introductions from this office" (use case: commits)."""
    add_block(session, company_id, office_id, actor)
    try:
        session.commit()
    except IntegrityError as exc:  # a colleague blocked the same office at the same moment
        session.rollback()
        if not is_blocked(session, company_id, office_id):
            raise Conflict("This changed meanwhile; reload and try again.") from exc


def block_introducing_office(session: Session, introduction_id: int, actor: User) -> None:
    """A member's "no more introductions from this office", from one of its introductions."""
    intro = visible_introduction(session, introduction_id, actor)
    if not actor.is_company:
        raise NotFound("Only the company can ask for no more introductions.")
    block_office(session, intro.company_id, intro.office_id, actor)


def unblock_office(session: Session, company_id: int, block_id: int) -> None:
    """Allow introductions from the office again (later rankings may suggest the pair)."""
    block = session.get(IntroductionBlock, block_id)
    if block is None or block.company_id != company_id:
        raise NotFound("No such block.")
    session.delete(block)
    session.commit()


def company_blocks(session: Session, company_id: int) -> list[IntroductionBlock]:
    return list(
        session.scalars(
            select(IntroductionBlock)
            .where(IntroductionBlock.company_id == company_id)
            .options(joinedload(IntroductionBlock.office))
            .order_by(IntroductionBlock.at.desc())
        )
    )
