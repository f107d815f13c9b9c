"""Whose figures a metrics page shows: one office, one city, or (admins) all cities.

Staff see their own office and their own city; admins any office, any city and all cities.
Any other choice answers 404, as another tenant's record does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from matchmaker.orm import City, Office, Role, User
from matchmaker.services.errors import NotFound


@dataclass(frozen=True)
class Scope:
    kind: str  # "office", "city" or "all"
    ident: int | None
    label: str

    @property
    def key(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.ident}"

    def offices(self, office_id: ColumnElement) -> ColumnElement[bool]:
        """A condition on an office-id column: the rows of this scope's offices."""
        if self.kind == "office":
            return office_id == self.ident
        if self.kind == "city":
            return office_id.in_(select(Office.id).where(Office.city_id == self.ident))
        return true()


def scope_choices(session: Session, user: User) -> list[Scope]:
    """The scopes this user may choose, the default first."""
    if user.role == Role.OFFICE_STAFF and user.office is not None:
        office, city = user.office, user.office.city
        return [
            Scope("office", office.id, f"{office.name} (your office)"),
            Scope("city", city.id, f"{city.name}: all offices"),
        ]
    if user.role != Role.ADMIN:
        return []
    cities = session.execute(select(City.id, City.name).order_by(City.name, City.id)).all()
    offices = session.execute(
        select(Office.id, Office.name, City.name)
        .join(Office.city)
        .order_by(City.name, Office.name, Office.id)
    ).all()
    return [
        Scope("all", None, "All cities"),
        *(Scope("city", cid, f"{name}: all offices") for cid, name in cities),
        *(Scope("office", oid, f"{name} ({city})") for oid, name, city in offices),
    ]


def resolve_scope(session: Session, user: User, key: str) -> Scope:
    """The scope named by key ("office:3", "city:1", "all"; empty: the default) if allowed."""
    allowed = scope_choices(session, user)
    if not allowed:
        raise NotFound("Metrics are for office staff and admins.")
    if not key:
        return allowed[0]
    for scope in allowed:
        if scope.key == key:
            return scope
    raise NotFound("There are no metrics here, or they are not yours to see.")
