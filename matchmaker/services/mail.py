"""Email through an outbox table: queued in the caller's transaction, delivered by a job."""

from __future__ import annotations

import logging
import re
import smtplib
import sys
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from matchmaker.jobs import enqueue, job
from matchmaker.orm import EmailStatus, FailedJob, OutboxEmail, utcnow
from matchmaker.services.errors import InvalidTransition, NotFound

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 100


def queue_email(
    session: Session, to: str, subject: str, body: str, headers: dict | None = None
) -> OutboxEmail:
    """Add an email to the outbox; it is sent once the caller's transaction commits."""
    email = OutboxEmail(to=to, subject=subject[:300], body=body, headers=headers or {})
    session.add(email)
    return email


def kick_outbox() -> None:
    """Ask for delivery of whatever the outbox holds (call after commit)."""
    enqueue(deliver_outbox)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min ... capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _message(email: OutboxEmail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = email.to
    msg["Subject"] = email.subject
    msg["Message-ID"] = make_msgid(domain="matchmaker.localhost")
    for name, value in (email.headers or {}).items():
        msg[name] = value
    msg.set_content(email.body)
    return msg


def _send_smtp(messages: list[EmailMessage]) -> None:
    cfg = current_app.config
    with smtplib.SMTP(
        cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=cfg["MAIL_TIMEOUT"]
    ) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        for msg in messages:
            smtp.send_message(msg)


def _send_console(msg: EmailMessage) -> None:
    print(
        f"\n----- email (no SMTP configured) -----\n{msg}\n----- end email -----", file=sys.stderr
    )


# Links that act as a password: once an email is sent they are of no use in the stored copy,
# and anyone reading the outbox (admins, backups) could otherwise take over the account.
ONE_TIME_LINK = re.compile(
    r"https?://\S+/(?:auth/reset|invite|signup/confirm|signup/invitation)/\S+"
)
REDACTED = "[one-time link removed after sending]"


def redact_links(body: str) -> str:
    """The body with every one-time link replaced by a placeholder."""
    return ONE_TIME_LINK.sub(REDACTED, body)


def _next_due(session: Session, now) -> OutboxEmail | None:
    return session.scalar(
        select(OutboxEmail)
        .where(OutboxEmail.status == EmailStatus.PENDING, OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


@job
def deliver_outbox() -> int:
    """Send due emails one at a time, each committed at once; returns the number sent.

    One commit per email means a crash re-sends at most one message. When SMTP refuses a
    connection the round stops: the rest stay pending rather than each waiting for a timeout.
    """
    from matchmaker.extensions import db

    session = db.session
    now = utcnow()
    sent = 0
    smtp = bool(current_app.config.get("MAIL_SERVER"))
    for _ in range(BATCH):
        email = _next_due(session, now)
        if email is None:
            break
        email.attempts += 1
        try:
            if smtp:
                _send_smtp([_message(email)])
            else:
                _send_console(_message(email))
        except (OSError, smtplib.SMTPException) as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
            else:
                email.next_attempt_at = now + backoff(email.attempts)
            log.warning("email %s to %s not sent: %s", email.id, email.to, email.last_error)
            session.commit()
            break
        email.status = EmailStatus.SENT
        email.sent_at = utcnow()
        email.transport = "smtp" if smtp else "console"
        email.last_error = ""
        email.body = redact_links(email.body)
        session.commit()
        sent += 1
    _schedule_retry(session)
    return sent


def _schedule_retry(session: Session) -> None:
    """With RQ, come back when the next pending email is due; inline, cron runs `send-mail`."""
    if not current_app.config.get("REDIS_URL"):
        return
    nxt = session.scalar(
        select(OutboxEmail.next_attempt_at)
        .where(OutboxEmail.status == EmailStatus.PENDING)
        .order_by(OutboxEmail.next_attempt_at)
        .limit(1)
    )
    if nxt is not None:
        from matchmaker.jobs import queue, run_job

        queue().enqueue_at(nxt, run_job, deliver_outbox.job_name, [])


def outbox_query(status: str = "", search: str = "") -> Select:
    """The outbox, newest first, filtered by status and by recipient or subject."""
    query = select(OutboxEmail).order_by(OutboxEmail.id.desc())
    if status in {s.value for s in EmailStatus}:
        query = query.where(OutboxEmail.status == status)
    if search:
        query = query.where(
            OutboxEmail.to.contains(search.lower()) | OutboxEmail.subject.contains(search)
        )
    return query


def failed_jobs_query() -> Select:
    """Jobs that failed every retry, newest first."""
    return select(FailedJob).order_by(FailedJob.id.desc())


def requeue_failed(session: Session, email_id: int) -> None:
    """Give a failed email another round of tries (admin action)."""
    email = session.get(OutboxEmail, email_id)
    if email is None:
        raise NotFound("No such email.")
    if email.status != EmailStatus.FAILED:
        raise InvalidTransition(
            f"This email is {email.status.value}: only failed emails are retried."
        )
    email.status = EmailStatus.PENDING
    email.attempts = 0
    email.next_attempt_at = utcnow()
    session.commit()
    kick_outbox()
