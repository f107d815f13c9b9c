"""Read side of the review work: an office's queue (keyset pages, best score first), one
suggestion with its context, the admin's backlog per office and the flagged list."""

from __future__ import annotations

import base64
import binascii
import functools
import math
from dataclasses import dataclass

from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session, aliased, joinedload

from matchmaker.dbrange import parse_id
from matchmaker.orm import (
    Company,
    Office,
    Priority,
    Suggestion,
    User,
)
from matchmaker.orm import SuggestionStatus as S
from matchmaker.services.introductions.blocks import not_blocked

PAGE_SIZE = 50
STATUS_FILTERS: dict[str, tuple[S, ...]] = {
    "open": (S.SUGGESTED, S.IN_REVIEW, S.NO_ANSWER),
    "suggested": (S.SUGGESTED,),
    "in_review": (S.IN_REVIEW,),
    "snoozed": (S.SNOOZED,),
    "no_answer": (S.NO_ANSWER,),
    "accepted": (S.ACCEPTED, S.INTRODUCED, S.ENGAGED, S.AGREEMENT),
    "declined": (S.DECLINED, S.COMPANY_DECLINED),
    "expired": (S.EXPIRED,),
}
STATUS_LABELS = {
    "open": "Waiting or in review",
    "suggested": "Waiting",
    "in_review": "In review",
    "snoozed": "Snoozed",
    "no_answer": "No answer to the introduction",
    "accepted": "Accepted",
    "declined": "Declined",
    "expired": "Withdrawn",
}


def office_may_act():
    """Unflagged, or flagged and decided by an admin (flagged ones go to the admin first)."""
    return or_(Suggestion.flagged.is_(False), Suggestion.flag_rationale != "")


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"
    priority_id: int | None = None
    sector: str = ""  # a NAICS prefix of the company's sectors
    country: str = ""  # the company's headquarters
    min_score: float | None = None
    company_initiated: bool = False
    q: str = ""  # part of the company's name
    after: str = ""  # the cursor: (score, id) of the last row of the previous page


@dataclass
class QueuePage:
    rows: list  # Row(id, score, status, version, company_initiated, flagged, routed_at,
    #               company, hq_country, priority, claimed_by)
    next_cursor: str | None
    first: bool


def encode_cursor(score: float, ident: int) -> str:
    return base64.urlsafe_b64encode(f"{score!r}:{ident}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[float, int] | None:
    """(score, id) from a cursor; None for an empty or malformed one (the first page)."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        score, ident = raw.split(":")
        value, number = float(score), parse_id(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    # An id the database cannot hold, or a score that is no number, is a malformed cursor.
    return (value, number) if number is not None and math.isfinite(value) else None


# The statements are built once per shape of filters (which filters are set, which statuses)
# and run with bound values: building and hashing a statement of this size costs more than
# running it. The cache holds immutable SQL constructs only, nothing that could go stale.
Shape = tuple[tuple[S, ...], bool, bool, bool, bool, bool, bool, bool]


def _shape(f: QueueFilters, after: tuple[float, int] | None) -> Shape:
    statuses = STATUS_FILTERS.get(f.status, STATUS_FILTERS["open"])
    return (
        statuses,
        bool(f.priority_id),
        f.min_score is not None,
        f.company_initiated,
        bool(f.sector),
        bool(f.country),
        bool(f.q),
        after is not None,
    )


def _params(office_id: int, f: QueueFilters, after: tuple[float, int] | None) -> dict:
    q = f.q.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
    return {
        "office_id": office_id,
        "priority_id": f.priority_id,
        "min_score": f.min_score,
        # The JSON list as text holds each code quoted: "54 starts every code under 54.
        "sector": f'%"{f.sector}%',
        "country": f.country,
        "q": f"%{q}%",
        "after_score": after[0] if after else None,
        "after_id": after[1] if after else None,
    }


def _branch(shape: Shape, status: S) -> Select:
    """One status's slice of the queue, in index order (routed office, status, score, id)."""
    _statuses, priority, min_score, company_initiated, sector, country, q, after = shape
    query = select(Suggestion.id, Suggestion.score).where(
        Suggestion.routed_office_id == bindparam("office_id"),
        Suggestion.status == status,
        office_may_act(),
        # The company asked for no more introductions from this office.
        not_blocked(Suggestion.company_id, Suggestion.routed_office_id),
    )
    if priority:
        query = query.where(Suggestion.priority_id == bindparam("priority_id"))
    if min_score:
        query = query.where(Suggestion.score >= bindparam("min_score", type_=Float))
    if company_initiated:
        query = query.where(Suggestion.company_initiated.is_(True))
    if sector or country or q:
        query = query.join(Company, Company.id == Suggestion.company_id)
        if sector:
            query = query.where(cast(Company.naics_sectors, String).like(bindparam("sector")))
        if country:
            query = query.where(Company.hq_country == bindparam("country"))
        if q:
            query = query.where(func.lower(Company.name).like(bindparam("q"), escape="/"))
    if after:
        query = query.where(
            tuple_(Suggestion.score, Suggestion.id)
            < tuple_(bindparam("after_score", type_=Float), bindparam("after_id", type_=Integer))
        )
    return query.order_by(Suggestion.score.desc(), Suggestion.id.desc()).limit(PAGE_SIZE + 1)


@functools.cache
def _keys(shape: Shape) -> Select:
    """The ids and scores of one page: per status an index range scan, merged (no big sort)."""
    statuses = shape[0]
    if len(statuses) == 1:
        return _branch(shape, statuses[0])
    merged = union_all(*(select(_branch(shape, s).subquery()) for s in statuses)).subquery("page")
    return (
        select(merged.c.id, merged.c.score)
        .order_by(merged.c.score.desc(), merged.c.id.desc())
        .limit(PAGE_SIZE + 1)
    )


@functools.cache
def _page(shape: Shape) -> Select:
    """The page's keys joined to just the columns the list shows (no ORM objects, no JSON)."""
    keys = _keys(shape).subquery("k")
    claimed = aliased(User)
    return (
        select(
            keys.c.id,
            keys.c.score,
            Suggestion.status,
            Suggestion.version,
            Suggestion.company_initiated,
            Suggestion.flagged,
            func.coalesce(Suggestion.routed_at, Suggestion.created_at).label("routed_at"),
            Company.name.label("company"),
            Company.hq_country,
            Priority.title.label("priority"),
            func.coalesce(claimed.name, claimed.email).label("claimed_by"),
        )
        .join(Suggestion, Suggestion.id == keys.c.id)
        .join(Company, Company.id == Suggestion.company_id)
        .join(Priority, Priority.id == Suggestion.priority_id)
        .outerjoin(claimed, claimed.id == Suggestion.assigned_to_id)
        .order_by(keys.c.score.desc(), keys.c.id.desc())
    )


def queue_query(office_id: int, f: QueueFilters) -> tuple[Select, dict]:
    """The keyset statement of one page and its values (for EXPLAIN)."""
    after = decode_cursor(f.after) if f.after else None
    return _keys(_shape(f, after)), _params(office_id, f, after)


def office_queue(session: Session, office_id: int, f: QueueFilters) -> QueuePage:
    """One page of 50 of an office's queue, best score first, and the cursor of the next."""
    after = decode_cursor(f.after) if f.after else None
    rows = session.execute(_page(_shape(f, after)), _params(office_id, f, after)).all()
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    cursor = encode_cursor(rows[-1].score, rows[-1].id) if more and rows else None
    return QueuePage(rows=rows, next_cursor=cursor, first=not f.after)


def priority_choices(session: Session, office_id: int) -> list[tuple[int, str]]:
    """The office's own priorities, for the queue's priority filter."""
    rows = session.execute(
        select(Priority.id, Priority.title)
        .where(Priority.office_id == office_id)
        .order_by(Priority.title, Priority.id)
    )
    return [(i, t) for i, t in rows]


def office_with_city(session: Session, office_id: int) -> Office | None:
    """The office a queue belongs to, with its city (the page header shows both)."""
    return session.get(Office, office_id, options=[joinedload(Office.city)])
