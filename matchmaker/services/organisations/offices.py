"""Cities and offices: created and edited by admins."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, selectinload, with_expression
from sqlalchemy.orm.exc import StaleDataError

from matchmaker import codes, vocab
from matchmaker.orm import City, Office, OfficeKind, User
from matchmaker.services.errors import Conflict, DomainError, NotFound
from matchmaker.text import check_text


class DuplicateCity(DomainError):
    field = "name"


class DuplicateOffice(DomainError):
    field = "name"


class InvalidCode(DomainError):
    """A sector, state or country code that is not on its list."""


@dataclass(frozen=True)
class CityInput:
    name: str
    state: str
    country: str = "US"


@dataclass(frozen=True)
class OfficeInput:
    city_id: int
    name: str
    kind: OfficeKind
    contact_email: str = ""
    sectors: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)


def _clean_city(data: CityInput) -> CityInput:
    check_text({"name": data.name, "state": data.state, "country": data.country})
    country = data.country.strip().upper()
    state = data.state.strip().upper()
    if not codes.is_country(country):
        raise InvalidCode(f"{country or 'An empty code'} is not an ISO country code.", "country")
    if country == "US" and state not in vocab.US_STATES:
        raise InvalidCode("Choose a US state.", "state")
    if country != "US" and len(state) > 2:
        raise InvalidCode("Use a region code of at most 2 characters, or none.", "state")
    return CityInput(name=" ".join(data.name.split()), state=state, country=country)


def _city_taken(session: Session, data: CityInput, except_id: int | None = None) -> bool:
    query = select(City.id).where(
        func.lower(City.name) == data.name.lower(),
        City.state == data.state,
        City.country == data.country,
    )
    if except_id is not None:
        query = query.where(City.id != except_id)
    return session.scalar(query) is not None


def create_city(session: Session, data: CityInput) -> City:
    """Add a city; one per name, state and country."""
    data = _clean_city(data)
    if _city_taken(session, data):
        raise DuplicateCity("This city already exists.")
    city = City(name=data.name, state=data.state, country=data.country)
    session.add(city)
    _commit(session, DuplicateCity("This city already exists."))
    return city


CITY_CHANGED = "Someone else changed this city while you were editing it."


def update_city(session: Session, city_id: int, data: CityInput, version: int) -> City:
    """Rename or re-place a city, unless someone else saved it since `version` was read."""
    city = session.get(City, city_id)
    if city is None:
        raise NotFound("No such city.")
    if city.version != version:
        raise Conflict(CITY_CHANGED)
    data = _clean_city(data)
    if _city_taken(session, data, except_id=city.id):
        raise DuplicateCity("Another city has this name, state and country.")
    city.name, city.state, city.country = data.name, data.state, data.country
    try:
        _commit(session, DuplicateCity("Another city has this name, state and country."))
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(CITY_CHANGED) from exc
    return city


def _clean_office(session: Session, data: OfficeInput) -> OfficeInput:
    check_text({"name": data.name, "contact_email": data.contact_email})
    if session.get(City, data.city_id) is None:
        raise NotFound("Choose a city.", "city_id")
    sectors = codes.split_codes(data.sectors)
    if bad := codes.invalid(sectors, codes.is_naics):
        raise InvalidCode(f"Not NAICS 2022 codes: {', '.join(bad)}.", "sectors")
    states = codes.split_codes(data.states)
    if bad := [s for s in states if s not in vocab.US_STATES]:
        raise InvalidCode(f"Not US states: {', '.join(bad)}.", "states")
    return OfficeInput(
        city_id=data.city_id,
        name=" ".join(data.name.split()),
        kind=OfficeKind(data.kind),
        contact_email=data.contact_email.strip().lower(),
        sectors=sectors,
        states=states,
    )


def _office_taken(session: Session, data: OfficeInput, except_id: int | None = None) -> bool:
    query = select(Office.id).where(
        Office.city_id == data.city_id, func.lower(Office.name) == data.name.lower()
    )
    if except_id is not None:
        query = query.where(Office.id != except_id)
    return session.scalar(query) is not None


def create_office(session: Session, data: OfficeInput) -> Office:
    """Add an office to a city; office names are unique within a city."""
    data = _clean_office(session, data)
    if _office_taken(session, data):
        raise DuplicateOffice("This city already has an office with this name.")
    office = Office(**data.__dict__)
    session.add(office)
    _commit(session, DuplicateOffice("This city already has an office with this name."))
    return office


def update_office(session: Session, office_id: int, data: OfficeInput, version: int) -> Office:
    """Edit an office, unless someone else saved it since `version` was read (Conflict)."""
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound("No such office.")
    if office.version != version:
        raise Conflict("Someone else changed this office while you were editing it.")
    data = _clean_office(session, data)
    if _office_taken(session, data, except_id=office.id):
        raise DuplicateOffice("This city already has an office with this name.")
    for name, value in data.__dict__.items():
        setattr(office, name, value)
    try:
        _commit(session, DuplicateOffice("This city already has an office with this name."))
    except StaleDataError as exc:
        session.rollback()
        raise Conflict("Someone else changed this office while you were editing it.") from exc
    return office


def _commit(session: Session, duplicate: DomainError) -> None:
    """Commit; a unique constraint hit by a concurrent request becomes the duplicate error."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise duplicate from exc


def city_choices(session: Session) -> list[tuple[int, str]]:
    """Every city as (id, 'Name, ST (CC)') for a select box, by name."""
    cities = session.scalars(select(City).order_by(City.name, City.state)).all()
    return [(c.id, f"{c.name}, {c.state} ({c.country})" if c.state else c.name) for c in cities]


def office_choices(session: Session) -> list[tuple[int, str]]:
    """Every office as (id, 'Office — City') for a select box, by name."""
    rows = session.execute(
        select(Office.id, Office.name, City.name).join(Office.city).order_by(Office.name, Office.id)
    )
    return [(ident, f"{name} — {city}") for ident, name, city in rows]


def cities_query(q: str = "") -> Select:
    """Cities for the admin list, searchable by name, with their offices (one more query)."""
    query = select(City).options(selectinload(City.offices)).order_by(City.name, City.state)
    if q := q.strip():
        query = query.where(City.name.icontains(q, autoescape=True))
    return query


def offices_query(q: str = "", kind: str = "", city_id: int | None = None) -> Select:
    """Offices for the admin list, searchable by name, filtered by kind and city; each with its
    city and `staff_count` loaded in the same statement."""
    staff_count = select(func.count(User.id)).where(User.office_id == Office.id).scalar_subquery()
    query = (
        select(Office)
        .join(Office.city)
        .options(contains_eager(Office.city), with_expression(Office.staff_count, staff_count))
        .order_by(Office.name, Office.id)
    )
    if q := q.strip():
        query = query.where(
            Office.name.icontains(q, autoescape=True) | City.name.icontains(q, autoescape=True)
        )
    if kind in {k.value for k in OfficeKind}:
        query = query.where(Office.kind == kind)
    if city_id:
        query = query.where(Office.city_id == city_id)
    return query


def get_office(session: Session, office_id: int) -> Office:
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound("No such office.")
    return office


def get_city(session: Session, city_id: int) -> City:
    city = session.get(City, city_id)
    if city is None:
        raise NotFound("No such city.")
    return city
