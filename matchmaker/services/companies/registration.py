"""Companies: self-registration with an emailed confirmation, the company profile, interest
profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matchmaker import countries, naics, passwords, vocab
from matchmaker.jobs import enqueue
from matchmaker.orm import (
    Company,
    CompanyStatus,
    InterestProfile,
    ProfileStatus,
    Role,
    User,
    utcnow,
)
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.companies import trust
from matchmaker.services.errors import Conflict, DomainError, NotFound
from matchmaker.services.mail import queue_email
from matchmaker.services.matching.upsert import withdraw_undecided_for
from matchmaker.text import check_text
from matchmaker.tokens import InvalidToken, make_token, read_token
from matchmaker.urls import external_url

SIGNUP = "company-signup"
SIGNUP_MAX_AGE = 7 * 24 * 3600  # unconfirmed sign-ups expire after a week


@dataclass
class CompanyDetails:
    """What a company says about itself, at sign-up and when it edits its profile."""

    name: str
    website: str
    hq_country: str
    size: str
    naics_sectors: list[str]
    description: str = ""
    contact_name: str = ""


@dataclass
class ProfileData:
    """One interest profile: what the company looks for in a city."""

    title: str
    partnership_types: list[str]
    naics_sectors: list[str]
    states: list[str] = field(default_factory=lambda: ["any"])
    interests: str = ""
    status: ProfileStatus = ProfileStatus.ACTIVE


def website_domain(url: str) -> str | None:
    """The host of a website, lower-cased and without 'www.': how duplicates are recognised."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.") or None


class InvalidCompanyData(DomainError):
    """A value outside its code list or format; `field` names the form field."""


def check_details(details: CompanyDetails) -> None:
    """The rules every source of company data obeys (forms, import, a future API)."""
    from matchmaker.services.companies.csv_import.rows import is_website

    check_text(
        {
            "company_name": details.name,
            "website": details.website,
            "contact_name": details.contact_name,
        },
        {"description": details.description},
    )
    if not details.name.strip() or len(details.name) > 200:
        raise InvalidCompanyData("Give the company name (200 characters at most).", "company_name")
    if not is_website(details.website) or len(details.website) > 300:
        raise InvalidCompanyData(
            "Enter the full website address, such as https://example.com.", "website"
        )
    if not countries.is_valid(details.hq_country):
        raise InvalidCompanyData("Choose a country.", "hq_country")
    if details.size not in vocab.COMPANY_SIZES:
        raise InvalidCompanyData("Choose a size.", "size")
    sectors = details.naics_sectors
    if not 1 <= len(sectors) <= vocab.MAX_COMPANY_SECTORS or naics.unknown(sectors):
        raise InvalidCompanyData(
            f"Choose 1 to {vocab.MAX_COMPANY_SECTORS} NAICS 2022 sectors.", "naics_sectors"
        )


def check_profile(data: ProfileData) -> None:
    """The rules every interest profile obeys."""
    check_text({"title": data.title}, {"interests": data.interests})
    if not data.title.strip() or len(data.title) > 200:
        raise InvalidCompanyData("Give a title (200 characters at most).", "title")
    if not data.partnership_types or set(data.partnership_types) - set(vocab.PARTNERSHIP_TYPES):
        raise InvalidCompanyData("Choose at least one partnership type.", "partnership_types")
    if naics.unknown(data.naics_sectors) or len(data.naics_sectors) > vocab.MAX_COMPANY_SECTORS:
        raise InvalidCompanyData(
            f"Choose up to {vocab.MAX_COMPANY_SECTORS} NAICS 2022 sectors.", "naics_sectors"
        )
    states = data.states or ["any"]
    if states != ["any"] and set(states) - set(vocab.US_STATES):
        raise InvalidCompanyData("Choose “Any state” or US states.", "states")


def signup_max_age() -> int:
    return int(current_app.config.get("SIGNUP_MAX_AGE", SIGNUP_MAX_AGE))


def _apply_details(company: Company, details: CompanyDetails) -> None:
    company.name = details.name.strip()
    company.website = details.website.strip()
    company.website_domain = website_domain(details.website)
    company.hq_country = details.hq_country
    company.size = details.size
    company.naics_sectors = list(details.naics_sectors)
    company.description = details.description.strip()
    company.contact_name = details.contact_name.strip()


def _tell_account_holder(session: Session, user: User) -> None:
    body = render_template(
        "email/company_signup_refused.txt",
        user=user,
        login=external_url("auth.login"),
        reset=external_url("auth.request_reset"),
    )
    queue_email(session, user.email, "Someone tried to sign up with your address", body)
    session.commit()


def register_company(
    session: Session, details: CompanyDetails, email: str, password: str
) -> Company | None:
    """Create an unconfirmed company and its first member, and email the confirmation link.

    An address that already has an account gets a notice instead and nothing is created (None):
    the caller answers alike, so the sign-up form reveals no accounts."""
    check_details(details)
    try:
        passwords.check_policy(password)  # the same answer for a weak password either way
    except passwords.WeakPassword as exc:
        raise DomainError(str(exc), field="password") from exc
    existing = accounts.find_user(session, email)
    if existing is not None:
        # The new account's password hash is the slow step: do it here too, so both answers
        # take as long and the timing reveals no accounts.
        passwords.hash_password(password)
        _tell_account_holder(session, existing)
        return None
    company = Company(
        status=CompanyStatus.UNCONFIRMED, contact_email=accounts.normalise_email(email)
    )
    _apply_details(company, details)
    session.add(company)
    session.flush()
    user = accounts.create_user(
        session,
        email,
        Role.COMPANY_MEMBER,
        name=details.contact_name.strip(),
        password=password,
        company_id=company.id,
        commit=False,
    )
    # No login until the address is proven: the confirmation link activates the account.
    user.active = False
    user.email_confirmed_at = None
    token = make_token(SIGNUP, {"cid": company.id, "uid": user.id})
    body = render_template(
        "email/company_confirm.txt",
        company=company,
        link=external_url("signup.confirm", token=token),
        days=signup_max_age() // 86400,
    )
    queue_email(session, user.email, "Confirm your company's Matchmaker sign-up", body)
    session.commit()
    return company


def signup_for_token(session: Session, token: str) -> tuple[Company, User]:
    """The unconfirmed sign-up an emailed link is for (reads only), or InvalidToken."""
    payload = read_token(SIGNUP, token, signup_max_age())
    company = session.get(Company, payload.get("cid", 0))
    user = session.get(User, payload.get("uid", 0))
    if company is None or user is None or user.company_id != company.id:
        raise InvalidToken("This link is not valid, or the sign-up expired and was removed.")
    if company.status != CompanyStatus.UNCONFIRMED:
        raise InvalidToken("This sign-up is already confirmed. Please log in.")
    return company, user


def confirm_signup(session: Session, token: str) -> User:
    """Activate a sign-up from its emailed link; a look-alike company waits for an admin."""
    company, user = signup_for_token(session, token)
    now = utcnow()
    user.active = True
    user.email_confirmed_at = now
    company.confirmed_at = now
    duplicates = trust.find_duplicates(session, company)
    if duplicates:
        company.status = CompanyStatus.PENDING_VERIFICATION
        company.verification_note = "; ".join(reason for _, reason in duplicates)[:2000]
        trust.notify_admins(session, company)
    else:
        company.status = CompanyStatus.ACTIVE
    session.commit()
    return user


def _check_version(record, version: int | None) -> None:
    if version is not None and record.version != version:
        raise Conflict(
            "Someone else changed this while you were editing. Reload the page to see their "
            "changes, then make yours again."
        )


def update_company(
    session: Session, company_id: int, details: CompanyDetails, version: int | None
) -> Company:
    """Save the company's own profile; stale edits raise Conflict."""
    company = session.get(Company, company_id)
    if company is None or company.status in (CompanyStatus.DELETED, CompanyStatus.MERGED):
        raise NotFound("No such company.")
    _check_version(company, version)
    check_details(details)
    _apply_details(company, details)
    if company.status == CompanyStatus.ACTIVE:
        for profile in company.profiles:
            if profile.status == ProfileStatus.ACTIVE:
                enqueue("rank_profile", profile.id)
    session.commit()
    return company


def _apply_profile(profile: InterestProfile, data: ProfileData) -> None:
    content = (
        data.title.strip(),
        list(data.partnership_types),
        list(data.naics_sectors),
        list(data.states) or ["any"],
        data.interests.strip(),
    )
    before = (
        profile.title,
        profile.partnership_types,
        profile.naics_sectors,
        profile.states,
        profile.interests,
    )
    now = utcnow()
    if content != before or profile.status != data.status:
        profile.material_change_at = now  # a declined pair may be suggested again
    (
        profile.title,
        profile.partnership_types,
        profile.naics_sectors,
        profile.states,
        profile.interests,
    ) = content
    profile.status = data.status
    profile.updated_at = now
    profile.reminder_sent_at = None  # touched: the 12-month clock starts again


def _rank_after_save(profile: InterestProfile, old_status: ProfileStatus | None) -> None:
    """Re-rank an active profile of a published company; a status change lets ranking expire.

    Recorded in the saving transaction (call it after a flush, before the commit)."""
    published = profile.company.status == CompanyStatus.ACTIVE
    if published and (profile.status == ProfileStatus.ACTIVE or old_status != profile.status):
        enqueue("rank_profile", profile.id)


def create_profile(session: Session, company_id: int, data: ProfileData) -> InterestProfile:
    """Add an interest profile to a company."""
    check_profile(data)
    profile = InterestProfile(company_id=company_id, title="")
    _apply_profile(profile, data)
    session.add(profile)
    session.flush()
    _rank_after_save(profile, None)
    session.commit()
    return profile


def update_profile(
    session: Session,
    company_id: int,
    profile_id: int,
    data: ProfileData,
    version: int | None,
    actor: User | None = None,
) -> InterestProfile:
    """Save an interest profile of the company; stale edits raise Conflict. A profile that stops
    being active takes its undecided suggestions out of the offices' queues."""
    profile = session.scalar(
        select(InterestProfile).where(
            InterestProfile.id == profile_id, InterestProfile.company_id == company_id
        )
    )
    if profile is None:
        raise NotFound("No such interest profile.")
    _check_version(profile, version)
    check_profile(data)
    old_status = profile.status
    _apply_profile(profile, data)
    if old_status == ProfileStatus.ACTIVE and profile.status != ProfileStatus.ACTIVE:
        withdraw_undecided_for(
            session, profile_ids=[profile.id], actor=actor, reason=f"profile {profile.status.value}"
        )
    _rank_after_save(profile, old_status)
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(
            "Someone changed this profile or one of its matches meanwhile. Reload and try again."
        ) from exc
    return profile


def profile_list(company_id: int, q: str = "", status: str = "") -> Select:
    """A company's interest profiles, newest first: search title or text, filter by status."""
    query = select(InterestProfile).where(InterestProfile.company_id == company_id)
    if status in {s.value for s in ProfileStatus}:
        query = query.where(InterestProfile.status == status)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            func.lower(InterestProfile.title).like(like)
            | func.lower(InterestProfile.interests).like(like)
        )
    return query.order_by(InterestProfile.updated_at.desc(), InterestProfile.id.desc())
