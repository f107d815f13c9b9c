"""Company-side safety: undecided suggestions end with the company or profile, the export shows
only what the company took part in, invitations expire and can be renewed, imports run once."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import (
    Company,
    CompanyStatus,
    ImportBatch,
    ImportStatus,
    ProfileStatus,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services import (
    accounts,
    companies,
    company_import,
    data_rights,
    members,
    trust,
    upkeep,
)
from matchmaker.services.errors import DomainError, InvalidTransition
from tests import factories as f

S = SuggestionStatus
UNDECIDED = (S.SUGGESTED, S.IN_REVIEW, S.SNOOZED)


@pytest.fixture(autouse=True)
def no_ranking(monkeypatch) -> None:
    for module in (companies, trust):
        monkeypatch.setattr(module, "enqueue", lambda fn, *args: None)


def rows_of(profile) -> tuple[list[Suggestion], Suggestion]:
    """One suggestion in each undecided state, and an accepted one."""
    open_rows = [f.SuggestionFactory(profile=profile, status=s) for s in UNDECIDED]
    return open_rows, f.SuggestionFactory(profile=profile, status=S.ACCEPTED)


def assert_expired(rows: list[Suggestion], reason: str, actor=None) -> None:
    db.session.expire_all()
    for row in rows:
        assert db.session.get(Suggestion, row.id).status == S.EXPIRED
        event = db.session.scalars(
            select(ReviewEvent)
            .where(ReviewEvent.suggestion_id == row.id)
            .order_by(ReviewEvent.id.desc())
        ).first()
        assert event is not None and event.to_status == "expired"
        assert reason in event.reason
        assert event.actor_id == (actor.id if actor else None)
    froms = {
        e.from_status
        for e in db.session.scalars(
            select(ReviewEvent).where(ReviewEvent.suggestion_id.in_([r.id for r in rows]))
        )
    }
    assert froms == {s.value for s in UNDECIDED}


def profile_data(status: ProfileStatus) -> companies.ProfileData:
    return companies.ProfileData(
        title="Stadium pilots", partnership_types=["pilot_project"], naics_sectors=["5121"],
        states=["MA"], interests="A venue.", status=status,
    )  # fmt: skip


def test_suspending_a_company_expires_all_its_undecided_suggestions(app):
    admin = f.AdminFactory()
    profile = f.ProfileFactory()
    other = f.SuggestionFactory(status=S.IN_REVIEW)  # another company's: untouched
    open_rows, accepted = rows_of(profile)
    trust.suspend_company(db.session, profile.company_id, admin, "fraud check")
    assert_expired(open_rows, "company suspended", admin)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED
    assert db.session.get(Suggestion, other.id).status == S.IN_REVIEW


def test_merging_expires_the_undecided_suggestions_of_the_company_merged_away(app):
    admin = f.AdminFactory()
    target = f.CompanyFactory()
    profile = f.ProfileFactory(company__name="Acme Robotics Inc")
    kept = f.SuggestionFactory(profile=f.ProfileFactory(company=target), status=S.IN_REVIEW)
    open_rows, accepted = rows_of(profile)
    trust.merge_company(db.session, profile.company_id, target.id, admin)
    assert_expired(open_rows, "merged", admin)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED
    assert db.session.get(Suggestion, kept.id).status == S.IN_REVIEW


def test_deleting_a_company_expires_its_undecided_suggestions_as_the_member(app):
    profile = f.ProfileFactory()
    member = f.CompanyMemberFactory(company=profile.company)
    open_rows, accepted = rows_of(profile)
    data_rights.delete_company(db.session, profile.company_id, member, f.PASSWORD)
    assert_expired(open_rows, "company deleted", member)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED


@pytest.mark.parametrize(
    ("status", "reason"),
    [(ProfileStatus.PAUSED, "profile paused"), (ProfileStatus.WITHDRAWN, "profile withdrawn")],
)
def test_a_profile_leaving_active_expires_its_undecided_suggestions(app, status, reason):
    profile = f.ProfileFactory()
    member = f.CompanyMemberFactory(company=profile.company)
    sibling = f.SuggestionFactory(
        profile=f.ProfileFactory(company=profile.company), status=S.IN_REVIEW
    )
    open_rows, accepted = rows_of(profile)
    companies.update_profile(
        db.session, profile.company_id, profile.id, profile_data(status), None, actor=member
    )
    assert_expired(open_rows, reason, member)
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED
    assert db.session.get(Suggestion, sibling.id).status == S.IN_REVIEW


def test_saving_an_active_profile_leaves_its_suggestions_alone(app):
    profile = f.ProfileFactory()
    open_rows, _ = rows_of(profile)
    companies.update_profile(
        db.session, profile.company_id, profile.id, profile_data(ProfileStatus.ACTIVE), None
    )
    db.session.expire_all()
    assert [db.session.get(Suggestion, r.id).status for r in open_rows] == list(UNDECIDED)


def test_the_automatic_pause_expires_the_profiles_undecided_suggestions(app, mailbox):
    profile = f.ProfileFactory(updated_at=utcnow() - timedelta(days=400))
    open_rows, accepted = rows_of(profile)
    upkeep.send_profile_reminders(db.session)
    assert upkeep.send_profile_reminders(db.session, now=utcnow() + timedelta(days=31)) == (0, 1)
    assert_expired(open_rows, "profile paused")
    assert db.session.get(Suggestion, accepted.id).status == S.ACCEPTED


def test_the_export_shows_only_what_the_company_took_part_in(app):
    profile = f.ProfileFactory()
    hidden = f.PriorityFactory(title="Secret stadium bid", visible_to_companies=False)
    f.SuggestionFactory(profile=profile, priority=hidden, score=0.91)
    f.SuggestionFactory(
        profile=profile, priority__title="Declined quietly", status=S.DECLINED,
        decline_reason="company_too_small", score=0.77,
    )  # fmt: skip
    f.SuggestionFactory(profile=profile, priority__title="Under review", status=S.IN_REVIEW)
    asked = f.SuggestionFactory(
        profile=profile, priority__title="Harbour pilot", company_initiated=True,
        message="We would love to pilot here.", status=S.DECLINED, decline_reason="not_a_fit",
    )  # fmt: skip
    introduced = f.SuggestionFactory(
        profile=profile, priority__title="Fan zone", status=S.INTRODUCED, score=0.66
    )
    data = data_rights.export_company(db.session, profile.company_id)
    text = json.dumps(data)
    by_id = {s["id"]: s for s in data["suggestions"]}
    assert set(by_id) == {asked.id, introduced.id}
    assert by_id[asked.id]["message"] == "We would love to pilot here."
    assert by_id[asked.id]["priority"] == "Harbour pilot"
    assert by_id[introduced.id]["status"] == "introduced"
    assert data["internal_match_records"] == 3
    for secret in ("Secret stadium", "Declined quietly", "Under review", "score", "0.91",
                   "declined", "not_a_fit", "company_too_small", "in_review"):  # fmt: skip
        assert secret not in text, secret


def test_staff_export_leaves_contacts_out_and_imports_back_without_clearing_them(app):
    importer = f.StaffFactory()
    f.CompanyFactory(
        name="Acme", contact_name="Ada Lovelace", contact_email="ada@acme.example",
        external_id="e-1", website="https://acme.example", website_domain="acme.example",
        created_by_office_id=importer.office_id,  # an import of this office created it
    )  # fmt: skip
    staff = company_csv_export(include_contacts=False)
    assert "contact_email" not in staff and "ada@acme.example" not in staff
    assert "Ada Lovelace" not in staff
    admin = company_csv_export(include_contacts=True)
    assert "ada@acme.example" in admin and "Ada Lovelace" in admin
    batch = company_import.upload_import(db.session, importer, "c.csv", staff.encode())
    assert company_import.preview_import(db.session, batch).counts.unchanged == 1


def company_csv_export(include_contacts: bool) -> str:
    from matchmaker.services import company_csv

    return company_csv.export_companies(
        db.session, (CompanyStatus.ACTIVE,), include_contacts=include_contacts
    )


def test_inviting_an_address_that_has_an_account_creates_nothing_and_tells_its_owner(app, mailbox):
    inviter = f.CompanyMemberFactory(name="Gwen")
    f.StaffFactory(email="taken@city.example")
    before = db.session.scalar(select(func.count()).select_from(User))
    members.invite_member(db.session, inviter.company_id, inviter, "Taken", "Taken@City.example")
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    [notice] = mailbox.to("taken@city.example")
    body = notice.get_payload(decode=True).decode()
    assert "already has" in body and "/signup/invitation/" not in body


def test_an_active_colleague_is_not_invited_twice(app, mailbox):
    inviter = f.CompanyMemberFactory()
    colleague = f.CompanyMemberFactory(company=inviter.company, email="rhys@wyvern.example")
    with pytest.raises(DomainError, match="already a member"):
        members.invite_member(db.session, inviter.company_id, inviter, "Rhys", colleague.email)


def test_a_removed_member_can_be_invited_again(app, mailbox):
    inviter = f.CompanyMemberFactory()
    colleague = f.CompanyMemberFactory(company=inviter.company, email="rhys@wyvern.example")
    members.remove_member(db.session, inviter.company_id, colleague.id, inviter)
    members.invite_member(db.session, inviter.company_id, inviter, "Rhys Again", colleague.email)
    token = mailbox.last_link("rhys@wyvern.example", "/signup/invitation/").rsplit("/", 1)[-1]
    user = members.accept_invitation(db.session, token, "Rhys Jones", "a brand new passphrase!")
    assert user.id == colleague.id and user.active
    assert accounts.authenticate(db.session, "rhys@wyvern.example", "a brand new passphrase!")


def test_a_removed_member_of_another_company_is_not_taken_over(app, mailbox):
    inviter = f.CompanyMemberFactory()
    stranger = f.CompanyMemberFactory(email="old@other.example", active=False)
    members.invite_member(db.session, inviter.company_id, inviter, "Old", stranger.email)
    db.session.expire_all()
    stranger = db.session.get(User, stranger.id)
    assert not stranger.active and stranger.company_id != inviter.company_id
    notice = mailbox.to("old@other.example")[-1].get_payload(decode=True).decode()
    assert "already has" in notice and "/signup/invitation/" not in notice


def test_unaccepted_invitations_expire_and_free_the_address(app, mailbox):
    inviter = f.CompanyMemberFactory()
    old = members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    fresh = members.invite_member(db.session, inviter.company_id, inviter, "New", "new@x.example")
    staff_invitee = f.StaffFactory(password_hash=None, email_confirmed_at=None)
    week_ago = utcnow() - timedelta(days=8)
    for user in (old, staff_invitee, inviter):
        user.created_at = week_ago
    db.session.commit()
    old_id, kept = old.id, {fresh.id, staff_invitee.id, inviter.id}
    assert upkeep.expire_invitations(db.session) == 1
    db.session.expire_all()
    assert db.session.get(User, old_id) is None
    assert kept <= set(db.session.scalars(select(User.id)))
    members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    assert upkeep.expire_invitations(db.session) == 0


def test_expire_signups_also_expires_invitations(runner, app, mailbox):
    inviter = f.CompanyMemberFactory()
    old = members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    result = runner.invoke(args=["expire-signups"])
    assert result.exit_code == 0, result.output
    assert "1 expired invitation(s) deleted" in result.output


def test_a_re_invited_never_accepted_invitee_gets_a_new_week(app, mailbox):
    inviter = f.CompanyMemberFactory()
    old = members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    members.remove_member(db.session, inviter.company_id, old.id, inviter)
    members.invite_member(db.session, inviter.company_id, inviter, "Old", "old@x.example")
    assert upkeep.expire_invitations(db.session) == 0
    assert accounts.find_user(db.session, "old@x.example").active


IMPORT_ROW = (
    "name,website,hq_country,size,naics_sectors\r\n"
    "Race Robotics,https://race-robotics.example,DE,sme,3332\r\n"
)


def test_a_second_run_of_a_batch_changes_nothing_and_says_so(app):
    staff = f.StaffFactory()
    batch = company_import.upload_import(db.session, staff, "c.csv", IMPORT_ROW.encode())
    company_import.run_import(db.session, batch.id, staff)
    with pytest.raises(InvalidTransition, match="already imported"):
        company_import.run_import(db.session, batch.id, staff)
    assert db.session.scalar(select(func.count()).select_from(Company)) == 1


def test_a_failed_import_leaves_the_batch_to_run_again(app):
    staff = f.StaffFactory()
    bad = IMPORT_ROW.replace(",3332", ",9999")
    batch = company_import.upload_import(db.session, staff, "c.csv", bad.encode())
    with pytest.raises(InvalidTransition, match="errors"):
        company_import.run_import(db.session, batch.id, staff)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.PREVIEWED


def test_two_runs_of_the_same_batch_at_once_import_it_once(app):
    staff = f.StaffFactory()
    batch = company_import.upload_import(db.session, staff, "c.csv", IMPORT_ROW.encode())
    batch_id, staff_id = batch.id, staff.id
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    results: list[object] = []

    def run() -> None:
        with app.app_context():
            user = db.session.get(User, staff_id)
            db.session.commit()  # hold no transaction (on SQLite, no write lock) at the barrier
            barrier.wait()
            try:
                company_import.run_import(db.session, batch_id, user)
                results.append("ok")
            except DomainError as exc:
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(map(str, results)) == ["This file was already imported.", "ok"], results
    assert db.session.scalar(select(func.count()).select_from(Company)) == 1
