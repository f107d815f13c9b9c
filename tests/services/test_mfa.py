"""Two-step verification: enrolment, codes, replays, throttling, recovery codes, admin reset."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import AuthEvent, AuthEventKind, MfaCredential, User, utcnow
from matchmaker.services.accounts import mfa
from tests import factories as f


def events(kind: AuthEventKind) -> list[AuthEvent]:
    return list(db.session.scalars(select(AuthEvent).where(AuthEvent.kind == kind)))


def enrolled(user, now=None) -> tuple[str, list[str]]:
    """Enrol the user through the service; their secret and recovery codes."""
    now = now or utcnow()
    enrolment = mfa.start_enrolment(user)
    code = pyotp.TOTP(enrolment.secret).at(now)
    return enrolment.secret, mfa.confirm_enrolment(db.session, user, enrolment.token, code, now)


def at(secret: str, when) -> str:
    return pyotp.TOTP(secret).at(when)


def test_enrolment_confirmed_by_a_first_code_turns_mfa_on_with_ten_recovery_codes(app):
    user = f.StaffFactory()
    assert not mfa.is_enrolled(db.session, user)
    secret, codes = enrolled(user)
    assert mfa.is_enrolled(db.session, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert mfa.status(db.session, user).recovery_codes_left == 10
    [event] = events(AuthEventKind.MFA_ENROLLED)
    assert event.user_id == user.id and secret not in event.detail


def test_the_enrolment_uri_names_the_account_and_the_issuer(app):
    enrolment = mfa.start_enrolment(f.StaffFactory(email="sam@city.example"))
    assert enrolment.uri.startswith("otpauth://totp/Matchmaker:sam%40city.example?secret=")
    assert "issuer=Matchmaker" in enrolment.uri


def test_a_wrong_first_code_keeps_mfa_off(app):
    user = f.StaffFactory()
    enrolment = mfa.start_enrolment(user)
    with pytest.raises(mfa.InvalidCode):
        mfa.confirm_enrolment(db.session, user, enrolment.token, "000000")
    assert not mfa.is_enrolled(db.session, user)
    assert len(events(AuthEventKind.MFA_FAILED)) == 1


def test_an_enrolment_token_only_works_for_its_user_and_not_once_expired(app):
    user, other = f.StaffFactory(), f.StaffFactory()
    enrolment = mfa.start_enrolment(user)
    code = at(enrolment.secret, utcnow())
    with pytest.raises(mfa.EnrolmentExpired):
        mfa.confirm_enrolment(db.session, other, enrolment.token, code)
    app.config["MFA_ENROLMENT_MAX_AGE"] = -1
    with pytest.raises(mfa.EnrolmentExpired):
        mfa.confirm_enrolment(db.session, user, enrolment.token, code)


def test_a_mistyped_code_keeps_the_same_secret_for_the_next_try(app):
    user = f.StaffFactory()
    first = mfa.start_enrolment(user)
    assert mfa.start_enrolment(user, first.token).secret == first.secret
    assert mfa.start_enrolment(user, "garbage").secret != first.secret


def test_verify_accepts_the_current_code_and_records_its_use(app):
    user = f.StaffFactory()
    now = utcnow()
    secret, _ = enrolled(user, now - timedelta(minutes=10))
    assert mfa.verify(db.session, user, at(secret, now), now=now) == "totp"
    [used] = events(AuthEventKind.MFA_USED)
    assert used.user_id == user.id and used.detail == "login"


def test_a_code_is_accepted_once_only(app):
    user = f.StaffFactory()
    now = utcnow()
    secret, _ = enrolled(user, now - timedelta(minutes=10))
    code = at(secret, now)
    mfa.verify(db.session, user, code, now=now)
    with pytest.raises(mfa.InvalidCode, match="already used"):
        mfa.verify(db.session, user, code, now=now + timedelta(seconds=5))
    # An older code than the last one accepted is a replay too, even inside the drift.
    with pytest.raises(mfa.InvalidCode):
        mfa.verify(db.session, user, at(secret, now - timedelta(seconds=30)), now=now)
    assert mfa.verify(db.session, user, at(secret, now + timedelta(seconds=30)), now=now) == "totp"


def test_one_code_offered_twice_at_once_is_accepted_once(app):
    """Two sessions, each in its own thread and connection (as two processes would be)."""
    user = f.StaffFactory()
    now = utcnow()
    secret, _ = enrolled(user, now - timedelta(minutes=10))
    user_id, code = user.id, at(secret, now)
    db.session.commit()  # this thread holds no transaction (on SQLite, no lock) during the race
    barrier = threading.Barrier(2, timeout=10)
    results: list[str] = []

    def give_code() -> None:
        with app.app_context():
            me = db.session.get(User, user_id)
            db.session.commit()
            barrier.wait()
            try:
                results.append(mfa.verify(db.session, me, code, now=now))
            except mfa.InvalidCode as exc:
                results.append(str(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=give_code) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [
        "This code was already used. Wait for the next code in your app.",
        "totp",
    ]


def test_a_code_one_step_off_is_accepted_and_two_steps_off_is_not(app):
    user = f.StaffFactory()
    now = utcnow()
    secret, _ = enrolled(user, now - timedelta(minutes=10))
    with pytest.raises(mfa.InvalidCode):
        mfa.verify(db.session, user, at(secret, now - timedelta(seconds=60)), now=now)
    assert mfa.verify(db.session, user, at(secret, now - timedelta(seconds=30)), now=now)


def test_five_wrong_codes_lock_the_checks_until_the_window_passes(app):
    user = f.StaffFactory()
    now = utcnow()
    secret, codes = enrolled(user, now - timedelta(minutes=10))
    for _ in range(5):
        with pytest.raises(mfa.InvalidCode):
            mfa.verify(db.session, user, "123456" if at(secret, now) != "123456" else "654321")
    with pytest.raises(mfa.TooManyAttempts, match="Wait 5 minutes"):
        mfa.verify(db.session, user, at(secret, now), now=now)
    with pytest.raises(mfa.TooManyAttempts):
        mfa.verify(db.session, user, codes[0], now=now)  # recovery codes are throttled too
    assert len(events(AuthEventKind.MFA_FAILED)) == 5
    [locked] = events(AuthEventKind.LOCKED_OUT)
    assert (locked.user_id, locked.detail) == (user.id, "wrong MFA codes")
    later = now + timedelta(minutes=5, seconds=30)
    assert mfa.verify(db.session, user, at(secret, later), now=later) == "totp"


def test_the_throttle_counts_per_user(app):
    user, other = f.StaffFactory(), f.StaffFactory()
    now = utcnow()
    enrolled(user, now - timedelta(minutes=10))
    other_secret, _ = enrolled(other, now - timedelta(minutes=10))
    for _ in range(5):
        with pytest.raises(mfa.InvalidCode):
            mfa.verify(db.session, user, "not a code")
    assert mfa.verify(db.session, other, at(other_secret, now), now=now) == "totp"


def test_a_recovery_code_works_once_in_place_of_a_code(app):
    user = f.StaffFactory()
    _, codes = enrolled(user)
    assert mfa.verify(db.session, user, codes[3].upper().replace("-", " ")) == "recovery"
    with pytest.raises(mfa.InvalidCode):
        mfa.verify(db.session, user, codes[3])
    assert mfa.status(db.session, user).recovery_codes_left == 9
    [used] = events(AuthEventKind.MFA_RECOVERY_USED)
    assert used.detail == "login; 9 left" and codes[3] not in used.detail


def test_new_recovery_codes_replace_the_old_ones(app):
    user = f.StaffFactory()
    now = utcnow()
    secret, old = enrolled(user, now - timedelta(minutes=10))
    new = mfa.regenerate_recovery_codes(db.session, user, at(secret, now), now=now)
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(mfa.InvalidCode):
        mfa.verify(db.session, user, old[0])
    assert mfa.verify(db.session, user, new[0]) == "recovery"


def test_recovery_codes_are_stored_hashed(app):
    user = f.StaffFactory()
    _, codes = enrolled(user)
    stored = db.session.scalars(select(mfa.MfaRecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not {c.replace("-", "") for c in codes} & set(stored)
    assert all(len(h) == 64 for h in stored)


def test_staff_turn_mfa_off_with_a_current_code(app):
    user = f.StaffFactory()
    now = utcnow()
    secret, _ = enrolled(user, now - timedelta(minutes=10))
    with pytest.raises(mfa.InvalidCode):
        mfa.turn_off(db.session, user, "000000" if at(secret, now) != "000000" else "111111")
    assert mfa.is_enrolled(db.session, user)
    mfa.turn_off(db.session, user, at(secret, now), now=now)
    assert not mfa.is_enrolled(db.session, user)
    assert mfa.status(db.session, user) is None
    [off] = events(AuthEventKind.MFA_RESET)
    assert off.detail == "turned off by the user"


def test_admins_cannot_turn_mfa_off(app):
    admin = f.AdminFactory()
    secret = f.mfa_credential(admin.email).secret
    with pytest.raises(mfa.MfaRequired):
        mfa.turn_off(db.session, admin, pyotp.TOTP(secret).now())
    assert mfa.is_enrolled(db.session, admin)


def test_an_admin_resets_a_users_mfa_which_ends_their_sessions_and_is_audited(app):
    admin, staff = f.AdminFactory(), f.StaffFactory()
    enrolled(staff)
    token = staff.session_token
    mfa.reset_mfa(db.session, staff.id, admin)
    assert not mfa.is_enrolled(db.session, staff)
    assert db.session.scalar(select(mfa.MfaRecoveryCode.id)) is None
    assert db.session.get(User, staff.id).session_token != token
    [reset] = events(AuthEventKind.MFA_RESET)
    assert (reset.user_id, reset.actor_id) == (staff.id, admin.id)
    assert reset.detail == "reset by an admin"


def test_a_reset_admin_must_enrol_again(app):
    admin, other = f.AdminFactory(), f.AdminFactory()
    assert not mfa.must_enrol(db.session, other)
    mfa.reset_mfa(db.session, other.id, admin)
    assert mfa.must_enrol(db.session, other)
    with pytest.raises(mfa.DomainError, match="Another admin"):
        mfa.reset_mfa(db.session, admin.id, admin)
    with pytest.raises(mfa.NotEnrolled):
        mfa.reset_mfa(db.session, other.id, admin)
    with pytest.raises(mfa.NotFound):
        mfa.reset_mfa(db.session, 999_999, admin)


def test_the_secret_is_never_logged_nor_in_an_auth_event(app, caplog):
    caplog.set_level(logging.DEBUG)
    user = f.StaffFactory()
    now = utcnow()
    secret, codes = enrolled(user, now - timedelta(minutes=10))
    mfa.verify(db.session, user, at(secret, now), now=now)
    with pytest.raises(mfa.InvalidCode):
        mfa.verify(db.session, user, "not-a-code")
    mfa.verify(db.session, user, codes[0])
    stored = db.session.scalar(select(MfaCredential.secret))
    assert stored == secret
    texts = [repr(db.session.scalar(select(MfaCredential)))] + [e.detail for e in events_all()]
    assert not any(secret in text or codes[0] in text for text in texts)
    assert secret not in caplog.text


def events_all() -> list[AuthEvent]:
    return list(db.session.scalars(select(AuthEvent)))
