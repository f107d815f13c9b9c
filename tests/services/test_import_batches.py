"""Import batches run once: a second run changes nothing, a failed one can run again, two at once
import once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import (
    Company,
    ImportBatch,
    ImportStatus,
    SuggestionStatus,
    User,
)
from matchmaker.services.companies.csv_import import batches as company_import
from matchmaker.services.errors import DomainError, InvalidTransition
from tests import factories as f

S = SuggestionStatus
UNDECIDED = (S.SUGGESTED, S.IN_REVIEW, S.SNOOZED)


pytestmark = pytest.mark.usefixtures("no_ranking")


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
