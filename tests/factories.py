"""factory_boy factories for test data, bound to the app's session by the app fixture."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select

from matchmaker import passwords
from matchmaker.orm import (
    Agreement,
    AgreementDocument,
    AgreementFile,
    City,
    Company,
    CompanyStatus,
    Engagement,
    FollowUp,
    ImportBatch,
    InterestProfile,
    Introduction,
    IntroductionBlock,
    MfaCredential,
    Office,
    OfficeKind,
    Priority,
    PriorityStatus,
    Role,
    RoutingRule,
    SensitiveCountry,
    Signatory,
    Suggestion,
    User,
    UserSession,
    utcnow,
)

PASSWORD = "correct horse battery staple"  # noqa: S105 - test credential

_session = None


@cache
def password_hash() -> str:
    return passwords.hash_password(PASSWORD)


def bind(session) -> None:
    global _session
    _session = session


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: _session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class CityFactory(Base):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"City {n}")
    state = "MA"
    country = "US"


class OfficeFactory(Base):
    class Meta:
        model = Office

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Office {n}")
    kind = OfficeKind.ECONOMIC_DEVELOPMENT
    contact_email = factory.Sequence(lambda n: f"office{n}@city.example")


class CompanyFactory(Base):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    website = factory.Sequence(lambda n: f"https://company{n}.example")
    website_domain = factory.Sequence(lambda n: f"company{n}.example")
    hq_country = "DE"
    size = "sme"
    naics_sectors = ["5132"]
    description = "Fan engagement software for stadiums and sports venues."
    status = CompanyStatus.ACTIVE


class ProfileFactory(Base):
    class Meta:
        model = InterestProfile

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Profile {n}")
    partnership_types = ["pilot_project"]
    naics_sectors = ["5132"]
    states = ["any"]
    interests = "A US stadium to pilot our fan engagement app with a sports team."


class PriorityFactory(Base):
    class Meta:
        model = Priority

    office = factory.SubFactory(OfficeFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    description = "Attract sports technology companies to pilot projects in the stadium district."
    naics_sectors = ["5132", "7112"]
    partnership_types = ["pilot_project", "sponsorship"]
    target_countries = []
    status = PriorityStatus.OPEN
    visible_to_companies = True


class SuggestionFactory(Base):
    class Meta:
        model = Suggestion

    priority = factory.SubFactory(PriorityFactory)
    profile = factory.SubFactory(ProfileFactory)
    company = factory.SelfAttribute("profile.company")
    routed_office = factory.SelfAttribute("priority.office")
    routed_at = factory.LazyFunction(utcnow)
    score = 0.5


class IntroductionFactory(Base):
    """A request waiting for the company's answer, for an accepted suggestion."""

    class Meta:
        model = Introduction

    suggestion = factory.SubFactory(SuggestionFactory, status="accepted")
    office_id = factory.SelfAttribute("suggestion.routed_office_id")
    company_id = factory.SelfAttribute("suggestion.company_id")
    priority_id = factory.SelfAttribute("suggestion.priority_id")
    note = "We would like to introduce our stadium district team."
    stage = "requested"
    requested_at = factory.LazyFunction(utcnow)
    expires_at = factory.LazyAttribute(lambda o: o.requested_at + timedelta(days=30))


class EngagementFactory(Base):
    """A planned hybrid meeting of an introduction the company accepted, yesterday (its result
    is due)."""

    class Meta:
        model = Engagement

    introduction = factory.SubFactory(IntroductionFactory, stage="engaged")
    office_id = factory.SelfAttribute("introduction.office_id")
    uid = factory.Sequence(lambda n: f"engagement-{n}@matchmaker")
    kind = "meeting"
    mode = "hybrid"
    starts_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=1))
    time_zone = "Europe/Berlin"
    duration_minutes = 60
    location = "City hall, room 2"
    meeting_link = "https://meet.example.org/a"
    notes = "Internal note for the office"


class FollowUpFactory(Base):
    class Meta:
        model = FollowUp

    introduction = factory.SubFactory(IntroductionFactory, stage="active")
    office_id = factory.SelfAttribute("introduction.office_id")
    months = 6
    due_on = factory.LazyFunction(lambda: utcnow().date())


def _agreement_file(content: bytes) -> AgreementFile:
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    return _session.get(AgreementFile, sha) or AgreementFile(
        sha256=sha, size=len(content), content=content
    )


class AgreementFactory(Base):
    """An agreement with one PDF version (tests/pdfs.py), sent for signature."""

    class Meta:
        model = Agreement

    introduction = factory.SubFactory(IntroductionFactory, stage="agreement_drafted")
    title = factory.Sequence(lambda n: f"Memorandum {n}")
    kind = "mou"
    status = "signing"

    @factory.post_generation
    def documents(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's hook
        from tests.pdfs import tiny_pdf

        stored = _agreement_file(tiny_pdf(obj.title))
        _session.add(stored)
        obj.documents.append(
            AgreementDocument(
                number=1, sha256=stored.sha256, filename="mou.pdf", size=stored.size, pages=1
            )
        )
        _session.commit()


class SignatoryFactory(Base):
    class Meta:
        model = Signatory

    agreement = factory.SubFactory(AgreementFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Signatory {n}")
    email = factory.Sequence(lambda n: f"signatory{n}@example.org")
    party = "Company A"
    status = "invited"
    link_nonce = factory.Sequence(lambda n: f"{n:032d}")


class IntroductionBlockFactory(Base):
    class Meta:
        model = IntroductionBlock


class RoutingRuleFactory(Base):
    class Meta:
        model = RoutingRule

    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Rule {n}")
    hq_country = "DE"
    target_office = factory.SubFactory(OfficeFactory)


class SensitiveCountryFactory(Base):
    class Meta:
        model = SensitiveCountry

    country = "RU"
    note = "Sanctions review"
    effective_from = factory.LazyFunction(lambda: utcnow().date())


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    role = Role.ADMIN
    password_hash = factory.LazyFunction(password_hash)
    email_confirmed_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        """An authenticator is enrolled for admins (they must have one), for others if mfa=True."""
        wanted = extracted if extracted is not None else obj.role == Role.ADMIN
        if create and wanted:
            _session.add(MfaCredential(user_id=obj.id, secret=pyotp.random_base32()))
            _session.commit()


class AdminFactory(UserFactory):
    role = Role.ADMIN


class StaffFactory(UserFactory):
    role = Role.OFFICE_STAFF
    office = factory.SubFactory(OfficeFactory)


class CompanyMemberFactory(UserFactory):
    role = Role.COMPANY_MEMBER
    company = factory.SubFactory(CompanyFactory)


def mfa_credential(email: str) -> MfaCredential | None:
    query = select(MfaCredential).join(User, User.id == MfaCredential.user_id)
    query = query.where(User.email == email.strip().lower())
    return _session.scalar(query.execution_options(populate_existing=True))


def totp_code(email: str) -> str:
    """The code the user's authenticator app shows now, as a person would type it.

    A code is accepted once (its time step is remembered): a test that logs the same user in
    again within the same 30 seconds takes the next step's code, still inside the accepted
    drift, and past that rewinds the remembered step, as if it had waited for a fresh code.
    """
    credential = mfa_credential(email)
    totp = pyotp.TOTP(credential.secret)
    now = totp.timecode(utcnow())
    step = max(now, (credential.last_step or 0) + 1)
    if step > now + 1:
        credential.last_step, step = now - 1, now
    _session.commit()
    return totp.generate_otp(step)


IMPORT_CSV = (
    "external_id,name,website,hq_country,size,naics_sectors\r\n"
    "crm-1,Imported Example GmbH,https://imported-example.example,DE,sme,5132\r\n"
)


class ImportBatchFactory(Base):
    class Meta:
        model = ImportBatch

    filename = "companies.csv"
    content = IMPORT_CSV
    sha256 = "0" * 64
    row_count = 1


class UserSessionFactory(Base):
    """A live server-side session (its secret unknown: no cookie can name it)."""

    class Meta:
        model = UserSession

    secret_hash = "0" * 64
    ip = "192.0.2.10"
    user_agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
