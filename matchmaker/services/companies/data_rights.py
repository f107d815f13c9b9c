"""Data rights: a company downloads everything held about it, or deletes its account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from matchmaker import __version__, countries, naics
from matchmaker.orm import (
    Company,
    CompanyStatus,
    ProfileStatus,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.orm.accounts import new_session_token
from matchmaker.passwords import verify_password
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.companies.partnership_export import export_partnerships
from matchmaker.services.errors import Conflict, DomainError, NotFound
from matchmaker.services.matching.upsert import withdraw_undecided_for

EXPORT_FORMAT = "matchmaker-company-export/3"
# From the introduction on, the company takes part in a match: the export shows its state.
SHARED_STATES = (
    SuggestionStatus.INTRODUCED,
    SuggestionStatus.ENGAGED,
    SuggestionStatus.AGREEMENT,
    SuggestionStatus.COMPANY_DECLINED,
)


class WrongPassword(DomainError):
    field = "password"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None or company.status in (CompanyStatus.DELETED, CompanyStatus.MERGED):
        raise NotFound("No such company.")
    return company


def _took_part(suggestion: Suggestion) -> bool:
    return suggestion.company_initiated or suggestion.status in SHARED_STATES


def _shared(s: Suggestion) -> dict:
    """A match the company took part in; an office's private state shows as "interest_expressed"."""
    status = s.status.value if s.status in SHARED_STATES else "interest_expressed"
    return {
        "id": s.id,
        "profile_id": s.profile_id,
        "priority": s.priority.title,
        "office": s.routed_office.name if s.routed_office else None,
        "status": status,
        "company_initiated": s.company_initiated,
        "message": s.message if s.company_initiated else "",
        "created_at": _iso(s.created_at),
    }


def export_company(session: Session, company_id: int) -> dict:
    """Everything the service holds about a company, as plain JSON-ready data.

    Matching is internal to the offices: only matches the company took part in (its own expressed
    interest, introductions and later) are listed; the rest is a bare count, without priorities,
    offices, scores or decisions.
    """
    company = _company(session, company_id)
    suggestions = session.scalars(
        select(Suggestion)
        .where(Suggestion.company_id == company.id)
        .options(selectinload(Suggestion.priority), selectinload(Suggestion.routed_office))
        .order_by(Suggestion.id)
    ).all()
    shared = [s for s in suggestions if _took_part(s)]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(utcnow()),
        "service_version": __version__,
        "company": {
            "id": company.id,
            "name": company.name,
            "website": company.website,
            "hq_country": company.hq_country,
            "hq_country_name": countries.name(company.hq_country),
            "size": company.size,
            "naics_sectors": [{"code": c, "title": naics.title(c)} for c in company.naics_sectors],
            "description": company.description,
            "contact_name": company.contact_name,
            "contact_email": company.contact_email,
            "status": company.status.value,
            "external_id": company.external_id,
            "created_at": _iso(company.created_at),
            "confirmed_at": _iso(company.confirmed_at),
            "updated_at": _iso(company.updated_at),
        },
        "members": [
            {
                "name": m.name,
                "email": m.email,
                "active": m.active,
                "created_at": _iso(m.created_at),
                "last_login_at": _iso(m.last_login_at),
            }
            for m in company.members
        ],
        "interest_profiles": [
            {
                "id": p.id,
                "title": p.title,
                "partnership_types": p.partnership_types,
                "naics_sectors": p.naics_sectors,
                "states": p.states,
                "interests": p.interests,
                "status": p.status.value,
                "created_at": _iso(p.created_at),
                "updated_at": _iso(p.updated_at),
            }
            for p in company.profiles
        ],
        "suggestions": [_shared(s) for s in shared],
        "internal_match_records": len(suggestions) - len(shared),
        # Introductions, blocks, engagements and agreements, as the company's pages show them.
        **export_partnerships(session, company.id, company.name),
    }


def delete_company(session: Session, company_id: int, acting: User, password: str) -> None:
    """Anonymise a company at its request; suggestion rows and their history stay for metrics."""
    if not verify_password(acting.password_hash, password):
        raise WrongPassword("The password is not correct.")
    company = _company(session, company_id)
    now = utcnow()
    company.name = f"Deleted company #{company.id}"
    company.website = company.description = company.contact_name = company.contact_email = ""
    company.website_domain = company.external_id = None
    company.verification_note = ""
    company.status = CompanyStatus.DELETED
    company.deleted_at = now
    for member in company.members:
        member.email = f"deleted-user-{member.id}@deleted.invalid"
        member.name = ""
        member.password_hash = None
        # Recorded under the anonymised address: the deletion keeps no contact of the member.
        accounts.set_active(
            session, member, False, actor=acting, detail="company account deleted", commit=False
        )
        member.session_token = new_session_token()
    for profile in company.profiles:
        profile.title = f"Withdrawn profile #{profile.id}"
        profile.interests = ""
        profile.status = ProfileStatus.WITHDRAWN
        profile.updated_at = now
    withdraw_undecided_for(
        session, company_id=company.id, actor=acting, reason="company deleted its account"
    )
    rows = session.scalars(select(Suggestion).where(Suggestion.company_id == company.id)).all()
    for suggestion in rows:
        suggestion.message = ""  # free text the company wrote
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict("An office acted on one of your matches just now; try again.") from exc
