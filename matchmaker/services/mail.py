"""Email through an outbox table: queued in the caller's transaction, delivered by a job.

queue_email() records the email and the delivery job with the caller's change; the job runs
after the commit, never inside a web request (matchmaker/jobs). Delivery isolates each message:
one that cannot be built or that the server refuses is marked failed, the rest go on."""

from __future__ import annotations

import base64
import logging
import re
import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from matchmaker.jobs import enqueue
from matchmaker.jobs.runner import backoff
from matchmaker.orm import EmailStatus, OutboxEmail, utcnow
from matchmaker.services.errors import InvalidTransition, NotFound

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 100


# Control characters (CR and LF above all) in a header would start a new header or break the
# message: the email library refuses them, which used to block the whole outbox.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


_FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322: printable ASCII except the colon


def clean_header(value: str) -> str:
    """A header value on one line: every run of control characters folds to one space."""
    return _CONTROL.sub(" ", str(value)).strip()


def header_name(name: str) -> str:
    """The name itself if it is a valid header name; ValueError otherwise (never folded: a
    name is the code's choice, not user text)."""
    if not _FIELD_NAME.fullmatch(name):
        raise ValueError(f"invalid email header name {name!r}")
    return name


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email. content_type may carry parameters, e.g. an invitation's
    "text/calendar; method=REQUEST", which calendar clients read to offer accept/decline."""

    filename: str
    content_type: str
    data: bytes

    def stored(self) -> dict:
        return {
            "filename": clean_header(self.filename),
            "content_type": clean_header(self.content_type),
            "data": base64.b64encode(self.data).decode("ascii"),
        }


def queue_email(
    session: Session,
    to: str,
    subject: str,
    body: str,
    headers: dict | None = None,
    attachments: list[Attachment] | None = None,
) -> OutboxEmail:
    """Add an email to the outbox; its delivery runs once the caller's transaction commits."""
    headers = {header_name(k): clean_header(v) for k, v in (headers or {}).items()}
    email = OutboxEmail(
        to=clean_header(to)[:254],
        subject=clean_header(subject)[:300],
        body=body,
        headers=headers,
        attachments=[a.stored() for a in attachments or ()],
    )
    session.add(email)
    enqueue("deliver_outbox", session=session)  # once per transaction, however many emails
    return email


def kick_outbox() -> None:
    """Kept for older call sites, does nothing: queue_email() records the delivery itself."""


def _message(email: OutboxEmail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    # Cleaned again: rows queued before headers were cleaned must not block the outbox.
    msg["To"] = clean_header(email.to)
    msg["Subject"] = clean_header(email.subject)
    msg["Message-ID"] = make_msgid(domain="matchmaker.localhost")
    for name, value in (email.headers or {}).items():
        msg[header_name(name)] = clean_header(value)
    msg.set_content(email.body)
    for item in email.attachments or ():
        _attach(msg, item)
    return msg


def _attach(msg: EmailMessage, item: dict) -> None:
    """Add a stored attachment: "type/subtype; name=value" becomes the part's Content-Type."""
    kind, *params = (p.strip() for p in item["content_type"].split(";"))
    maintype, _, subtype = kind.partition("/")
    extra = dict(p.partition("=")[::2] for p in params if "=" in p)
    msg.add_attachment(
        base64.b64decode(item["data"]),
        maintype=maintype,
        subtype=subtype,
        filename=item["filename"],
        params=extra,
    )


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


# The server refused this message, not the connection: the others may still go.
REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    ValueError,
    UnicodeError,
)


def deliver_outbox() -> int:
    """Send due emails one at a time, each committed at once; returns the number sent.

    One commit per email means a crash re-sends at most one message. A message that cannot be
    built, or that the server refuses, fails alone (with the reason, for the admin outbox) and
    the round goes on. When the connection itself fails the round stops: the rest stay pending
    rather than each waiting for a timeout.
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
            msg = _message(email)
        except Exception as exc:  # noqa: BLE001 - whatever breaks one message, the rest go on
            _refused(email, f"cannot build this email: {type(exc).__name__}: {exc}", True)
            session.commit()
            continue
        try:
            if smtp:
                _send_smtp([msg])
            else:
                _send_console(msg)
        except REFUSED as exc:
            _refused(email, f"refused: {type(exc).__name__}: {exc}", _permanent(exc), now)
            session.commit()
            continue
        except (OSError, smtplib.SMTPException) as exc:
            _retry_later(email, f"{type(exc).__name__}: {exc}", now)
            session.commit()
            break
        email.status = EmailStatus.SENT
        email.sent_at = utcnow()
        email.transport = "smtp" if smtp else "console"
        email.last_error = ""
        email.body = redact_links(email.body)
        session.commit()
        sent += 1
    return sent


def _permanent(exc: Exception) -> bool:
    """SMTP 5xx replies are final; 4xx ones (mailbox busy, try later) are worth a retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
    else:
        codes = [getattr(exc, "smtp_code", 550)]
    return any(code >= 500 for code in codes)


def _refused(email: OutboxEmail, reason: str, permanent: bool, now=None) -> None:
    if permanent:
        email.status = EmailStatus.FAILED
        email.last_error = reason[:2000]
        log.warning("email %s to %s failed: %s", email.id, email.to, email.last_error)
    else:
        _retry_later(email, reason, now or utcnow())


def _retry_later(email: OutboxEmail, reason: str, now) -> None:
    email.last_error = reason[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = EmailStatus.FAILED
    else:
        email.next_attempt_at = now + backoff(email.attempts)
    log.warning("email %s to %s not sent: %s", email.id, email.to, email.last_error)


def pending_count(session: Session) -> int:
    """Emails waiting to be sent."""
    pending = OutboxEmail.status == EmailStatus.PENDING
    return session.scalar(select(func.count()).select_from(OutboxEmail).where(pending)) or 0


def oldest_pending_age(session: Session) -> float | None:
    """Seconds since the oldest pending email was queued, or None when nothing waits."""
    oldest = session.scalar(
        select(OutboxEmail.created_at)
        .where(OutboxEmail.status == EmailStatus.PENDING)
        .order_by(OutboxEmail.created_at)
        .limit(1)
    )
    return None if oldest is None else max((utcnow() - oldest).total_seconds(), 0.0)


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
    enqueue("deliver_outbox", session=session)
    session.commit()
