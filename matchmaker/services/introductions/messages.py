"""The thread between the office and the company, open once both said yes: each message is kept
in the record and emailed to the other side."""

from __future__ import annotations

from sqlalchemy.orm import Session

from matchmaker.orm import IntroductionMessage, User, utcnow
from matchmaker.services.errors import DomainError, InvalidTransition
from matchmaker.services.introductions import notices
from matchmaker.services.introductions.people import Side, side_of, visible_introduction
from matchmaker.text import check_text

MESSAGE_MAX = 4000


class InvalidMessage(DomainError):
    """An empty or too long message."""


def post_message(
    session: Session, introduction_id: int, actor: User, body: str
) -> IntroductionMessage:
    """Add the actor's message to the thread and email it to the other side."""
    intro = visible_introduction(session, introduction_id, actor)
    side = side_of(actor, intro)
    if side not in (Side.OFFICE, Side.COMPANY):
        raise InvalidTransition("Only the office and the company write in the thread.")
    if not intro.connected:
        raise InvalidTransition(
            "Messages open once both sides said yes to the introduction.", "body"
        )
    check_text({}, {"body": body})
    body = (body or "").strip()
    if not body or len(body) > MESSAGE_MAX:
        raise InvalidMessage(f"Write a message of 1 to {MESSAGE_MAX} characters.", "body")
    message = IntroductionMessage(
        introduction_id=intro.id, author=actor, side=side.value, body=body, at=utcnow()
    )
    session.add(message)
    notices.message_posted(session, intro, message)
    session.commit()
    return message
