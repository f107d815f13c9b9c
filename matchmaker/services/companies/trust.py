"""Trust: look-alike sign-ups go to admin verification; admins verify, suspend or merge."""

from __future__ import annotations

import re

from flask import render_template
from rapidfuzz import fuzz, process
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker.jobs import enqueue
from matchmaker.orm import (
    AuthEventKind,
    Company,
    CompanyStatus,
    InterestProfile,
    ProfileStatus,
    Role,
    Suggestion,
    User,
    utcnow,
)
from matchmaker.services.accounts.auth_events import record_auth_event
from matchmaker.services.errors import Conflict, DomainError, InvalidTransition, NotFound
from matchmaker.services.mail import queue_email
from matchmaker.services.matching.upsert import withdraw_undecided_for
from matchmaker.text import check_text
from matchmaker.urls import external_url

NAME_SIMILARITY = 92  # rapidfuzz token_sort_ratio on normalised names, 0 to 100
# Statuses of companies a newcomer is compared with: real, published or about to be.
ESTABLISHED = (CompanyStatus.ACTIVE, CompanyStatus.PENDING_VERIFICATION, CompanyStatus.SUSPENDED)
LEGAL_FORMS = {
    "ab",
    "ag",
    "as",
    "bv",
    "co",
    "company",
    "corp",
    "corporation",
    "gmbh",
    "inc",
    "incorporated",
    "kk",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "nv",
    "oy",
    "plc",
    "pte",
    "pty",
    "sa",
    "sarl",
    "sas",
    "spa",
    "srl",
    "the",
}


class SameCompany(DomainError):
    """A company cannot be merged into itself."""

    field = "target_id"


class UnknownCompany(DomainError):
    """The company to merge into does not exist."""

    field = "target_id"


def normalise_name(name: str) -> str:
    """Lower-case words without punctuation or legal forms: 'ACME, Inc.' equals 'Acme'."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    return " ".join(w for w in words if w not in LEGAL_FORMS) or " ".join(words)


def find_duplicates(session: Session, company: Company) -> list[tuple[Company, str]]:
    """Established companies with the same website domain or a near-identical name."""
    found: dict[int, tuple[Company, str]] = {}
    if company.website_domain:
        same_site = session.scalars(
            select(Company).where(
                Company.website_domain == company.website_domain,
                Company.id != company.id,
                Company.status.in_(ESTABLISHED),
            )
        )
        for other in same_site:
            found[other.id] = (other, f"same website domain as {other.name} (#{other.id})")
    names = dict(
        session.execute(
            select(Company.id, Company.name).where(
                Company.id != company.id, Company.status.in_(ESTABLISHED)
            )
        ).all()
    )
    matches = process.extract(
        normalise_name(company.name),
        {cid: normalise_name(n) for cid, n in names.items()},
        scorer=fuzz.token_sort_ratio,
        score_cutoff=NAME_SIMILARITY,
        limit=5,
    )
    for _, score, cid in matches:
        if cid not in found:
            other = session.get(Company, cid)
            found[cid] = (other, f"name {score:.0f}% like {other.name} (#{other.id})")
    return list(found.values())


def notify_admins(session: Session, company: Company) -> None:
    """Tell every active admin that a sign-up waits for verification (caller commits)."""
    admins = session.scalars(select(User).where(User.role == Role.ADMIN, User.active)).all()
    body = render_template(
        "email/company_verification.txt",
        company=company,
        link=external_url("companies.admin_company", company_id=company.id),
    )
    for admin in admins:
        queue_email(session, admin.email, f"Company to verify: {company.name}", body)


def _company(session: Session, company_id: int) -> Company:
    company = session.get(Company, company_id)
    if company is None or company.status == CompanyStatus.UNCONFIRMED:
        raise NotFound("No such company.")
    return company


def _note(company: Company, admin: User, action: str, note: str) -> None:
    check_text({}, {"note": note})
    line = f"{utcnow():%Y-%m-%d} {action} by {admin.email}" + (f": {note.strip()}" if note else "")
    company.verification_note = (company.verification_note + "\n" + line).strip()[-4000:]


def _rerank(session: Session, company: Company) -> None:
    """Record re-rank jobs for the company's active profiles, in the caller's transaction."""
    if company.status == CompanyStatus.ACTIVE:
        ids = session.scalars(
            select(InterestProfile.id).where(
                InterestProfile.company_id == company.id,
                InterestProfile.status == ProfileStatus.ACTIVE,
            )
        ).all()
        for profile_id in ids:
            enqueue("rank_profile", profile_id)


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(
            "Someone acted on one of this company's suggestions meanwhile; try again."
        ) from exc


def verify_company(session: Session, company_id: int, admin: User, note: str = "") -> Company:
    """Publish a company waiting for verification (or lift a suspension)."""
    company = _company(session, company_id)
    allowed = (CompanyStatus.PENDING_VERIFICATION, CompanyStatus.SUSPENDED)
    if company.status not in allowed:
        raise InvalidTransition(f"A company that is {company.status.value} cannot be verified.")
    company.status = CompanyStatus.ACTIVE
    _note(company, admin, "verified", note)
    for member in company.members:
        if member.active:
            queue_email(
                session,
                member.email,
                "Your company is now visible on Matchmaker",
                render_template(
                    "email/company_verified.txt",
                    company=company,
                    link=external_url("my_company.profiles"),
                ),
            )
    _rerank(session, company)
    session.commit()
    return company


def suspend_company(session: Session, company_id: int, admin: User, note: str = "") -> Company:
    """Hide a company from offices until an admin verifies it again."""
    company = _company(session, company_id)
    if company.status not in (CompanyStatus.ACTIVE, CompanyStatus.PENDING_VERIFICATION):
        raise InvalidTransition(f"A company that is {company.status.value} cannot be suspended.")
    company.status = CompanyStatus.SUSPENDED
    _note(company, admin, "suspended", note)
    # Nothing of a suspended company stays in a queue: an office could still accept it.
    withdraw_undecided_for(session, company_id=company.id, actor=admin, reason="company suspended")
    _commit(session)
    return company


def merge_company(
    session: Session, source_id: int, target_id: int, admin: User, note: str = ""
) -> Company:
    """Fold a duplicate into another company: members, profiles and suggestions move over."""
    if source_id == target_id:
        raise SameCompany("Choose another company to merge into.")
    source, target = _company(session, source_id), session.get(Company, target_id)
    if target is None or target.status == CompanyStatus.UNCONFIRMED:
        raise UnknownCompany(f"There is no company number {target_id}.")
    for company in (source, target):
        if company.status in (CompanyStatus.DELETED, CompanyStatus.MERGED):
            raise InvalidTransition(f"{company.name} is {company.status.value}; it cannot merge.")
    withdraw_undecided_for(
        session, company_id=source.id, actor=admin, reason=f"company merged into #{target.id}"
    )
    session.flush()  # the expiries carry the suggestions' versions before the bulk move below
    for member in session.scalars(select(User).where(User.company_id == source.id)):
        # Whose data a member sees changes: an authentication matter, recorded as such.
        record_auth_event(
            session,
            AuthEventKind.MEMBERSHIP_CHANGED,
            user=member,
            actor=admin,
            detail=f"company #{source.id} merged into #{target.id}",
        )
    session.execute(update(User).where(User.company_id == source.id).values(company_id=target.id))
    session.execute(
        update(InterestProfile)
        .where(InterestProfile.company_id == source.id)
        .values(company_id=target.id, version=InterestProfile.version + 1)
    )
    session.execute(
        update(Suggestion)
        .where(Suggestion.company_id == source.id)
        .values(company_id=target.id, version=Suggestion.version + 1)
    )
    if source.external_id and not target.external_id:
        external_id, source.external_id = source.external_id, None
        session.flush()  # the unique external id leaves the source before the target takes it
        target.external_id = external_id
    source.status = CompanyStatus.MERGED
    source.merged_into_id = target.id
    _note(source, admin, f"merged into #{target.id}", note)
    _note(target, admin, f"absorbed #{source.id} {source.name}", note)
    _rerank(session, target)  # after the bulk move: the query sees the source's profiles
    _commit(session)
    session.expire_all()
    return target


def company_list(status: str = "", q: str = "") -> Select:
    """Companies for the admin list: filter by status, search by name or website domain."""
    query = select(Company).where(Company.status != CompanyStatus.UNCONFIRMED)
    if status in {s.value for s in CompanyStatus}:
        query = select(Company).where(Company.status == status)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            func.lower(Company.name).like(like) | func.lower(Company.website_domain).like(like)
        )
    return query.order_by(Company.name, Company.id)


def company_for_admin(session: Session, company_id: int) -> Company | None:
    """Any company by id, for the admin pages."""
    return session.get(Company, company_id)
