"""Which cities' open priorities cover each demand bucket, counted in the database.

A priority covers a sector bucket when one of its NAICS codes lies in it ("5415" covers "54"
and "541") or contains it (a priority for the whole sector "54" covers subsector "541"); a
partnership type when it seeks that type; a country when it targets that country or any country
(no target countries); a US state when its city is in that state, and "any state" always.
Only open priorities count: a draft, paused or closed one leaves the bucket a gap.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, literal, select, true, union
from sqlalchemy.orm import Session

from matchmaker.orm import City, Office, Priority, PriorityStatus
from matchmaker.services.demand.dimensions import ANY_STATE, Dimension
from matchmaker.services.demand.sql import json_elements, json_length

EVERY = "*"  # the key of priorities that cover every bucket of the dimension


@dataclass(frozen=True)
class CityCover:
    city_id: int
    name: str
    state: str
    priorities: int  # open priorities of the city covering the bucket

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"


@dataclass
class Coverage:
    cities: list[CityCover] = field(default_factory=list)

    @property
    def priorities(self) -> int:
        return sum(c.priorities for c in self.cities)


def _open(query):
    return query.join(Office, Office.id == Priority.office_id).where(
        Priority.status == PriorityStatus.OPEN
    )


def _pairs(session: Session, dimension: Dimension, buckets: list[str]):
    """A select of (key, priority_id, city_id): the bucket key each open priority covers."""
    base = select(Priority.id.label("priority_id"), Office.city_id.label("city_id"))
    if dimension == Dimension.STATE:
        in_state = _open(base.add_columns(City.state.label("key")).select_from(Priority))
        return (
            in_state.join(City, City.id == Office.city_id).where(City.country == "US")
        ).union_all(_open(base.add_columns(literal(EVERY).label("key")).select_from(Priority)))
    column = {
        Dimension.TYPE: Priority.partnership_types,
        Dimension.COUNTRY: Priority.target_countries,
    }.get(dimension, Priority.naics_sectors)
    elem = json_elements(session, column, "elem")
    code = elem.c.value
    listed = base.select_from(Priority).join(elem, true())
    if dimension in (Dimension.TYPE, Dimension.COUNTRY):
        query = _open(listed.add_columns(code.label("key")))
        if dimension == Dimension.COUNTRY:
            anywhere = base.add_columns(literal(EVERY).label("key")).select_from(Priority)
            anywhere = _open(anywhere.where(json_length(session, column) == 0))
            query = query.union_all(anywhere)
        return query
    if dimension == Dimension.SECTOR2:
        return _open(listed.add_columns(func.substr(code, 1, 2).label("key")))
    # 3 digits: codes of 3+ digits by their first three; a 2-digit code covers each demand
    # subsector starting with it (the demand buckets are few: joined as literal values)
    deeper = _open(
        listed.add_columns(func.substr(code, 1, 3).label("key")).where(func.length(code) >= 3)
    )
    wanted = [b for b in buckets if len(b) == 3]
    if not wanted:
        return deeper
    sectors = union(*(select(literal(b).label("bucket")) for b in wanted)).subquery("wanted")
    whole = _open(
        listed.add_columns(sectors.c.bucket.label("key")).join(
            sectors, func.substr(sectors.c.bucket, 1, 2) == code
        )
    ).where(func.length(code) == 2)
    return union(deeper, whole)  # union, not all: a priority counts once per subsector


def coverage_by_bucket(
    session: Session, dimension: Dimension, buckets: list[str]
) -> dict[str, Coverage]:
    """The cities covering each bucket with their open priority counts (absent: a gap)."""
    pairs = _pairs(session, dimension, buckets).subquery("pairs")
    query = (
        select(
            pairs.c.key, City.id, City.name, City.state, func.count(distinct(pairs.c.priority_id))
        )
        .join(City, City.id == pairs.c.city_id)
        .group_by(pairs.c.key, City.id, City.name, City.state)
    )
    by_key: dict[str, dict[int, CityCover]] = defaultdict(dict)
    for key, city_id, name, state, count in session.execute(query):
        by_key[str(key)][city_id] = CityCover(city_id, name, state, count)
    result: dict[str, Coverage] = {}
    for bucket in buckets:
        cities = dict(by_key.get(bucket, {}))
        if dimension == Dimension.STATE and bucket == ANY_STATE:
            cities = dict(by_key.get(EVERY, {}))
        if dimension == Dimension.COUNTRY:
            for city_id, cover in by_key.get(EVERY, {}).items():
                # a priority either lists countries or none: the two counts never overlap
                old = cities.get(city_id)
                total = cover.priorities + (old.priorities if old else 0)
                cities[city_id] = CityCover(city_id, cover.name, cover.state, total)
        if cities:
            ordered = sorted(cities.values(), key=lambda c: (-c.priorities, c.name, c.state))
            result[bucket] = Coverage(ordered)
    return result
