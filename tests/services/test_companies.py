"""Company sign-up, confirmation, trust checks, interest profiles, members and data rights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import (
    Company,
    CompanyStatus,
    InterestProfile,
    ProfileStatus,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.accounts import members
from matchmaker.services.companies import data_rights, trust, upkeep
from matchmaker.services.companies import registration as companies
from matchmaker.services.errors import Conflict, DomainError, NotFound
from matchmaker.tokens import InvalidToken
from tests import factories as f

PASSWORD = "a long and unusual passphrase"


def details(**changes) -> companies.CompanyDetails:
    values = dict(
        name="Wyvern Volume Studios Ltd",
        website="https://www.wyvern-studios.example",
        hq_country="GB",
        size="large",
        naics_sectors=["5121", "7112"],
        description="Volumetric capture stages for sport and film.",
        contact_name="Gwen Wyvern",
    )
    return companies.CompanyDetails(**{**values, **changes})


def profile_data(**changes) -> companies.ProfileData:
    values = dict(
        title="Stadium pilots",
        partnership_types=["pilot_project"],
        naics_sectors=["5121"],
        states=["MA", "NY"],
        interests="A venue to pilot volumetric replays.",
    )
    return companies.ProfileData(**{**values, **changes})


@pytest.fixture
def ranked(monkeypatch) -> list:
    """The ids of profiles sent for re-ranking."""
    calls: list[int] = []
    for module in (companies, trust):
        monkeypatch.setattr(module, "enqueue", lambda fn, *args: calls.append(args[0]))
    return calls


def sign_up(mailbox, **changes) -> tuple[Company, str]:
    company = companies.register_company(
        db.session, details(**changes), "Gwen@Wyvern.example", PASSWORD
    )
    token = mailbox.last_link("gwen@wyvern.example", "/signup/confirm/").rsplit("/", 1)[-1]
    return company, token


def test_sign_up_creates_an_unconfirmed_company_and_emails_a_link(app, mailbox):
    company, _ = sign_up(mailbox)
    assert company.status == CompanyStatus.UNCONFIRMED
    assert company.website_domain == "wyvern-studios.example"
    member = company.members[0]
    assert member.email == "gwen@wyvern.example" and not member.active
    assert accounts.authenticate(db.session, "gwen@wyvern.example", PASSWORD) is None


def test_confirming_publishes_the_company_and_activates_its_member(app, mailbox):
    company, token = sign_up(mailbox)
    user = companies.confirm_signup(db.session, token)
    assert user.active and user.email_confirmed_at is not None
    assert company.status == CompanyStatus.ACTIVE and company.confirmed_at is not None
    assert accounts.authenticate(db.session, "gwen@wyvern.example", PASSWORD) is not None
    with pytest.raises(InvalidToken, match="already confirmed"):
        companies.confirm_signup(db.session, token)


def test_a_confirmation_link_expires(app, mailbox):
    _, token = sign_up(mailbox)
    app.config["SIGNUP_MAX_AGE"] = -1
    with pytest.raises(InvalidToken, match="expired"):
        companies.confirm_signup(db.session, token)


def test_sign_up_with_an_email_in_use_creates_nothing_and_tells_its_owner(app, mailbox):
    f.CompanyMemberFactory(email="gwen@wyvern.example")
    created = companies.register_company(db.session, details(), "Gwen@wyvern.example", PASSWORD)
    assert created is None
    assert db.session.scalar(select(Company).where(Company.name == details().name)) is None
    assert "tried to sign up" in mailbox.to("gwen@wyvern.example")[-1]["Subject"]


def test_sign_up_checks_codes_even_without_a_form(app):
    with pytest.raises(companies.InvalidCompanyData) as err:
        companies.register_company(
            db.session, details(naics_sectors=["5112"]), "a@b.example", PASSWORD
        )
    assert err.value.field == "naics_sectors"


@pytest.mark.parametrize(
    "existing",
    [
        {"name": "Totally Different Co", "website_domain": "wyvern-studios.example"},
        {"name": "Wyvern Volume Studios Limited", "website_domain": "other.example"},
        {"name": "WYVERN VOLUME STUDIOS", "website_domain": "elsewhere.example"},
    ],
)
def test_a_look_alike_sign_up_waits_for_an_admin(app, mailbox, existing):
    f.AdminFactory(email="admin@example.org")
    f.CompanyFactory(**existing)
    company, token = sign_up(mailbox)
    companies.confirm_signup(db.session, token)
    assert company.status == CompanyStatus.PENDING_VERIFICATION
    assert company.verification_note
    assert mailbox.to("admin@example.org"), "admins are told"


def test_a_different_company_is_not_a_look_alike(app):
    f.CompanyFactory(name="Wyvern Capital Partners", website_domain="wyvern-capital.example")
    company = f.CompanyFactory(name="Wyvern Volume Studios", website_domain="wvs.example")
    assert trust.find_duplicates(db.session, company) == []


def test_admin_verifies_suspends_and_merges(app, mailbox, ranked):
    admin = f.AdminFactory()
    original = f.CompanyFactory(name="Acme Robotics", naics_sectors=["3332"])
    duplicate = f.CompanyFactory(
        name="Acme Robotics Inc", status=CompanyStatus.PENDING_VERIFICATION, external_id="crm-9"
    )
    member = f.CompanyMemberFactory(company=duplicate)
    profile = f.ProfileFactory(company=duplicate)
    suggestion = f.SuggestionFactory(profile=profile)
    trust.verify_company(db.session, duplicate.id, admin, "checked by phone")
    assert (
        duplicate.status == CompanyStatus.ACTIVE
        and "checked by phone" in duplicate.verification_note
    )
    assert profile.id in ranked
    trust.suspend_company(db.session, duplicate.id, admin)
    assert duplicate.status == CompanyStatus.SUSPENDED
    trust.merge_company(db.session, duplicate.id, original.id, admin, "same firm")
    db.session.expire_all()
    assert db.session.get(Company, duplicate.id).status == CompanyStatus.MERGED
    assert db.session.get(Company, duplicate.id).merged_into_id == original.id
    assert db.session.get(User, member.id).company_id == original.id
    assert db.session.get(InterestProfile, profile.id).company_id == original.id
    assert db.session.get(Suggestion, suggestion.id).company_id == original.id
    assert db.session.get(Company, original.id).external_id == "crm-9"
    with pytest.raises(trust.SameCompany):
        trust.merge_company(db.session, original.id, original.id, admin)


def test_saving_an_active_profile_enqueues_its_ranking(app, ranked):
    company = f.CompanyFactory()
    profile = companies.create_profile(db.session, company.id, profile_data())
    assert ranked == [profile.id]
    companies.update_profile(
        db.session,
        company.id,
        profile.id,
        profile_data(status=ProfileStatus.PAUSED),
        profile.version,
    )
    assert ranked == [profile.id, profile.id], "a status change lets ranking expire suggestions"
    companies.update_profile(
        db.session,
        company.id,
        profile.id,
        profile_data(status=ProfileStatus.PAUSED),
        profile.version,
    )
    assert len(ranked) == 2, "a paused profile that stays paused is not ranked"


def test_profiles_of_an_unpublished_company_are_not_ranked(app, ranked):
    company = f.CompanyFactory(status=CompanyStatus.PENDING_VERIFICATION)
    companies.create_profile(db.session, company.id, profile_data())
    assert ranked == []


def test_a_stale_profile_edit_is_a_conflict(app):
    profile = f.ProfileFactory()
    stale = profile.version
    companies.update_profile(db.session, profile.company_id, profile.id, profile_data(), stale)
    with pytest.raises(Conflict):
        companies.update_profile(
            db.session, profile.company_id, profile.id, profile_data(title="Mine"), stale
        )


def test_another_companys_profile_cannot_be_edited(app):
    mine, theirs = f.CompanyFactory(), f.ProfileFactory()
    with pytest.raises(NotFound):
        companies.update_profile(db.session, mine.id, theirs.id, profile_data(), None)


def test_members_invite_colleagues_who_set_a_password_once(app, mailbox):
    member = f.CompanyMemberFactory(name="Gwen")
    members.invite_member(db.session, member.company_id, member, "Rhys", "rhys@wyvern.example")
    token = mailbox.last_link("rhys@wyvern.example", "/signup/invitation/").rsplit("/", 1)[-1]
    user = members.accept_invitation(db.session, token, "Rhys Jones", PASSWORD)
    assert user.company_id == member.company_id and user.name == "Rhys Jones"
    assert accounts.authenticate(db.session, "rhys@wyvern.example", PASSWORD) is not None
    with pytest.raises(InvalidToken):
        members.invited_user(db.session, token)


def test_a_member_cannot_remove_themselves_but_can_remove_a_colleague(app):
    me = f.CompanyMemberFactory()
    colleague = f.CompanyMemberFactory(company=me.company)
    with pytest.raises(DomainError):
        members.remove_member(db.session, me.company_id, me.id, me)
    members.remove_member(db.session, me.company_id, colleague.id, me)
    assert not colleague.active


def test_export_holds_the_company_its_members_profiles_and_suggestions(app):
    profile = f.ProfileFactory(naics_sectors=["5132"])
    f.CompanyMemberFactory(company=profile.company, email="gwen@wyvern.example")
    f.SuggestionFactory(profile=profile)
    f.SuggestionFactory(profile=profile, status=SuggestionStatus.INTRODUCED)
    data = data_rights.export_company(db.session, profile.company_id)
    assert data["company"]["name"] == profile.company.name
    assert [m["email"] for m in data["members"]] == ["gwen@wyvern.example"]
    assert data["interest_profiles"][0]["title"] == profile.title
    assert len(data["suggestions"]) == 1 and data["internal_match_records"] == 1


def test_deleting_anonymises_but_keeps_suggestions_and_history(app):
    profile = f.ProfileFactory()
    company = profile.company
    member = f.CompanyMemberFactory(company=company)
    open_one = f.SuggestionFactory(profile=profile)
    decided = f.SuggestionFactory(profile=profile, status=SuggestionStatus.DECLINED)
    with pytest.raises(data_rights.WrongPassword):
        data_rights.delete_company(db.session, company.id, member, "wrong password")
    data_rights.delete_company(db.session, company.id, member, f.PASSWORD)
    db.session.expire_all()
    assert company.name == f"Deleted company #{company.id}"
    assert (company.website, company.description, company.contact_email) == ("", "", "")
    assert company.status == CompanyStatus.DELETED
    assert not member.active and "deleted.invalid" in member.email and member.password_hash is None
    assert profile.status == ProfileStatus.WITHDRAWN and profile.interests == ""
    assert db.session.get(Suggestion, open_one.id).status == SuggestionStatus.EXPIRED
    assert db.session.get(Suggestion, decided.id).status == SuggestionStatus.DECLINED
    events = db.session.scalars(select(ReviewEvent)).all()
    assert [(e.suggestion_id, e.to_status) for e in events] == [(open_one.id, "expired")]


def test_stale_profiles_get_a_reminder_then_a_pause(app, mailbox):
    member = f.CompanyMemberFactory(email="gwen@wyvern.example")
    year_ago = utcnow() - timedelta(days=366)
    stale = f.ProfileFactory(company=member.company, updated_at=year_ago)
    fresh = f.ProfileFactory(company=member.company)
    assert upkeep.send_profile_reminders(db.session) == (1, 0)
    assert stale.reminder_sent_at is not None and fresh.reminder_sent_at is None
    assert "still current" in mailbox.to("gwen@wyvern.example")[-1]["Subject"]
    assert upkeep.send_profile_reminders(db.session) == (0, 0), "idempotent"
    later = utcnow() + timedelta(days=31)
    assert upkeep.send_profile_reminders(db.session, now=later) == (0, 1)
    assert stale.status == ProfileStatus.PAUSED and fresh.status == ProfileStatus.ACTIVE


def test_touching_a_reminded_profile_keeps_it_active(app, mailbox):
    profile = f.ProfileFactory(updated_at=utcnow() - timedelta(days=400))
    upkeep.send_profile_reminders(db.session)
    companies.update_profile(db.session, profile.company_id, profile.id, profile_data(), None)
    assert profile.reminder_sent_at is None
    assert upkeep.send_profile_reminders(db.session, now=utcnow() + timedelta(days=31)) == (0, 0)
    assert profile.status == ProfileStatus.ACTIVE


def test_unconfirmed_sign_ups_expire_after_seven_days(app, mailbox):
    old, _ = sign_up(mailbox)
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    recent = companies.register_company(
        db.session, details(name="Other"), "o@other.example", PASSWORD
    )
    confirmed = f.CompanyFactory(created_at=utcnow() - timedelta(days=30))
    ids = (old.id, recent.id, confirmed.id)
    assert upkeep.expire_signups(db.session) == 1
    db.session.expire_all()
    remaining = set(db.session.scalars(select(Company.id)))
    assert ids[0] not in remaining and set(ids[1:]) <= remaining
    assert accounts.find_user(db.session, "gwen@wyvern.example") is None
