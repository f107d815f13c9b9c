"""The scheduled company commands: profile-reminders and expire-signups."""

from __future__ import annotations

from datetime import timedelta

from matchmaker.orm import CompanyStatus, utcnow
from tests import factories as f


def test_profile_reminders_reports_what_it_did_and_is_idempotent(runner, mailbox):
    member = f.CompanyMemberFactory(email="gwen@wyvern.example")
    f.ProfileFactory(company=member.company, updated_at=utcnow() - timedelta(days=400))
    result = runner.invoke(args=["profile-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminder(s) sent, 0 profile(s) paused" in result.output
    assert len(mailbox.to("gwen@wyvern.example")) == 1
    again = runner.invoke(args=["profile-reminders"])
    assert "0 reminder(s) sent" in again.output


def test_expire_signups_deletes_old_unconfirmed_companies(runner):
    f.CompanyFactory(status=CompanyStatus.UNCONFIRMED, created_at=utcnow() - timedelta(days=8))
    f.CompanyFactory(status=CompanyStatus.UNCONFIRMED)
    result = runner.invoke(args=["expire-signups"])
    assert result.exit_code == 0 and "1 unconfirmed sign-up(s) deleted" in result.output
