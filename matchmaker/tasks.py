"""Job entry points: thin functions that open the work to the services, one per registry name.

Only the job machinery calls these (by name, through matchmaker/jobs/registry.py); code that
wants a job done calls `enqueue("<name>", ...)`. Each runs in an application context with
`db.session`, and must be idempotent: a job may run again after a crash."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.services import mail
from matchmaker.services.accounts import credentials as accounts
from matchmaker.services.companies.csv_import import batches as company_import
from matchmaker.services.companies.csv_import import queued as queued_import
from matchmaker.services.matching import distributed, ranking
from matchmaker.services.review import daily as review_daily
from matchmaker.services.review import routing


def deliver_outbox() -> int:
    return mail.deliver_outbox()


def send_password_reset(email: str, ip: str = "", agent: str = "") -> None:
    accounts.send_password_reset(db.session, email, ip, agent)


def rank_profile(profile_id: int) -> int:
    return ranking.rank_profile_now(db.session, profile_id).written


def rank_priority(priority_id: int) -> int:
    return ranking.rank_priority_now(db.session, priority_id).written


def rank_imported(profile_ids: list[int]) -> int:
    return company_import.rank_imported(db.session, profile_ids)


def import_companies(batch_id: int) -> None:
    queued_import.run_queued_import(db.session, batch_id)


def rerank_everything() -> int:
    return ranking.rerank_all(db.session).written


def rerank_coordinate(run_id: int) -> None:
    distributed.coordinate(db.session, run_id)


def rerank_chunk(run_id: int, number: int) -> None:
    distributed.run_chunk(db.session, run_id, number)


def reroute_waiting() -> int:
    return routing.reroute_untouched(db.session)


def daily_digests() -> int:
    """The review work's daily run; its digests go out with the outbox's next delivery."""
    return review_daily.run_daily(db.session).digests
