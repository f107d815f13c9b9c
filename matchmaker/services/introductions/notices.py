"""The emails of an introduction, queued in the transition's transaction (the outbox).

Before both sides said yes no email carries a person's name or address from the other side:
the request names the office and the priority only, the refusal and the expiry the company only.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy.orm import Session

from matchmaker.orm import Introduction, IntroductionMessage
from matchmaker.services.introductions import people
from matchmaker.services.mail import queue_email
from matchmaker.urls import external_url


def _company_link(intro: Introduction) -> str:
    return external_url("company_introductions.detail", introduction_id=intro.id)


def _office_link(intro: Introduction) -> str:
    return external_url("introductions.detail", introduction_id=intro.id)


def _send(session: Session, recipients: list[str], subject: str, template: str, **context) -> None:
    body = render_template(f"email/{template}", **context)
    for address in recipients:
        queue_email(session, address, subject, body)


def requested(session: Session, intro: Introduction, reminder: bool = False) -> None:
    """To the company's members: an office would like an introduction (or a reminder of it)."""
    title, description = people.priority_for_company(intro.priority)
    subject = f"{'Reminder: ' if reminder else ''}{intro.office.name} would like an introduction"
    _send(
        session,
        people.company_recipients(session, intro),
        subject,
        "introduction_request.txt",
        intro=intro,
        title=title,
        description=description,
        reminder=reminder,
        link=_company_link(intro),
    )


def accepted(session: Session, intro: Introduction) -> None:
    """To both sides: the other side's contact people, now that both said yes."""
    _send(
        session,
        people.office_recipients(session, intro),
        f"{intro.company.name} accepted your introduction",
        "introduction_accepted.txt",
        intro=intro,
        other=intro.company.name,
        contacts=people.company_contacts(session, intro),
        link=_office_link(intro),
    )
    _send(
        session,
        people.company_recipients(session, intro),
        f"You are introduced to {intro.office.name}",
        "introduction_accepted.txt",
        intro=intro,
        other=intro.office.name,
        contacts=people.office_contacts(session, intro),
        link=_company_link(intro),
    )


def declined(session: Session, intro: Introduction) -> None:
    _send(
        session,
        people.office_recipients(session, intro),
        f"{intro.company.name} declined your introduction",
        "introduction_declined.txt",
        intro=intro,
        link=_office_link(intro),
    )


def withdrawn(session: Session, intro: Introduction) -> None:
    """To the company's members: the office took its request back (nothing to answer)."""
    _send(
        session,
        people.company_recipients(session, intro),
        f"{intro.office.name} withdrew its introduction request",
        "introduction_withdrawn.txt",
        intro=intro,
        link=_company_link(intro),
    )


def expired(session: Session, intro: Introduction) -> None:
    _send(
        session,
        people.office_recipients(session, intro),
        f"No answer from {intro.company.name}: the suggestion is back in your queue",
        "introduction_expired.txt",
        intro=intro,
        link=_office_link(intro),
    )


def message_posted(session: Session, intro: Introduction, message: IntroductionMessage) -> None:
    """The message to the other side, with a link to the thread."""
    if message.side == "office":
        recipients, sender, link = (
            people.company_recipients(session, intro),
            intro.office.name,
            _company_link(intro),
        )
    else:
        recipients, sender, link = (
            people.office_recipients(session, intro),
            intro.company.name,
            _office_link(intro),
        )
    author = message.author.name or message.author.email if message.author else sender
    _send(
        session,
        recipients,
        f"Message from {sender} about {intro.priority.title}",
        "introduction_message.txt",
        intro=intro,
        message=message,
        author=author,
        sender=sender,
        link=link,
    )
