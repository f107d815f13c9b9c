"""Demand per bucket, counted in the database with one GROUP BY per dimension.

Demand is the interest profiles of active companies: active profiles are the demand (and the
only ones gaps are judged on); paused ones are counted in a column of their own, since their
company may switch them on again; withdrawn ones and companies not active are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, distinct, func, select, true
from sqlalchemy.orm import Session

from matchmaker.orm import Company, CompanyStatus, InterestProfile, ProfileStatus
from matchmaker.services.demand.dimensions import Dimension
from matchmaker.services.demand.sql import json_elements


@dataclass(frozen=True)
class DemandCount:
    bucket: str
    companies: int  # distinct companies with an active profile in the bucket
    profiles: int  # active profiles
    new_profiles: int  # active profiles created since the period's start
    paused_profiles: int


def _bucket_source(session: Session, dimension: Dimension):
    """The bucket expression, and the table of list elements to join (None: a plain column)."""
    if dimension == Dimension.COUNTRY:
        return Company.hq_country, None
    if dimension == Dimension.TYPE:
        elem = json_elements(session, InterestProfile.partnership_types, "elem")
        return elem.c.value, elem
    if dimension == Dimension.STATE:
        elem = json_elements(session, InterestProfile.states, "elem")
        return elem.c.value, elem
    elem = json_elements(session, InterestProfile.naics_sectors, "elem")
    digits = 2 if dimension == Dimension.SECTOR2 else 3
    return func.substr(elem.c.value, 1, digits), elem


def demand_counts(
    session: Session, dimension: Dimension, since: datetime, country: str = ""
) -> list[DemandCount]:
    """Every bucket with an active or paused profile, most active profiles first."""
    bucket, elem = _bucket_source(session, dimension)
    active = InterestProfile.status == ProfileStatus.ACTIVE
    paused = InterestProfile.status == ProfileStatus.PAUSED
    query = (
        select(
            bucket.label("bucket"),
            func.count(distinct(case((active, InterestProfile.company_id)))),
            func.count(distinct(case((active, InterestProfile.id)))),
            func.count(
                distinct(case((active & (InterestProfile.created_at >= since), InterestProfile.id)))
            ),
            func.count(distinct(case((paused, InterestProfile.id)))),
        )
        .select_from(InterestProfile)
        .join(Company, Company.id == InterestProfile.company_id)
        .where(
            Company.status == CompanyStatus.ACTIVE,
            InterestProfile.status.in_([ProfileStatus.ACTIVE, ProfileStatus.PAUSED]),
        )
    )
    if elem is not None:
        query = query.join(elem, true())
    if dimension == Dimension.SECTOR3:
        # a profile naming only a whole sector ("54") has no 3-digit subsector to count under
        query = query.where(func.length(elem.c.value) >= 3)
    if country:
        query = query.where(Company.hq_country == country)
    query = query.group_by(bucket)
    rows = [DemandCount(str(b), c, p, n, z) for b, c, p, n, z in session.execute(query)]
    return sorted(rows, key=lambda r: (-r.profiles, -r.paused_profiles, r.bucket))
