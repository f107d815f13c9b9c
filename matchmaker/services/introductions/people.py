"""Who is on each side of an introduction: the contact people each side may see once both said
yes, and who receives the emails. Nothing here is shown before that: see `contacts_for`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.orm import Introduction, Priority, Role, User
from matchmaker.services.errors import NotFound


class Side(enum.StrEnum):
    OFFICE = "office"
    COMPANY = "company"
    ADMIN = "admin"
    SYSTEM = "system"  # the daily run


def side_of(actor: User | None, intro: Introduction) -> Side | None:
    """The actor's side of this introduction; None when it is not theirs to see."""
    if actor is None:
        return Side.SYSTEM
    if actor.is_company and actor.company_id == intro.company_id:
        return Side.COMPANY
    if actor.is_staff and actor.office_id == intro.office_id:
        return Side.OFFICE
    return Side.ADMIN if actor.is_admin else None


def visible_introduction(session: Session, introduction_id: int, actor: User) -> Introduction:
    """The introduction if the actor takes part in it (or is an admin); NotFound otherwise."""
    intro = session.get(Introduction, introduction_id)
    if intro is None or side_of(actor, intro) in (None, Side.SYSTEM):
        raise NotFound("This introduction does not exist or is not yours to see.")
    return intro


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    note: str = ""  # e.g. "requested the introduction"


def active_members(session: Session, company_id: int) -> list[User]:
    """The company's members who can log in: they receive its introduction emails."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.company_id == company_id,
                User.role == Role.COMPANY_MEMBER,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def active_staff(session: Session, office_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.office_id == office_id,
                User.role == Role.OFFICE_STAFF,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def office_recipients(session: Session, intro: Introduction) -> list[str]:
    """Who hears from the company's side: the requester, or the whole office if they left."""
    requester = intro.requested_by
    if requester is not None and requester.active and requester.office_id == intro.office_id:
        return [requester.email]
    return [u.email for u in active_staff(session, intro.office_id)]


def company_recipients(session: Session, intro: Introduction) -> list[str]:
    return [u.email for u in active_members(session, intro.company_id)]


def office_contacts(session: Session, intro: Introduction) -> list[Contact]:
    """The office's people, the requester first, then the office's address."""
    staff = active_staff(session, intro.office_id)
    staff.sort(key=lambda u: u.id != intro.requested_by_id)
    people = [
        Contact(
            u.name or u.email,
            u.email,
            "proposed the introduction" * (u.id == intro.requested_by_id),
        )
        for u in staff
    ]
    if intro.office.contact_email:
        people.append(Contact(intro.office.name, intro.office.contact_email, "office address"))
    return people


def company_contacts(session: Session, intro: Introduction) -> list[Contact]:
    """The company's contact person, then its members (whoever answered first)."""
    company, people, seen = intro.company, [], set()
    if company.contact_email:
        people.append(
            Contact(company.contact_name or company.name, company.contact_email, "contact")
        )
        seen.add(company.contact_email.lower())
    members = active_members(session, intro.company_id)
    members.sort(key=lambda u: u.id != intro.answered_by_id)
    for u in members:
        if u.email.lower() not in seen:
            note = "accepted the introduction" * (u.id == intro.answered_by_id)
            people.append(Contact(u.name or u.email, u.email, note))
            seen.add(u.email.lower())
    return people


def contacts_for(session: Session, intro: Introduction, viewer: User) -> dict[str, list[Contact]]:
    """The contact people this viewer may see, by side ("office", "company"): the other side's
    (admins: both), and none at all until both said yes (double opt-in)."""
    if not intro.connected:
        return {}
    if viewer.is_company:
        return {"office": office_contacts(session, intro)}
    if viewer.is_staff:
        return {"company": company_contacts(session, intro)}
    return {"office": office_contacts(session, intro), "company": company_contacts(session, intro)}


def priority_for_company(priority: Priority) -> tuple[str, str]:
    """What a company may read of a priority: its title, and its description only when the
    office made the priority visible to companies."""
    return priority.title, priority.description if priority.visible_to_companies else ""
